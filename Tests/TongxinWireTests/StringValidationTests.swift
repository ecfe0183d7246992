import Testing
import TongxinSchemas
import TongxinWire

/// protobuf-c copies string fields into C strings without looking at them; the reader
/// refuses what a Swift `String` must not silently become: invalid UTF-8 (which Swift
/// would "repair") and NUL (which a C string would cut short).
@Suite("String fields are valid UTF-8 without NUL, at any depth")
struct StringValidationTests {
    /// A length-delimited field: tag (`number`, wire type 2), length, bytes.
    private func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] {
        [number << 3 | 2, UInt8(bytes.count)] + bytes
    }

    private func refusal(_ bytes: [UInt8]) -> WireError? {
        do {
            _ = try RpcV1.Frame(serializedBytes: bytes)
            return nil
        } catch {
            return error as? WireError
        }
    }

    @Test("a NUL inside a top-level string is refused")
    func nul() {
        let error = refusal(field(3, Array("/a\u{0}b".utf8)))
        #expect(error == .invalidString(message: "tongxin.rpc.v1.Frame", field: "tongxin.rpc.v1.Frame.method"))
    }

    @Test("ill-formed UTF-8 is refused", arguments: [
        [0xC3, 0x28],              // a lead byte without its continuation
        [0xC0, 0xAF],              // an overlong "/"
        [0xE0, 0x80, 0xAF],        // an overlong three-byte form
        [0xED, 0xA0, 0x80],        // a UTF-16 surrogate
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xE5, 0x90],              // truncated at the end of the field
        [0xFF],
        [0x80],
    ] as [[UInt8]])
    func illFormed(bytes: [UInt8]) {
        #expect(refusal(field(3, bytes)) != nil, "\(bytes)")
    }

    @Test("strings inside nested messages are checked too (metadata, error detail figures)")
    func nested() {
        let badEntry = field(4, field(1, Array("x-trace-id".utf8)) + field(2, [0x61, 0x00]))
        #expect(refusal(badEntry) == .invalidString(message: "tongxin.rpc.v1.Frame", field: "tongxin.rpc.v1.MetadataEntry.value"))
        let badFigure = field(9, field(5, field(1, [0xED, 0xBF, 0xBF])))
        #expect(refusal(badFigure) == .invalidString(message: "tongxin.rpc.v1.Frame", field: "tongxin.rpc.v1.Figure.name"))
    }

    @Test("bytes fields may hold anything, and valid text of every width decodes")
    func validText() throws {
        let text = "同心 议事 ✓ 𝄞 é a"
        let frame = RpcV1.Frame(method: text, metadata: [RpcV1.MetadataEntry(key: "k", value: text)], payload: [0, 0xFF, 0xC3, 0x28])
        let decoded = try RpcV1.Frame(serializedBytes: try frame.serializedBytes())
        #expect(decoded == frame)
    }
}
