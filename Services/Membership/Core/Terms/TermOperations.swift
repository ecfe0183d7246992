import TongxinService
import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 换届 — a council's term follows the villagers' committee's (004; Organic Law art. 11:
/// five years). Ending a term after an election expires every open seat in bulk, starts
/// the next term and sends the council back to FORMING, so its fixed members are
/// re-confirmed through the same notice procedure (issue 3 §6). History is kept: ended
/// seats keep their span.
struct TermOperations {
    let scope: CallScope
    /// The deployment's zone: "today" is read in it (issue 8 §11).
    let timeZone: TimeZone
    /// Term length per kind (issue 8 §7).
    let terms: TermLengths
    var councils: CouncilStore { CouncilStore(tx: scope.tx) }

    func endTerm(_ request: MembershipV1.EndTermRequest) async throws -> MembershipV1.Council {
        let council = try await councils.find(request.councilId, forUpdate: true)
        let today = LocalDate(containing: scope.now, in: timeZone)
        // Without dates: a term that has run out is followed by the next in its cycle
        // (MembershipRules' Term.next, counted from the last day, so terms never drift by a
        // day); a term cut short by an early election starts a new cycle today.
        var following: LocalDate?
        if let lastDay = council.termEndsOn, today >= lastDay { following = lastDay }
        let startsOn = try request.nextTermStartsOn?.localDate(field: "next_term_starts_on") ?? following ?? today
        let endsOn = try request.nextTermEndsOn?.localDate(field: "next_term_ends_on")
            ?? terms.term(council.kind, startsOn: startsOn).lastDay
        guard startsOn <= endsOn else {
            throw MembershipError.invalidArgument(field: "next_term_ends_on", zh: "任期结束日早于开始日", en: "the term ends before it starts")
        }
        guard council.status.acceptsNominations else {
            throw MembershipError.failedPrecondition(rule: "council.dissolved", zh: "议事会已撤销", en: "the council is dissolved")
        }
        let outgoing = try await councils.seats(of: council.id, in: [.seated])
        try await scope.tx.execute(
            "UPDATE membership.notices SET status = $2 WHERE council_id = $1 AND status = $3",
            [.uuid(council.id), NoticeStatus.superseded.postgresValue, NoticeStatus.open.postgresValue])
        let ended = try await councils.endSeats(
            where: "s.council_id = $1", [.uuid(council.id)], reason: "term \(council.termNumber) ended", now: scope.now)
        try await scope.tx.execute(
            "UPDATE membership.terms SET ended_at = $3 WHERE council_id = $1 AND number = $2",
            [.uuid(council.id), .int(Int64(council.termNumber)), .timestamp(scope.now)])
        let next = council.termNumber + 1
        try await scope.tx.execute(
            """
            INSERT INTO membership.terms (council_id, number, unit_path, starts_on, ends_on, county_code)
            VALUES ($1, $2, $3::ltree, $4::date, $5::date, $6)
            """,
            [.uuid(council.id), .int(Int64(next)), .text(council.unitPath), .text(startsOn.sqlText), .text(endsOn.sqlText),
             .text(council.countyCode)])
        try await scope.tx.execute(
            "UPDATE membership.councils SET term_number = $2 WHERE id = $1", [.uuid(council.id), .int(Int64(next))])
        try await councils.apply(.endTerm, to: council, now: scope.now)
        var renominated = 0
        if request.renominate {
            for seat in outgoing where seat.role.needsNotice {
                try await scope.tx.execute(
                    """
                    INSERT INTO membership.seats (id, council_id, person_id, unit_path, role, topic_id, status, term_number,
                                                  note, nominated_at, county_code, source)
                    VALUES ($1, $2, $3, $4::ltree, $5, '', $6, $7, 're-nominated after the term change', $8, $9, $10)
                    """,
                    [.uuid(UUID()), .uuid(council.id), .uuid(seat.personID), .text(council.unitPath),
                     seat.role.postgresValue, MembershipState.initial(needsNotice: true).postgresValue, .int(Int64(next)),
                     .timestamp(scope.now), .text(council.countyCode), seat.source.postgresValue])
                renominated += 1
            }
        }
        try await scope.audit("EndTerm", target: "council/\(council.id.lowercased)", unitPath: council.unitPath,
                              ["ended_term": String(council.termNumber), "seats_ended": String(ended),
                               "renominated": String(renominated)])
        let updated = try await councils.find(council.id)
        return updated.wire(seats: try await councils.seats(of: council.id), today: today)
    }
}
