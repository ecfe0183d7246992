import Testing
import TongxinSchemas
import TongxinWire

/// Opens the existential so each sample round-trips through its concrete type.
private func roundTrip<M: WireMessage>(_ message: M) throws -> Bool {
    let bytes = try message.serializedBytes()
    let decoded = try M(serializedBytes: bytes)
    // Only a message without fields may encode to nothing: every sample sets every field.
    return decoded == message && (bytes.isEmpty == M.wireDescriptor.fieldNumbers.isEmpty)
}

@Suite("Every message of Schemas/ round-trips through protobuf-c")
struct RoundTripTests {
    @Test("the samples cover every message protoc-c knows")
    func samplesCoverEveryMessage() {
        #expect(Set(everyMessageSample.map(\.name)) == Set(SchemaRegistry.messageNames))
    }

    @Test("every message with every field set decodes to an equal value", arguments: everyMessageSample.map(\.name))
    func everyMessageRoundTrips(name: String) throws {
        let sample = try #require(everyMessageSample.first { $0.name == name }?.message)
        #expect(try roundTrip(sample))
    }

    @Test("default values are omitted on the wire, as proto3 requires")
    func defaultsAreOmitted() throws {
        #expect(try RpcV1.Frame().serializedBytes() == [])
        #expect(try HealthV1.CheckResponse().serializedBytes() == [])
    }

    @Test("Chinese text survives byte for byte")
    func chineseText() throws {
        let text = CommonV1.LocalizedText(zh: "基层干部 11 人超过固定成员 30 人的三分之一", en: "cadres 11 of 30 > 1/3")
        let decoded = try CommonV1.LocalizedText(serializedBytes: text.serializedBytes())
        #expect(decoded.zh == "基层干部 11 人超过固定成员 30 人的三分之一")
        #expect(Array(decoded.zh.utf8) == Array(text.zh.utf8))
    }

    @Test("an unknown enum number is kept, proto3 enums are open")
    func openEnums() throws {
        let frame = RpcV1.Frame(kind: RpcV1.FrameKind(rawValue: 42))
        let decoded = try RpcV1.Frame(serializedBytes: frame.serializedBytes())
        #expect(decoded.kind == .unrecognized(42))
        #expect(decoded.kind.rawValue == 42)
    }

    @Test("a string with a NUL character is refused by name, not truncated")
    func nulInString() {
        #expect(throws: WireError.invalidString(message: "tongxin.common.v1.StringValue", field: "value")) {
            try CommonV1.StringValue(value: "a\u{0}b").serializedBytes()
        }
    }

    @Test("extreme scalar values survive")
    func extremes() throws {
        let value = CommonV1.Fraction(numerator: .min, denominator: .max)
        #expect(try CommonV1.Fraction(serializedBytes: value.serializedBytes()) == value)
        let frame = RpcV1.Frame(callId: .max, timeoutMicros: .min, lastCallId: .max)
        #expect(try RpcV1.Frame(serializedBytes: frame.serializedBytes()) == frame)
    }
}
