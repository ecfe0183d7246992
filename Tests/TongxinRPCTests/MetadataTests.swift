import Testing
@testable import TongxinRPC

@Suite("Metadata")
struct MetadataTests {
    @Test("keys are lower-cased, order is kept and a key may repeat")
    func orderAndRepeats() {
        var metadata = Metadata()
        metadata.add("X-Trace-Id", "t1")
        metadata.add("b", "1")
        metadata.add("B", "2")
        #expect(metadata["x-trace-id"] == "t1")
        #expect(metadata.values(forKey: "b") == ["1", "2"])
        #expect(metadata.map(\.key) == ["x-trace-id", "b", "b"])
    }

    @Test("setting a key replaces all its values in place; nil removes them")
    func subscriptSet() {
        var metadata: Metadata = ["a": "1", "b": "2", "a": "3"]
        metadata["a"] = "9"
        #expect(metadata.map(\.value) == ["9", "2"])
        metadata["a"] = nil
        #expect(metadata.map(\.key) == ["b"])
    }

    @Test("the well-known keys have accessors")
    func wellKnown() {
        var metadata = Metadata()
        metadata.authorization = "Bearer abc"
        metadata.traceID = "trace"
        metadata.idempotencyKey = "once"
        metadata.tenantUnit = "330000"
        metadata.principal = "alice"
        #expect(metadata["authorization"] == "Bearer abc")
        #expect(metadata["x-trace-id"] == "trace")
        #expect(metadata["x-idempotency-key"] == "once")
        #expect(metadata["x-tenant-unit"] == "330000")
        #expect(metadata["x-principal"] == "alice")
        #expect(CallOptions(idempotencyKey: "k").metadata.idempotencyKey == "k")
    }

    @Test("printing metadata never shows the bearer token")
    func redaction() {
        let metadata: Metadata = ["authorization": "Bearer secret", "x-trace-id": "t"]
        #expect(!metadata.description.contains("secret"))
        #expect(metadata.description.contains("x-trace-id: t"))
    }

    @Test("metadata survives the wire")
    func wire() {
        let metadata: Metadata = ["a": "1", "b": "2", "a": "3"]
        #expect(Metadata(wire: metadata.wire) == metadata)
    }
}
