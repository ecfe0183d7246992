import TongxinTesting
import AuditAPI
import Foundation
import Testing
import MembershipAPI
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// 审计 (issue 3 §8; ARCHITECTURE.md principle 6): every mutation writes one entry to the
/// shared, hash-chained audit log in its own transaction; refused calls and reads write none.
@Suite("Audit of every mutation", .membershipService("audit"), .serialized)
struct AuditTests {
    /// The membership entries of a county's subtree, by method.
    func entries(_ county: County) async throws -> [String: Int] {
        let rows = try await county.harness.superuser.query(
            "SELECT method, count(*) AS n FROM audit.entries WHERE service = 'membership' AND unit_path <@ $1::ltree GROUP BY method",
            [.text(county.path)])
        var result: [String: Int] = [:]
        for row in rows { result[try row["method"].decode(String.self)] = try row["n"].decode(Int.self) }
        return result
    }

    @Test("every mutation writes exactly one audit entry; refused calls and reads write none; the chains verify")
    func everyMutationAudited() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()                                       // CreateUnit
        let village = try await county.village(1)                                     // CreateUnit ×2
        _ = try await county.api.updateUnit(.init(unit: village.ref, householdCount: .init(value: 120)), options: county.admin)
        let a = try await county.person("甲", in: village)                            // CreatePerson
        let b = try await county.person("乙", in: village)                            // CreatePerson
        _ = try await county.api.updatePerson(.init(personId: a.id, partyMember: .init(value: true)), options: county.admin)
        _ = try await county.api.addKinship(.init(personId: a.id, relativeId: b.id, relation: "spouse"), options: county.admin)
        let council = try await county.council(.villageCouncil, at: village)         // CreateCouncil
        let seat = try await county.nominate(a, to: council, as: .chair)             // NominateMember
        try await county.nominate(b, to: council)                                     // NominateMember
        _ = try await county.api.setCompositionRule(
            .init(unit: village.ref, kind: .villageCouncil, ruleId: "composition.member_count", disabled: true), options: county.admin)
        let notice = try await county.publish(council)                                // PublishNotice
        let objection = try await county.api.fileObjection(
            .init(noticeId: notice.id, seatId: seat.id, objectorName: "丙", reason: "理由"), options: county.admin)
        _ = try await county.api.resolveObjection(
            .init(objectionId: objection.id, outcome: .dismissed, resolution: "不成立"), options: county.admin)
        _ = try await county.api.importUnits(
            .init(csv: "code,name,parent_code\n\(county.townCode(2)),二镇,\(county.code)\n"), options: county.admin)

        // Refused or read-only calls leave no trace.
        await expectStatus(.alreadyExists) { try await county.town(1) }
        await expectStatus(.failedPrecondition) { try await county.confirm(notice) }
        _ = try await county.api.getCouncil(.init(councilId: council.id), options: county.admin)
        _ = try await county.check(council)
        _ = try await county.api.importUnits(.init(csv: "code,name,parent_code\n1,坏,2\n"), options: county.admin)

        #expect(try await entries(county) == [
            "CreateUnit": 3, "UpdateUnit": 1, "CreatePerson": 2, "UpdatePerson": 1, "AddKinship": 1,
            "CreateCouncil": 1, "NominateMember": 2, "SetCompositionRule": 1, "PublishNotice": 1,
            "FileObjection": 1, "ResolveObjection": 1, "ImportUnits": 1,
        ])
        let principals = try await harness.superuser.query(
            "SELECT DISTINCT principal FROM audit.entries WHERE unit_path <@ $1::ltree", [.text(county.path)])
        #expect(try principals.map { try $0["principal"].decode(String.self) } == ["clerk"])
        let chains = try await harness.superuser.query(
            "SELECT DISTINCT chain FROM audit.entries WHERE unit_path <@ $1::ltree", [.text(county.path)])
        #expect(chains.count == 2)   // the county's own chain and town 1's
        for chain in chains {
            let name = try chain["chain"].decode(String.self)
            #expect(try await harness.superuser.query("SELECT * FROM audit.verify($1)", [.text(name)]).isEmpty, "\(name)")
        }
    }

    @Test("ending a term, removing a member and ending a topic are audited too")
    func lifecycleAudited() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        try await county.constitute(council)
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        try await county.nominate(try await county.person("特邀", in: village), to: council, as: .adHocMember, topic: "t")
        _ = try await county.api.endTopic(.init(councilId: council.id, topicId: "t"), options: county.admin)
        let next = try await county.api.endTerm(.init(councilId: council.id, renominate: true), options: county.admin)
        let seat = try #require(next.seats.first { $0.personId == members[5].id })
        _ = try await county.api.removeMember(.init(seatId: seat.id), options: county.admin)
        _ = try await county.api.moveUnit(.init(unit: village.ref, newParent: try await county.town(2).ref), options: county.admin)
        _ = try await county.api.retireUnit(.init(unit: .init(divisionCode: county.townCode(1)), reason: "撤并"), options: county.admin)
        let counts = try await entries(county)
        for method in ["ConfirmNotice", "EndTopic", "EndTerm", "RemoveMember", "MoveUnit", "RetireUnit"] {
            #expect(counts[method] == 1, "\(method)")
        }
    }

    @Test("VerifyAuditChain on the real service: intact after mutations and a checkpoint; the tail deleted by a superuser is reported")
    func verifyChainsOverRPC() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let village = try await county.village(1)
        _ = try await county.person("甲", in: village)
        _ = try await county.person("乙", in: village)
        try await harness.base.checkpointer.checkpointNow()
        let audit = AuditV1.Audit.Client(harness.server.client)
        let auditor = county.caller(at: county.path, ["audit.verify"])
        let before = try await audit.verifyAuditChain(.init(), options: auditor)
        #expect(before.chains.count == 2)   // the county's own chain and town 1's
        for report in before.chains {
            #expect(report.verdict == .intact, "\(report.chain): \(report.detail)")
            #expect(report.checkpointsChecked >= 1)
        }
        // Without the permission the call is refused before the handler.
        await expectStatus(.permissionDenied) {
            try await audit.verifyAuditChain(.init(), options: county.admin)
        }
        let town = county.path + ".u" + county.townCode(1)
        _ = try await harness.superuser.query(
            "DELETE FROM audit.entries WHERE chain = $1 AND seq = (SELECT max(seq) FROM audit.entries WHERE chain = $1)", [.text(town)])
        let after = try await audit.verifyAuditChain(.init(chain: town), options: auditor)
        #expect(after.chains.first?.verdict == .tailTruncated, "\(after.chains)")
    }

    @Test("audit details hold ids and codes, never a person's name, phone, ID number or free-text reason")
    func noNamesInAudit() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let village = try await county.village(1)
        let phone = "13855556666"
        let idNumber = IDNumbers.make(region: county.region, sequence: 321)
        let person = try await county.person("欧阳娜娜", in: village, phone: phone, idNumber: idNumber)
        _ = try await county.api.updatePerson(.init(personId: person.id, name: .init(value: "欧阳菲菲")), options: county.admin)
        _ = try await county.api.updateUnit(.init(unit: village.ref, name: .init(value: "改名村")), options: county.admin)
        let council = try await county.council(.villageCouncil, at: village, name: "欧阳家族议事会")
        let seat = try await county.nominate(person, to: council, as: .chair)
        _ = try await county.api.removeMember(.init(seatId: seat.id, reason: "欧阳菲菲本人申请退出"), options: county.admin)
        let details = try await harness.superuser.query(
            "SELECT method, detail::text AS detail FROM audit.entries WHERE unit_path <@ $1::ltree", [.text(county.path)])
        #expect(details.count >= 6)
        for row in details {
            let detail = try row["detail"].decode(String.self)
            let method = try row["method"].decode(String.self)
            for secret in ["欧阳", "改名村", phone, idNumber, String(idNumber.prefix(6)) + "19800101"] {
                #expect(!detail.contains(secret), "\(method) audits \(detail)")
            }
        }
        // The ids are there: the person's row is where the name lives.
        let created = try await harness.superuser.count(
            "SELECT count(*) FROM audit.entries WHERE method = 'CreatePerson' AND target = $1", [.text("person/" + person.id)])
        #expect(created == 1)
    }
}
