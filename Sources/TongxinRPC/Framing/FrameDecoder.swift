import NIOCore
import TongxinSchemas
import TongxinWire

/// Splits a TCP byte stream into `Frame`s: `uint32 big-endian length` then that many
/// bytes of a protobuf `Frame` (Schemas/tongxin/rpc/v1/frame.proto).
///
/// The length is checked against `maxFrameSize` as soon as its four bytes are in — before
/// anything is reserved or waited for — so a peer announcing a 5 MiB frame costs us four
/// bytes, not five megabytes. Frames are parsed straight out of the receive buffer.
struct FrameDecoder {
    static let prefixLength = 4

    let maxFrameSize: Int
    /// At most this many metadata entries per frame (gRPC's default too).
    let maxMetadataEntries: Int
    /// At most this many bytes of encoded metadata entries per frame.
    let maxMetadataBytes: Int
    private var buffer: ByteBuffer?

    init(maxFrameSize: Int, maxMetadataEntries: Int = 64, maxMetadataBytes: Int = 8 * 1024) {
        self.maxFrameSize = maxFrameSize
        self.maxMetadataEntries = maxMetadataEntries
        self.maxMetadataBytes = maxMetadataBytes
    }

    /// True while the bytes of a started frame are buffered — the state a slow or
    /// stalled peer leaves us in, watched by the frame read timeout.
    var hasPartialFrame: Bool {
        (self.buffer?.readableBytes ?? 0) > 0
    }

    /// The memory held for bytes not yet framed: what a peer can make us keep.
    var bufferedCapacity: Int {
        self.buffer?.capacity ?? 0
    }

    /// Adds bytes received from the peer. Takes the buffer as is when nothing is pending,
    /// so the common case (whole frames per read) copies nothing.
    mutating func append(_ incoming: ByteBuffer) {
        if var buffered = self.buffer, buffered.readableBytes > 0 {
            self.buffer = nil  // keep the storage uniquely referenced while writing
            var incoming = incoming
            buffered.writeBuffer(&incoming)
            self.buffer = buffered
        } else {
            self.buffer = incoming
        }
    }

    /// The next complete frame, or nil when more bytes are needed.
    ///
    /// Before protobuf-c unpacks a frame, its top-level fields are scanned in place
    /// (`FrameScan`): a frame with more metadata than `maxMetadataEntries` entries or
    /// `maxMetadataBytes` bytes is skipped unread, so a 4 MiB frame of a million empty
    /// entries costs one pass over its bytes, not a million C structs and Swift strings.
    /// A skipped REQUEST throws the non-fatal `.callRefused` (its call is answered
    /// RESOURCE_EXHAUSTED and the stream goes on); any other kind throws
    /// `.metadataTooLarge`. A REQUEST whose strings are not valid UTF-8 (or hold NUL) is
    /// refused the same way with INVALID_ARGUMENT.
    mutating func next() throws(FrameError) -> RpcV1.Frame? {
        guard var buffer = self.buffer,
              let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self)
        else {
            return nil
        }
        let frameLength = Int(length)
        guard frameLength <= self.maxFrameSize else {
            let payloadStart = buffer.readerIndex + Self.prefixLength
            let available = buffer.getSlice(at: payloadStart, length: buffer.writerIndex - payloadStart)
            throw .tooLarge(length: frameLength, limit: self.maxFrameSize, callID: available.flatMap(Self.peekCallID))
        }
        guard buffer.readableBytes >= Self.prefixLength + frameLength else {
            return nil
        }
        self.buffer = nil
        buffer.moveReaderIndex(forwardBy: Self.prefixLength)
        // A view of the frame's bytes where they are (no copy); the rest stays buffered.
        let frameBytes = buffer.readSlice(length: frameLength)!
        if buffer.readableBytes > 0 {
            self.buffer = buffer
        }
        let limits = (entries: self.maxMetadataEntries, bytes: self.maxMetadataBytes)
        let result: Result<RpcV1.Frame, FrameError> = frameBytes.withUnsafeReadableBytes { bytes in
            let scan = FrameScan(bytes)
            let isRequest = scan.kind == RpcV1.FrameKind.request.rawValue && scan.callID != 0
            if scan.metadataEntries > limits.entries || scan.metadataBytes > limits.bytes {
                guard isRequest else {
                    return .failure(.metadataTooLarge(
                        entries: scan.metadataEntries, bytes: scan.metadataBytes, maxEntries: limits.entries, maxBytes: limits.bytes))
                }
                return .failure(.callRefused(callID: scan.callID, status: Status(
                    code: .resourceExhausted,
                    message: "request " + FrameError.metadataMessage(
                        entries: scan.metadataEntries, bytes: scan.metadataBytes, maxEntries: limits.entries, maxBytes: limits.bytes))))
            }
            do {
                return .success(try RpcV1.Frame(serializedBytes: bytes))
            } catch WireError.invalidString where isRequest {
                return .failure(.callRefused(callID: scan.callID, status: Status(
                    code: .invalidArgument, message: "the request frame holds a string that is not valid UTF-8 or contains NUL")))
            } catch {
                return .failure(.unparsable(length: frameLength, reason: "\(error)"))
            }
        }
        return try result.get()
    }

    /// Reads `call_id` (field 1, a varint, written first by protobuf-c) from the start of
    /// a frame's bytes, when they are there — so that even a frame we refuse to read can
    /// be answered on its own call.
    static func peekCallID(_ bytes: ByteBuffer) -> UInt64? {
        var bytes = bytes
        guard bytes.readInteger(as: UInt8.self) == 0x08 else { return nil }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64, let byte = bytes.readInteger(as: UInt8.self) {
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                return value
            }
            shift += 7
        }
        return nil
    }
}
