import Foundation
import GatewayAPI
import GatewayRules
import MembershipAPI
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinTesting

/// The open-data export (数据开放, issue 12 item 6): public notices (and, once the session
/// service exists, published results) of a unit and period, JSON and CSV, personal data masked.
@Suite(.gateway("gw_opendata"))
struct OpenDataTests {
    /// A village council in `county` with two nominees published for 公示 (membership, directly).
    func publishedNotice(_ county: TestCounty) async throws -> MembershipV1.Notice {
        let harness = try GatewayHarness.current
        let admin = harness.membership.server.options(unitPath: county.path, permissions: ["membership.read", "membership.write"])
        let api = MembershipV1.Membership.Client(harness.membership.server.client)
        let village = CommonV1.UnitRef(divisionCode: county.villageCode(1))
        let council = try await api.createCouncil(.init(unit: village, kind: .villageCouncil, name: "一村议事会",
                                                        termStartsOn: .init(year: 2025, month: 1, day: 1)), options: admin)
        for (name, role, phone, id) in [("张三丰", MembershipV1.CouncilRole.chair, "13800138000", "11010519491231002X"),
                                        ("欧阳娜娜", .fixedMember, "13900139000", "")] {
            let person = try await api.createPerson(.init(unit: village, name: name, gender: .female, phone: phone,
                                                          idNumber: id), options: admin)
            _ = try await api.nominateMember(.init(councilId: council.id, personId: person.id, role: role, source: .partyOrganisation),
                                             options: admin)
        }
        return try await api.publishNotice(.init(councilId: council.id), options: admin)
    }

    /// The China-time days around membership's clock (it stamps the notice).
    func period() throws -> (CommonV1.Date, CommonV1.Date) {
        let now = try GatewayHarness.current.membership.clock.now()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        func day(_ date: Date) -> CommonV1.Date {
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            return .init(year: Int32(parts.year!), month: Int32(parts.month!), day: Int32(parts.day!))
        }
        return (day(now.addingTimeInterval(-86400)), day(now.addingTimeInterval(2 * 86400)))
    }

    @Test("notices of a unit and period as JSON and CSV with names masked and no phone or ID number; results plug in later and say so")
    func export() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let notice = try await publishedNotice(county)
        let portal = try await harness.integration("portal-\(county.number)", county: county)
        let (from, until) = try period()
        let json = try await harness.gateway.api.exportOpenData(
            .init(divisionCode: county.townCode(1), from: from, until: until, format: .json), options: portal)
        #expect(json.unitPath == county.townPath(1) && json.divisionCode == county.townCode(1))
        let notices = try #require(json.sections.first { $0.name == "notices" })
        #expect(notices.available && notices.recordCount == 1 && notices.contentType == "application/json")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(notices.content.utf8)) as? [[String: String]])
        #expect(records.first?["notice_id"] == notice.id)
        // Nominated at the same instant here, so in either order.
        #expect(Set((records.first?["nominees"] ?? "").split(separator: ";")) == ["张**(chair)", "欧***(fixedMember)"])
        #expect(records.first?["division_code"] == county.villageCode(1) && records.first?["council_name"] == "一村议事会")
        for secret in ["张三丰", "欧阳娜娜", "13800138000", "13900139000", "8000", "002X"] {
            #expect(!notices.content.contains(secret), "\(secret) leaked")
        }
        let results = try #require(json.sections.first { $0.name == "results" })
        #expect(!results.available && results.unavailableReason.contains("session"))
        // CSV of one section; a period without the notice is empty but available.
        let csv = try await harness.gateway.api.exportOpenData(
            .init(divisionCode: county.villageCode(1), from: from, until: until, format: .csv, sections: ["notices"]), options: portal)
        #expect(csv.sections.map(\.name) == ["notices"])
        let lines = csv.sections[0].content.split(separator: "\r\n")
        #expect(lines.first == "notice_id,council_name,council_kind,unit_name,division_code,status,published_at,first_day,last_day,nominees,nominee_count,objection_count")
        #expect(lines.count == 2 && lines[1].contains("张**(chair)") && lines[1].contains("欧***(fixedMember)"))
        let earlier = try await harness.gateway.api.exportOpenData(
            .init(divisionCode: county.villageCode(1), from: .init(year: 2020, month: 1, day: 1), until: .init(year: 2020, month: 2, day: 1),
                  format: .csv, sections: ["notices"]), options: portal)
        #expect(earlier.sections[0].available && earlier.sections[0].recordCount == 0)
        // Bad requests name their field.
        await expectRule(.invalidArgument, nil) {
            try await harness.gateway.api.exportOpenData(.init(divisionCode: county.villageCode(1), from: until, until: from), options: portal)
        }
        await expectRule(.invalidArgument, nil) {
            try await harness.gateway.api.exportOpenData(.init(divisionCode: county.villageCode(1), from: from, until: until, sections: ["people"]), options: portal)
        }
    }

    @Test("anyone may export by division code without credentials; a town's reader finds nothing of another town")
    func anonymousAndTenancy() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        _ = try await publishedNotice(county)
        let (from, until) = try period()
        let anonymous = CallOptions(timeout: .seconds(20))
        let open = try await harness.gateway.api.exportOpenData(
            .init(divisionCode: county.villageCode(1), from: from, until: until, format: .json, sections: ["notices"]), options: anonymous)
        #expect(open.unitPath == county.villagePath(1) && open.sections.first?.recordCount == 1)
        #expect(open.sections.first?.content.contains("张**") == true)
        await expectRule(.invalidArgument, nil) {
            try await harness.gateway.api.exportOpenData(.init(from: from, until: until), options: anonymous)
        }
        await expectRule(.notFound, nil) {
            try await harness.gateway.api.exportOpenData(.init(divisionCode: "990101001001", from: from, until: until), options: anonymous)
        }
        // Anonymous callers reach nothing else.
        await expectRule(.unauthenticated, nil) {
            try await harness.gateway.api.listChanges(.init(divisionCode: county.villageCode(1)), options: anonymous)
        }
        let other = try await harness.session("od-town2-\(county.number)", .townAdmin, at: county.townPath(2), county: county)
        await expectRule(.notFound, nil) {
            try await harness.gateway.api.exportOpenData(.init(divisionCode: county.villageCode(1), from: from, until: until), options: other)
        }
        let own = try await harness.gateway.api.exportOpenData(.init(from: from, until: until, sections: ["notices"]), options: other)
        #expect(own.unitPath == county.townPath(2) && own.sections.first?.recordCount == 0)
    }
}
