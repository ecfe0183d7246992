import Foundation

/// The merged change feed's cursor: the position reached in each service's feed, bound to
/// the unit it was issued for. Opaque to callers (`cf1.` + base64url of JSON); a service the
/// cursor does not name starts at its first change (a service routed later is read from its
/// beginning, nothing missed). A cursor that does not decode, or was issued for another
/// unit, is INVALID_ARGUMENT naming `cursor`.
struct FeedCursor: Equatable, Sendable {
    static let prefix = "cf1."
    static let maxLength = 4096

    var unit: String
    var positions: [String: Int64]

    init(unit: String, positions: [String: Int64] = [:]) {
        self.unit = unit
        self.positions = positions
    }

    private struct Encoded: Codable {
        var u: String
        var p: [String: Int64]
    }

    /// The cursor `text` names for `unit` ("" is the start).
    init(decoding text: String, unit: String) throws(CursorError) {
        guard !text.isEmpty else {
            self.init(unit: unit)
            return
        }
        guard text.utf8.count <= Self.maxLength, text.hasPrefix(Self.prefix) else { throw .malformed }
        var base64 = String(text.dropFirst(Self.prefix.count))
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let decoded = try? JSONDecoder().decode(Encoded.self, from: data),
              decoded.p.allSatisfy({ Self.isServiceName($0.key) && $0.value >= 0 })
        else { throw .malformed }
        guard decoded.u == unit else { throw .otherUnit }
        self.init(unit: decoded.u, positions: decoded.p)
    }

    var encoded: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(Encoded(u: unit, p: positions))) ?? Data()
        return Self.prefix + data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    func position(_ service: String) -> Int64 { positions[service] ?? 0 }

    static func isServiceName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z"), name.utf8.count <= 63 else { return false }
        return name.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") }
    }

    enum CursorError: Error {
        case malformed
        case otherUnit
    }
}
