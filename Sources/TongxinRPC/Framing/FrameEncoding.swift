import NIOCore
import TongxinSchemas
import TongxinWire

extension RpcV1.Frame {
    /// Encodes the frame with its length prefix into one buffer, refusing frames the
    /// receiver would refuse anyway.
    func encoded(allocator: ByteBufferAllocator, maxFrameSize: Int) throws -> ByteBuffer {
        try self.withSerializedBytes { bytes in
            guard bytes.count <= maxFrameSize else {
                throw FrameError.tooLarge(length: bytes.count, limit: maxFrameSize, callID: self.callId)
            }
            var buffer = allocator.buffer(capacity: FrameDecoder.prefixLength + bytes.count)
            buffer.writeInteger(UInt32(bytes.count))
            buffer.writeBytes(bytes)
            return buffer
        }
    }

    static func request(callID: UInt64, method: String, metadata: Metadata, timeoutMicros: Int64, payload: [UInt8]) -> Self {
        RpcV1.Frame(callId: callID, kind: .request, method: method, metadata: metadata.wire, timeoutMicros: timeoutMicros, payload: payload)
    }

    static func response(callID: UInt64, status: Status, metadata: Metadata = [:], payload: [UInt8] = [], detail: ErrorDetail? = nil) -> Self {
        // A detail belongs to a failure only: an OK response never carries one.
        RpcV1.Frame(
            callId: callID, kind: .response, metadata: metadata.wire, status: status.wire, payload: payload,
            errorDetail: status.code == .ok ? nil : detail?.wire)
    }

    static func cancel(callID: UInt64) -> Self {
        RpcV1.Frame(callId: callID, kind: .cancel)
    }

    static func ping(_ payload: [UInt8]) -> Self {
        RpcV1.Frame(kind: .ping, payload: payload)
    }

    static func pong(_ payload: [UInt8]) -> Self {
        RpcV1.Frame(kind: .pong, payload: payload)
    }

    static func goAway(lastCallID: UInt64, status: Status) -> Self {
        RpcV1.Frame(kind: .goaway, status: status.wire, lastCallId: lastCallID)
    }
}
