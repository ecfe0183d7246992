import CProtobufC

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns every C allocation made while building one message for packing, and frees them
/// all at once after `protobuf_c_message_pack`. The tree is never handed to protobuf-c's
/// own free function, so ownership is simple: whatever the arena allocated, it frees.
final class WireArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    init() {
        allocations.reserveCapacity(8)
    }

    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard let pointer = malloc(max(byteCount, 1)) else {
            fatalError("out of memory allocating \(byteCount) bytes")
        }
        allocations.append(pointer)
        return pointer
    }

    /// A zeroed C struct for `descriptor`, initialised by protoc-c's init (defaults).
    func allocateMessage(_ descriptor: WireDescriptor) -> UnsafeMutableRawPointer {
        let pointer = allocate(byteCount: descriptor.structSize)
        memset(pointer, 0, descriptor.structSize)
        protobuf_c_message_init(descriptor.pointer, pointer)
        return pointer
    }

    func releaseAll() {
        for pointer in allocations {
            free(pointer)
        }
        allocations.removeAll(keepingCapacity: false)
    }
}
