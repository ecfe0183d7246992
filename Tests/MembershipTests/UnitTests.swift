import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// 行政单元 (issue 3 §1): the tree of units with their division codes, through RPC.
@Suite("Administrative units", .membershipService("units"))
struct UnitTests {
    @Test("a unit hangs under its parent, its path spelled by the division codes")
    func createsUnderParent() async throws {
        let county = try await MembershipHarness.current.county()
        let town = try await county.town(1)
        let village = try await county.village(1)
        #expect(town.level == .town)
        #expect(town.path == "\(county.path).u\(county.townCode(1))")
        #expect(village.parentId == town.id)
        #expect(village.path == "\(town.path).u\(county.villageCode(1, 1))")
        let fetched = try await county.api.getUnit(.init(unit: .init(divisionCode: village.divisionCode)), options: county.admin)
        #expect(fetched == village)
    }

    @Test("an unknown unit or parent is NOT_FOUND")
    func unknownUnit() async throws {
        let county = try await MembershipHarness.current.county()
        await expectStatus(.notFound, "parent unit not found", "未找到上级单元") {
            try await county.unit(county.villageCode(9, 1), "无上级村", under: county.townCode(9))
        }
        await expectStatus(.notFound, "unit not found", "未找到单元") {
            try await county.api.getUnit(.init(unit: .init(divisionCode: county.townCode(42))), options: county.admin)
        }
        await expectStatus(.notFound, "unit not found") {
            try await county.api.getUnit(.init(unit: .init(id: UUID().uuidString)), options: county.admin)
        }
    }

    @Test("a duplicate division code is ALREADY_EXISTS naming division_code")
    func duplicateCode() async throws {
        let county = try await MembershipHarness.current.county()
        try await county.town(1)
        await expectStatus(.alreadyExists, field: "division_code", county.townCode(1), "已登记") {
            try await county.unit(county.townCode(1), "重复的镇", under: county.code)
        }
    }

    @Test("a malformed division code is INVALID_ARGUMENT naming division_code", arguments: [
        ("33100100100", "区划代码应为12位数字"),            // 11 digits
        ("3310010010001", "区划代码应为12位数字"),          // 13 digits
        ("3310a1001000", "区划代码应为12位数字"),           // not a digit
        ("991001001000", "省级代码（前2位）不存在"),        // no such province
        ("330000000000", "省级区划不能作为单位"),           // a province is not a unit
    ])
    func malformedCode(code: String, problem: String) async throws {
        let county = try await MembershipHarness.current.county()
        await expectStatus(.invalidArgument, field: "division_code", problem) {
            try await county.unit(code, "坏代码", under: county.code)
        }
    }

    @Test("a unit must sit one level below its parent and inside its parent's code")
    func placement() async throws {
        let county = try await MembershipHarness.current.county()
        try await county.town(1)
        await expectStatus(.invalidArgument, field: "level", "村社区不能设在市县区之下") {
            try await county.unit(county.villageCode(1, 1), "越级村", under: county.code)
        }
        await expectStatus(.invalidArgument, field: "level", "does not match division code") {
            try await county.api.createUnit(
                .init(divisionCode: county.townCode(2), name: "层级不符", level: .village, parent: county.ref), options: county.admin)
        }
        let other = try await MembershipHarness.current.county()
        await expectStatus(.invalidArgument, field: "division_code", "不在上级单元") {
            try await county.unit(other.townCode(5), "他县之镇", under: county.code)
        }
    }

    @Test("renaming, moving and retiring keep the unit and its history")
    func renameMoveRetire() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1, town: 1)
        let town2 = try await county.town(2)
        let resident = try await county.person("王五", in: village)

        let renamed = try await county.api.updateUnit(
            .init(unit: village.ref, name: .init(value: "新名村"), householdCount: .init(value: 320)), options: county.admin)
        #expect(renamed.name == "新名村")
        #expect(renamed.householdCount == 320)

        let moved = try await county.api.moveUnit(.init(unit: village.ref, newParent: town2.ref), options: county.admin)
        #expect(moved.parentId == town2.id)
        #expect(moved.path == "\(town2.path).u\(village.divisionCode)")
        // People move with their unit: the new town finds them, the old one does not.
        let inNewTown = try await county.api.findPeople(.init(unit: town2.ref), options: county.admin)
        #expect(inNewTown.people.map(\.id) == [resident.id])
        let inOldTown = try await county.api.findPeople(.init(unit: .init(divisionCode: county.townCode(1))), options: county.admin)
        #expect(inOldTown.people.isEmpty)

        await expectStatus(.failedPrecondition, rule: "place.retire.active_children", "1 个未撤销的下级单元") {
            try await county.api.retireUnit(.init(unit: town2.ref, reason: "合并"), options: county.admin)
        }
        let retired = try await county.api.retireUnit(.init(unit: village.ref, reason: "撤村并居"), options: county.admin)
        #expect(retired.retired)
        #expect(retired.retiredAt != nil)
        let active = try await county.api.listUnits(.init(root: town2.ref), options: county.admin)
        #expect(active.units.map(\.id) == [town2.id])
        let all = try await county.api.listUnits(.init(root: town2.ref, includeRetired: true), options: county.admin)
        #expect(all.units.map(\.id) == [town2.id, village.id])
        await expectStatus(.failedPrecondition, rule: "place.retired", "已撤销") {
            try await county.person("赵六", in: village)
        }
    }

    @Test("a subtree lists parents before children")
    func listsSubtree() async throws {
        let county = try await MembershipHarness.current.county()
        let v12 = try await county.village(2, town: 1)
        let v11 = try await county.village(1, town: 1)
        let v21 = try await county.village(1, town: 2)
        let listed = try await county.api.listUnits(.init(page: .init(includeTotal: true)), options: county.admin)
        #expect(listed.units.map(\.divisionCode) == [
            county.code, county.townCode(1), v11.divisionCode, v12.divisionCode, county.townCode(2), v21.divisionCode,
        ])
        #expect(listed.page?.totalCount == 6)
        let paged = try await county.api.listUnits(.init(page: .init(pageSize: 4)), options: county.admin)
        #expect(paged.units.count == 4)
        let rest = try await county.api.listUnits(
            .init(page: .init(pageSize: 4, pageToken: paged.page?.nextPageToken ?? "")), options: county.admin)
        #expect(rest.units.map(\.divisionCode) == [county.townCode(2), v21.divisionCode])
    }

    @Test("a page token that is not a unit path of the listed subtree is INVALID_ARGUMENT, not INTERNAL",
          arguments: ["not a path", "u1.", "x330000", "u' OR 1=1 --", "u999999999999"])
    func malformedPageToken(token: String) async throws {
        let county = try await MembershipHarness.current.county()
        await expectStatus(.invalidArgument, field: "page.page_token", "分页标记无效") {
            try await county.api.listUnits(.init(page: .init(pageSize: 2, pageToken: token)), options: county.admin)
        }
    }
}

/// 批量导入 (issue 3 §1): CSV `code,name,parent_code`, idempotent, all or nothing.
@Suite("Importing units from CSV", .membershipService("import"))
struct UnitImportTests {
    func csv(_ county: County) -> String {
        """
        code,name,parent_code
        \(county.townCode(1)),东城镇,\(county.code)
        \(county.villageCode(1, 1)),东一村,\(county.townCode(1))
        \(county.villageCode(1, 2)),"东二村, 新",\(county.townCode(1))
        \(county.villageCode(1, 1))001,东一村一组,\(county.villageCode(1, 1))

        """
    }

    @Test("re-importing the same CSV creates nothing and reports every row unchanged")
    func idempotent() async throws {
        let county = try await MembershipHarness.current.county()
        let first = try await county.api.importUnits(.init(csv: csv(county)), options: county.admin)
        #expect(first.committed)
        #expect(first.created == 4)
        #expect(first.errors.isEmpty)
        let second = try await county.api.importUnits(.init(csv: csv(county)), options: county.admin)
        #expect(second.committed)
        #expect(second.created == 0)
        #expect(second.unchanged == 4)
        let listed = try await county.api.listUnits(.init(page: .init(includeTotal: true)), options: county.admin)
        #expect(listed.units.count == 5)
        #expect(listed.units.contains { $0.name == "东二村, 新" })
        let group = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1) + "001")), options: county.admin)
        #expect(group.level == .group)
    }

    @Test("bad rows are each reported with line, field and reason, and nothing is half-imported")
    func badRows() async throws {
        let county = try await MembershipHarness.current.county()
        let text = """
            code,name,parent_code
            \(county.townCode(1)),东城镇,\(county.code)
            \(county.villageCode(1, 1)),东一村,\(county.townCode(1))
            \(county.villageCode(9, 1)),无主村,\(county.townCode(9))
            \(county.villageCode(1, 1)),重复村,\(county.townCode(1))
            \(county.villageCode(2, 1)),越级村,\(county.code)
            1234,坏代码,\(county.code)
            """
        let report = try await county.api.importUnits(.init(csv: text), options: county.admin)
        #expect(!report.committed)
        let errors = report.errors.map { "\($0.line) \($0.field) \($0.reason)" }
        #expect(errors == [
            "4 parent_code unknown_parent",
            "5 code duplicate_code",
            "6 level wrong_level",
            "7 code malformed",
        ])
        #expect(report.errors.first?.message?.zh.contains(county.townCode(9)) == true)
        #expect(report.errors.first?.divisionCode == county.villageCode(9, 1))
        // The two good rows were not written either.
        let listed = try await county.api.listUnits(.init(page: .init(includeTotal: true)), options: county.admin)
        #expect(listed.units.map(\.divisionCode) == [county.code])
    }

    @Test("a dry run validates and reports but writes nothing")
    func dryRun() async throws {
        let county = try await MembershipHarness.current.county()
        let report = try await county.api.importUnits(.init(csv: csv(county), dryRun: true), options: county.admin)
        #expect(!report.committed)
        #expect(report.created == 4)
        #expect(report.errors.isEmpty)
        let listed = try await county.api.listUnits(.init(page: .init(includeTotal: true)), options: county.admin)
        #expect(listed.units.count == 1)
    }
}
