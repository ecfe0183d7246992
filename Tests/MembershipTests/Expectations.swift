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
func expectStatus<T>(
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

/// Resident ID numbers (GB 11643-1999) with a correct ISO 7064 MOD 11-2 check character.
enum IDNumbers {
    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checks: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// `region` (6 digits) + `birth` (YYYYMMDD) + a 3-digit sequence (odd: male, even:
    /// female) + the check character.
    static func make(region: String, birth: String = "19800101", sequence: Int) -> String {
        let body = region + birth + pad(sequence, 3)
        let sum = zip(body.utf8.map { Int($0) - 48 }, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(checks[sum % 11])
    }

    /// The same number with a wrong check character.
    static func withWrongCheck(_ valid: String) -> String {
        let last = valid.last!
        return String(valid.dropLast()) + (last == "1" ? "2" : "1")
    }
}

extension PostgresPool {
    /// The first column of the first row, as a count.
    func count(_ sql: String, _ binds: [PostgresValue] = []) async throws -> Int {
        try await query(sql, binds).first?[0].decode(Int.self) ?? 0
    }
}
