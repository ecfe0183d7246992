@_spi(Fuzzing) import TongxinRPC
import TongxinSchemas
import TongxinWire

/// The fuzz targets of `Scripts/fuzz.sh` (libFuzzer, through `tongxin-fuzz`): each takes
/// arbitrary bytes and answers the invariants they broke, empty when all held. A crash or
/// a sanitizer report is a finding too. Findings are kept as regression inputs under
/// `Tests/Fixtures/fuzz/<target>/` and replayed by the test command.
public enum FuzzTargets {
    public typealias Target = @Sendable (UnsafeRawBufferPointer) -> [String]

    /// Every target by name.
    public static let all: [String: Target] = [
        "frames": { FrameFuzzing.decode($0) },
        "messages": { MessageFuzzing.decode($0) },
    ]
}

/// Every request and response message decoder of `Schemas/`: the first two bytes choose the
/// message (`everyMessageType`, by index), the rest is decoded as it. A message that
/// decodes must encode again, and decode from that to an equal value.
public enum MessageFuzzing {
    public static func decode(_ data: UnsafeRawBufferPointer) -> [String] {
        guard data.count >= 2 else { return [] }
        let index = (Int(data[0]) << 8 | Int(data[1])) % everyMessageType.count
        let (name, type) = everyMessageType[index]
        return roundTrip(type, name: name, UnsafeRawBufferPointer(rebasing: data[2...]))
    }

    /// The input that makes `decode` read `bytes` as the message called `name`.
    public static func input(for name: String, _ bytes: [UInt8]) -> [UInt8]? {
        guard let index = everyMessageType.firstIndex(where: { $0.name == name }) else { return nil }
        return [UInt8(index >> 8), UInt8(index & 0xFF)] + bytes
    }

    private static func roundTrip<M: WireMessage>(_ type: M.Type, name: String, _ bytes: UnsafeRawBufferPointer) -> [String] {
        guard let message = try? M(serializedBytes: bytes) else { return [] }  // refused: fine
        do {
            let again = try M(serializedBytes: try message.serializedBytes())
            return again == message ? [] : ["\(name): decoded, encoded and decoded again, it differs"]
        } catch {
            return ["\(name): decoded, it does not encode and decode again: \(error)"]
        }
    }
}
