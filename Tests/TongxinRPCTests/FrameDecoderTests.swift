import NIOCore
import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Framing")
struct FrameDecoderTests {
    private let frame = RpcV1.Frame.request(callID: 7, method: "/a.B/C", metadata: ["k": "v"], timeoutMicros: 1_000, payload: [1, 2, 3])

    private func encoded(_ frame: RpcV1.Frame) throws -> ByteBuffer {
        try frame.encoded(allocator: ByteBufferAllocator(), maxFrameSize: 4 << 20)
    }

    @Test("a frame is a 4-byte big-endian length followed by the protobuf Frame")
    func layout() throws {
        var buffer = try self.encoded(self.frame)
        let body = try self.frame.serializedBytes()
        #expect(buffer.readInteger(as: UInt32.self) == UInt32(body.count))
        #expect(buffer.readBytes(length: buffer.readableBytes) == body)
    }

    @Test("frames split across reads at every byte are reassembled")
    func byteByByte() throws {
        var decoder = FrameDecoder(maxFrameSize: 4 << 20)
        var stream = try self.encoded(self.frame)
        var second = try self.encoded(.ping([9]))
        stream.writeBuffer(&second)
        var decoded: [RpcV1.Frame] = []
        while let byte = stream.readSlice(length: 1) {
            decoder.append(byte)
            while let frame = try decoder.next() {
                decoded.append(frame)
            }
        }
        #expect(decoded == [self.frame, .ping([9])])
        #expect(!decoder.hasPartialFrame)
    }

    @Test("several frames in one read come out one by one, and a trailing part waits")
    func manyInOneRead() throws {
        var decoder = FrameDecoder(maxFrameSize: 4 << 20)
        var stream = try self.encoded(self.frame)
        for id in [UInt64(9), 11] {
            var next = try self.encoded(.cancel(callID: id))
            stream.writeBuffer(&next)
        }
        stream.writeBytes([0, 0, 0, 5, 0x08])
        decoder.append(stream)
        #expect(try decoder.next() == self.frame)
        #expect(try decoder.next() == .cancel(callID: 9))
        #expect(try decoder.next() == .cancel(callID: 11))
        #expect(try decoder.next() == nil)
        #expect(decoder.hasPartialFrame)
    }

    @Test("a 5 MiB length prefix is rejected after its 4 bytes, with nothing reserved for the body")
    func oversizeBeforeAllocation() throws {
        var decoder = FrameDecoder(maxFrameSize: 4 << 20)
        decoder.append(ByteBuffer(bytes: [0x00, 0x50, 0x00, 0x00]))
        #expect(throws: FrameError.tooLarge(length: 5 << 20, limit: 4 << 20, callID: nil)) {
            try decoder.next()
        }
        #expect(decoder.bufferedCapacity < 1024)
    }

    @Test("a frame of exactly the maximum size is accepted")
    func exactlyMax() throws {
        let payload = [UInt8](repeating: 1, count: 1000)
        let frame = RpcV1.Frame.response(callID: 1, status: .ok, payload: payload)
        let size = try frame.serializedBytes().count
        var decoder = FrameDecoder(maxFrameSize: size)
        decoder.append(try frame.encoded(allocator: ByteBufferAllocator(), maxFrameSize: size))
        #expect(try decoder.next() == frame)
        #expect(throws: FrameError.self) {
            try frame.encoded(allocator: ByteBufferAllocator(), maxFrameSize: size - 1)
        }
    }

    @Test("the call id of an oversize frame is read from its first bytes when they arrived")
    func peekCallID() throws {
        var decoder = FrameDecoder(maxFrameSize: 4 << 20)
        decoder.append(ByteBuffer(bytes: [0x00, 0x50, 0x00, 0x00, 0x08, 0xAC, 0x02]))
        #expect(throws: FrameError.tooLarge(length: 5 << 20, limit: 4 << 20, callID: 300)) {
            try decoder.next()
        }
    }

    @Test("bytes that are not a Frame are reported, not crashed on")
    func garbage() throws {
        var decoder = FrameDecoder(maxFrameSize: 4 << 20)
        decoder.append(ByteBuffer(bytes: [0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF]))
        #expect {
            try decoder.next()
        } throws: { error in
            guard case .unparsable(length: 4, _) = error as? FrameError else { return false }
            return true
        }
    }

    @Test("an empty frame is a valid Frame with every field at its default")
    func emptyFrame() throws {
        var decoder = FrameDecoder(maxFrameSize: 4 << 20)
        decoder.append(ByteBuffer(bytes: [0, 0, 0, 0]))
        #expect(try decoder.next() == RpcV1.Frame())
    }
}
