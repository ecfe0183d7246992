import Foundation
import TongxinPostgres

/// SQL over `membership.people`, inside the caller's scope.
struct PersonStore {
    let tx: PostgresTransaction

    func find(_ id: UUID, forUpdate: Bool = false) async throws -> PersonRecord {
        let person = try await tx.queryOne(
            PersonRecord.self,
            "SELECT \(PersonRecord.columns) FROM membership.people AS p WHERE p.id = $1\(forUpdate ? " FOR UPDATE" : "")",
            [.uuid(id)])
        guard let person else { throw MembershipError.notFound(what: "person") }
        return person
    }
}
