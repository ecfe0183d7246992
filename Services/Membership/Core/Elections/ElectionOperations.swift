import TongxinService
import Foundation
import MembershipRules
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// 推选 (issue 8 §8): the supervision committee and the villagers' representatives are
/// elected by the villagers' assembly or the representatives' meeting (Organic Law arts. 25,
/// 32), not confirmed by the party organisation. An election records the body, the day, those
/// entitled and present, and each candidate's votes (counts only); MembershipRules' ``Election``
/// decides quorum and who is elected (过半数 of those present). The elected stay nominated,
/// marked with the election, for the 公示 of the results; the others are withdrawn.
struct ElectionOperations {
    let scope: CallScope
    let timeZone: TimeZone
    var councils: CouncilStore { CouncilStore(tx: scope.tx) }

    func record(_ request: MembershipV1.RecordElectionRequest) async throws -> MembershipV1.Election {
        let body = try ElectingBody(wire: request.body)
        guard let heldOn = try request.heldOn?.localDate(field: "held_on") else { throw MembershipError.missing("held_on") }
        guard !request.votes.isEmpty else { throw MembershipError.missing("votes") }
        let council = try await councils.find(request.councilId, forUpdate: true)
        guard ConfirmationPath.of(council.kind) == .election else {
            throw MembershipError.failedPrecondition(
                rule: "election.not_elected_body",
                zh: "\(council.kind.nameZH)成员经公示后由党组织研究确定，不经推选",
                en: "members of a \(council.kind.nameEN) are confirmed by the party organisation after notice, not elected")
        }
        guard council.status.acceptsNominations else {
            throw MembershipError.failedPrecondition(rule: "council.dissolved", zh: "议事会已撤销", en: "the council is dissolved")
        }
        try CouncilOperations.refuseIfExpired(council, on: LocalDate(containing: scope.now, in: timeZone))
        let candidates = Dictionary(
            try await councils.seats(of: council.id, in: [.nominated]).filter { $0.electionID == nil }.map { ($0.id.lowercased, $0) },
            uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = []
        for vote in request.votes {
            let id = try Validate.id(vote.seatId, field: "seat_id").lowercased
            guard candidates[id] != nil else { throw MembershipError.notFound(what: "seat") }
            guard seen.insert(id).inserted else {
                throw MembershipError.invalidArgument(field: "votes", zh: "同一候选人不能重复计票", en: "a candidate appears twice")
            }
        }
        let election = Election(
            body: body, heldOn: heldOn, eligible: Int(request.eligible), present: Int(request.present),
            tallies: request.votes.map { Election.Tally(candidate: $0.seatId.lowercased(), votes: Int($0.votes)) },
            households: Int(request.households), householdsPresent: Int(request.householdsPresent))
        let outcome: [(candidate: String, votes: Int, elected: Bool)]
        do { outcome = try election.outcome() } catch {
            throw MembershipError.failedPrecondition(
                rule: error.rule, zh: error.messageZH, en: error.messageEN,
                figures: [ErrorDetail.Figure("\(error.rule).present", String(request.present)),
                          ErrorDetail.Figure("\(error.rule).eligible", String(request.eligible))])
        }
        let id = UUID()
        try await scope.tx.execute(
            """
            INSERT INTO membership.elections (county_code, id, council_id, unit_path, body, held_on, eligible, present,
                                              term_number, recorded_at, recorded_by, households, households_present)
            VALUES ($1, $2, $3, $4::ltree, $5, $6::date, $7, $8, $9, $10, $11, $12, $13)
            """,
            [.text(council.countyCode), .uuid(id), .uuid(council.id), .text(council.unitPath), body.postgresValue,
             .text(heldOn.sqlText), .int(Int64(request.eligible)), .int(Int64(request.present)),
             .int(Int64(council.termNumber)), .timestamp(scope.now), .text(scope.caller.principal),
             .int(Int64(request.households)), .int(Int64(request.householdsPresent))])
        var results: [MembershipV1.CandidateResult] = []
        for result in outcome {
            guard let seat = candidates[result.candidate] else { continue }
            try await scope.tx.execute(
                """
                INSERT INTO membership.election_votes (county_code, election_id, seat_id, unit_path, votes, elected)
                VALUES ($1, $2, $3, $4::ltree, $5, $6)
                """,
                [.text(council.countyCode), .uuid(id), .uuid(seat.id), .text(council.unitPath), .int(Int64(result.votes)),
                 .bool(result.elected)])
            if result.elected {
                try await scope.tx.execute(
                    "UPDATE membership.seats SET election_id = $2 WHERE county_code = $3 AND id = $1",
                    [.uuid(seat.id), .uuid(id), .text(council.countyCode)])
            } else {
                try await councils.endSeats(where: "s.id = $1", [.uuid(seat.id)], reason: "not elected", now: scope.now)
            }
            results.append(MembershipV1.CandidateResult(
                seatId: seat.id.lowercased, personId: seat.personID.lowercased, votes: Int32(result.votes), elected: result.elected))
        }
        try await scope.audit("RecordElection", target: "council/\(council.id.lowercased)", unitPath: council.unitPath,
                              ["election": id.lowercased, "body": body.rawValue, "held_on": heldOn.sqlText,
                               "eligible": String(request.eligible), "present": String(request.present),
                               "households": String(request.households), "households_present": String(request.householdsPresent),
                               "candidates": String(results.count), "elected": String(results.count { $0.elected })])
        return MembershipV1.Election(
            id: id.lowercased, councilId: council.id.lowercased, body: body.wire, heldOn: CommonV1.Date(heldOn),
            eligible: request.eligible, present: request.present, results: results,
            households: request.households, householdsPresent: request.householdsPresent)
    }
}
