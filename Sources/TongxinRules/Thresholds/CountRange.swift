/// 人数区间 — an inclusive range of counts, as the seeds write "30—60人" or "3-7人".
///
/// Both ends are included (a size "额定在30—60人" accepts 30 and 60; 000/001). Used for
/// council sizes, members per villager group and households per representative.
public struct CountRange: Sendable, Hashable {
    public let min: Int
    public let max: Int

    /// `min...max`, both included.
    /// - Precondition: `0 <= min <= max`; decoding checks the same and throws instead.
    public init(_ min: Int, _ max: Int) {
        precondition(min >= 0 && min <= max, "a count range needs 0 <= min <= max")
        self.min = min
        self.max = max
    }

    /// Exactly `n` (a range of one), e.g. "1 名名誉会长" (004).
    public static func exactly(_ n: Int) -> CountRange { CountRange(n, n) }

    public func contains(_ count: Int) -> Bool { count >= min && count <= max }

    /// `30–60`, or `1` when the range is a single number.
    public var text: String { min == max ? "\(min)" : "\(min)–\(max)" }
}

extension CountRange: Codable {
    private enum CodingKeys: String, CodingKey { case min, max }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let min = try container.decode(Int.self, forKey: .min)
        let max = try container.decode(Int.self, forKey: .max)
        guard min >= 0, min <= max else {
            throw DecodingError.dataCorruptedError(
                forKey: .max, in: container, debugDescription: "a count range needs 0 <= min <= max"
            )
        }
        self.init(min, max)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(min, forKey: .min)
        try container.encode(max, forKey: .max)
    }
}
