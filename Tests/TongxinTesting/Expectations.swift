import Foundation
import Testing
import TongxinPostgres
import TongxinRPC

/// Expects `body` to fail with `code`; with `rule` (a rule id, or several comma-separated)
/// or `field` (the wire name of the field at fault), the error's structured detail must
/// name exactly that — the detail, not the message text, is what clients key on. The
/// message must still contain every one of `fragments` (the figures, the Chinese text).
/// Returns the error.
@discardableResult
public func expectStatus<T>(
    _ code: Status.Code, rule: String? = nil, field: String? = nil, _ fragments: String...,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async -> RPCError? {
    do {
        _ = try await body()
        Issue.record("expected \(code) \(rule ?? field ?? "") \(fragments), but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let rule {
            #expect(error.detail?.rule == rule, "rule of \(error): \(error.detail.map(String.init(describing:)) ?? "no detail")", sourceLocation: sourceLocation)
        }
        if let field {
            #expect(error.detail?.field == field, "field of \(error): \(error.detail.map(String.init(describing:)) ?? "no detail")", sourceLocation: sourceLocation)
        }
        if [.invalidArgument, .alreadyExists, .failedPrecondition].contains(code) {
            // Every refusal the service explains carries both languages in its detail too.
            #expect(error.detail?.messageZH.isEmpty == false, "\(error) has no detail", sourceLocation: sourceLocation)
            #expect(error.detail?.messageEN.isEmpty == false, "\(error) has no detail", sourceLocation: sourceLocation)
        }
        for fragment in fragments {
            #expect(error.message.contains(fragment), "«\(fragment)» is missing from: \(error.message)", sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected an RPCError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension PostgresPool {
    /// The first column of the first row, as a count.
    public func count(_ sql: String, _ binds: [PostgresValue] = []) async throws -> Int {
        try await query(sql, binds).first?[0].decode(Int.self) ?? 0
    }
}
