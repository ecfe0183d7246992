import CTongxinSchemas
import TongxinWire

/// Every message descriptor of `Schemas/`, by full protobuf name.
///
/// protoc-c emits one C global per descriptor; `Scripts/generate.py` lists them in
/// `registry.c`, and this registry indexes them once so generated types can find theirs.
public enum SchemaRegistry {
    private static let messages: [String: WireDescriptor] = {
        var table: [String: WireDescriptor] = [:]
        for index in 0..<tongxin_message_descriptor_count() {
            guard let pointer = tongxin_message_descriptor_at(index) else { continue }
            let descriptor = WireDescriptor(pointer)
            table[descriptor.name] = descriptor
        }
        return table
    }()

    /// The descriptor of a generated message. A missing name means the generated C and
    /// Swift are out of step — a build defect that `Scripts/generate.py --check` catches.
    public static func message(named name: String) -> WireDescriptor {
        guard let descriptor = messages[name] else {
            fatalError("no protoc-c descriptor for \(name): run Scripts/generate.py")
        }
        return descriptor
    }

    /// The full names of every message in `Schemas/`.
    public static var messageNames: [String] { messages.keys.sorted() }

    /// Every service and its methods, as protoc-c describes them.
    public static let services: [(name: String, methods: [String])] = {
        (0..<tongxin_service_descriptor_count()).compactMap { index in
            guard let service = tongxin_service_descriptor_at(index) else { return nil }
            let methods = (0..<Int(service.pointee.n_methods)).map {
                String(cString: service.pointee.methods[$0].name)
            }
            return (String(cString: service.pointee.name), methods)
        }
    }()
}
