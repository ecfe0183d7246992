import TongxinRPC

// TEMPORARY until the schema-generated method descriptors land (kit-codegen branch).
struct ShimDescriptor { var readOnly: Bool; var idempotent: Bool; var name: String }
extension ServerCallContext {
    var methodDescriptor: ShimDescriptor? { nil }
}
