import Foundation
import Testing
@testable import MembershipRules

@Suite("AdministrativeLevel — county → town → village → group")
struct AdministrativeLevelTests {
    @Test("each level hangs under the one above it")
    func parents() {
        #expect(AdministrativeLevel.countyCity.parentLevel == nil)
        #expect(AdministrativeLevel.town.parentLevel == .countyCity)
        #expect(AdministrativeLevel.village.parentLevel == .town)
        #expect(AdministrativeLevel.group.parentLevel == .village)
        #expect(AdministrativeLevel.countyCity < .town && AdministrativeLevel.village < .group)
    }

    @Test("a village cannot sit directly under a county, but a district may sit under a city")
    func allowedChildren() {
        #expect(AdministrativeLevel.village.canBeChild(of: .town))
        #expect(!AdministrativeLevel.village.canBeChild(of: .countyCity))
        #expect(!AdministrativeLevel.town.canBeChild(of: .village))
        #expect(AdministrativeLevel.countyCity.canBeChild(of: .countyCity))
        #expect(!AdministrativeLevel.group.canBeChild(of: .group))
    }
}

@Suite("DivisionCode — 统计用区划代码")
struct DivisionCodeTests {
    @Test("the trailing zeros give the level", arguments: [
        ("331082000000", AdministrativeLevel.countyCity),
        ("331082100000", .town),
        ("331082100201", .village),
        ("331082100201003", .group),
        ("330100000000", .countyCity),
    ])
    func impliedLevel(_ code: String, _ level: AdministrativeLevel) throws {
        #expect(try DivisionCode(code).impliedLevel == level)
    }

    @Test("parent codes walk up the tree: village → town → county → city")
    func parents() throws {
        let group = try DivisionCode("331082100201003")
        #expect(!group.isOfficial)
        #expect(group.parentCode?.value == "331082100201")
        #expect(group.parentCode?.parentCode?.value == "331082100000")
        #expect(group.parentCode?.parentCode?.parentCode?.value == "331082000000")
        #expect(try DivisionCode("331082000000").parentCode?.value == "331000000000")
        #expect(try DivisionCode("331000000000").parentCode == nil)
        #expect(try DivisionCode("110101000000").parentCode?.value == "110100000000")
    }

    @Test("a town contains its villages and groups but not a neighbouring town's")
    func containment() throws {
        let town = try DivisionCode("331082100000")
        #expect(town.contains(try DivisionCode("331082100201003")))
        #expect(town.contains(town))
        #expect(!town.contains(try DivisionCode("331082101201")))
    }

    @Test("malformed codes are refused, naming division_code", arguments: [
        ("33108210020", "place.division_code.format"),          // 11 digits
        ("33108210020１", "place.division_code.format"),         // full-width digit
        ("3310821002010", "place.division_code.format"),        // 13 digits
        ("991082100201", "place.division_code.province"),       // no province 99
        ("100000000000", "place.division_code.province"),       // 10 is not a province
        ("330000000000", "place.division_code.level"),          // a province alone
        ("331082000201", "place.division_code.level"),          // village digits, no town
        ("331082100201000", "place.division_code.group"),       // group number 000
        ("331082100000001", "place.division_code.group"),       // group under a town
    ])
    func invalid(_ code: String, _ rule: String) {
        let violation = #expect(throws: DomainViolation.self) { try DivisionCode(code) }
        #expect(violation?.rule == rule)
        #expect(violation?.field == "division_code")
    }

    @Test("a code decodes from a JSON string and invalid ones fail to decode")
    func codable() throws {
        let codes = try JSONDecoder().decode([DivisionCode].self, from: Data(#"["331082100201"]"#.utf8))
        #expect(codes.first?.impliedLevel == .village)
        #expect(throws: DomainViolation.self) {
            try JSONDecoder().decode([DivisionCode].self, from: Data(#"["12"]"#.utf8))
        }
    }
}
