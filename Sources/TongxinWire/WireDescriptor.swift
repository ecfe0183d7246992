import CProtobufC

/// protoc-c's runtime descriptor of one message, with a field lookup by field number.
///
/// Descriptors are static data of the generated C; this class only indexes them once per
/// message type (generated code keeps it in a `static let`).
public final class WireDescriptor: @unchecked Sendable {
    public let pointer: UnsafePointer<ProtobufCMessageDescriptor>
    /// The message's full protobuf name, e.g. `tongxin.rpc.v1.Frame`.
    public let name: String
    private let fieldsByNumber: [UInt32: UnsafePointer<ProtobufCFieldDescriptor>]

    public init(_ pointer: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.pointer = pointer
        self.name = String(cString: pointer.pointee.name)
        var table: [UInt32: UnsafePointer<ProtobufCFieldDescriptor>] = [:]
        for index in 0..<Int(pointer.pointee.n_fields) {
            let field = pointer.pointee.fields.advanced(by: index)
            table[field.pointee.id] = field
        }
        self.fieldsByNumber = table
    }

    /// The number of bytes of the C struct.
    var structSize: Int { pointer.pointee.sizeof_message }

    /// The field with this number. A number the schema lacks is a generator bug, not input.
    func field(_ number: UInt32) -> UnsafePointer<ProtobufCFieldDescriptor> {
        guard let field = fieldsByNumber[number] else {
            preconditionFailure("\(name) has no field \(number): regenerate with Scripts/generate.py")
        }
        return field
    }

    /// The field numbers of the message, in ascending order.
    public var fieldNumbers: [UInt32] { fieldsByNumber.keys.sorted() }
}
