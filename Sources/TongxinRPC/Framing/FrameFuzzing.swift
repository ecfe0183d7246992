import NIOCore
import TongxinSchemas
import TongxinWire

/// The frame decoder's fuzzing entry (`tongxin-fuzz`, `Scripts/fuzz.sh`; the findings are
/// replayed by `FuzzRegressionTests`). Not API: only the fuzzer and its tests call it.
@_spi(Fuzzing)
public enum FrameFuzzing {
    /// Feeds `data` to a `FrameDecoder` the way a connection would — in reads of a size the
    /// first byte chooses — and returns every broken invariant (empty when all hold):
    /// - decoding never traps, and stops only where a connection would close;
    /// - the in-place scan (`FrameScan`) agrees with protobuf-c on every frame that decodes
    ///   (call id, kind, metadata entries), so a refusal is never answered on the wrong call;
    /// - a frame that decodes encodes again to a frame equal to it;
    /// - the decoder never holds more than one frame's bytes plus one read.
    public static func decode(_ data: UnsafeRawBufferPointer) -> [String] {
        guard let first = data.first else { return [] }
        let readSize = Int(first % 61) + 1
        let maxFrameSize = 16 * 1024
        var decoder = FrameDecoder(maxFrameSize: maxFrameSize, maxMetadataEntries: 8, maxMetadataBytes: 512)
        var violations = self.scanAgrees(UnsafeRawBufferPointer(rebasing: data[1...]))
        var offset = 1
        reading: while offset < data.count {
            let end = min(data.count, offset + readSize)
            decoder.append(ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: data[offset..<end])))
            offset = end
            while true {
                if decoder.bufferedCapacity > 4 * (maxFrameSize + FrameDecoder.prefixLength + readSize) {
                    violations.append("the decoder holds \(decoder.bufferedCapacity) bytes")
                }
                do {
                    guard let frame = try decoder.next() else { break }
                    violations += self.check(frame)
                } catch .callRefused {
                    continue  // answered on its call; the stream goes on
                } catch {
                    break reading  // the connection closes
                }
            }
        }
        return violations
    }

    private static func check(_ frame: RpcV1.Frame) -> [String] {
        var violations: [String] = []
        do {
            let bytes = try frame.serializedBytes()
            let scan = bytes.withUnsafeBytes { FrameScan($0) }
            if scan.callID != frame.callId || scan.kind != frame.kind.rawValue || scan.metadataEntries != frame.metadata.count {
                violations.append(
                    "FrameScan read call \(scan.callID) kind \(scan.kind) entries \(scan.metadataEntries); protobuf-c \(frame.callId) \(frame.kind.rawValue) \(frame.metadata.count)")
            }
            if try RpcV1.Frame(serializedBytes: bytes) != frame {
                violations.append("a decoded frame does not survive encoding again")
            }
        } catch {
            violations.append("a decoded frame does not encode again: \(error)")
        }
        return violations
    }

    /// The scan of raw frame bytes beside protobuf-c's decoding of the same bytes: they must
    /// agree whenever protobuf-c accepts them (the scan decides refusals before decoding).
    public static func scanAgrees(_ data: UnsafeRawBufferPointer) -> [String] {
        guard let frame = try? RpcV1.Frame(serializedBytes: data) else { return [] }
        let scan = FrameScan(data)
        guard scan.callID == frame.callId, scan.kind == frame.kind.rawValue, scan.metadataEntries == frame.metadata.count else {
            return ["FrameScan read call \(scan.callID) kind \(scan.kind) entries \(scan.metadataEntries); protobuf-c \(frame.callId) \(frame.kind.rawValue) \(frame.metadata.count)"]
        }
        return []
    }
}
