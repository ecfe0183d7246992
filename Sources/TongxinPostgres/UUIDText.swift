import Foundation

/// UUID text without Foundation's `UUID(uuidString:)` / `uuidString`, which go through
/// `sscanf`/`sprintf` on Linux: decoding the ids of a 60-seat council that way was the
/// largest single cost of GetCouncil in a profile. The canonical 8-4-4-4-12 form, either case.
extension UUID {
    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex digits in either case); nil for
    /// anything else.
    public init?(canonicalText text: some StringProtocol) {
        // Two 64-bit halves, filled nibble by nibble: no allocation per id.
        var halves: (UInt64, UInt64) = (0, 0)
        var nibbles = 0
        var count = 0
        for unit in text.utf8 {
            count += 1
            if count == 9 || count == 14 || count == 19 || count == 24 {
                guard unit == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt8
            switch unit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = unit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = unit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = unit - UInt8(ascii: "A") + 10
            default: return nil
            }
            guard nibbles < 32 else { return nil }
            if nibbles < 16 {
                halves.0 = halves.0 << 4 | UInt64(nibble)
            } else {
                halves.1 = halves.1 << 4 | UInt64(nibble)
            }
            nibbles += 1
        }
        guard count == 36, nibbles == 32 else { return nil }
        let (a, b) = (halves.0.bigEndian, halves.1.bigEndian)
        self.init(uuid: withUnsafeBytes(of: (a, b)) { raw in raw.load(as: uuid_t.self) })
    }

    /// The canonical lower-case text, as PostgreSQL prints a `uuid`.
    public var canonicalText: String {
        @inline(__always) func hex(_ nibble: UInt8) -> UInt8 {
            nibble < 10 ? nibble + UInt8(ascii: "0") : nibble - 10 + UInt8(ascii: "a")
        }
        return withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { buffer in
                var out = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[out] = UInt8(ascii: "-")
                        out += 1
                    }
                    buffer[out] = hex(byte >> 4)
                    buffer[out + 1] = hex(byte & 0x0F)
                    out += 2
                }
                return out
            }
        }
    }
}
