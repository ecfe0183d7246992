import Foundation
import Testing
@testable import AgendaRules

@Suite("Scope lists — positive and negative lists inherited down the tree (003, 004)")
struct ScopeListTests {
    let county = try! UnitPath("u331001000000")
    let town = try! UnitPath("u331001000000.u331001001000")
    let village = try! UnitPath("u331001000000.u331001001000.u331001001001")
    let otherTown = try! UnitPath("u331001000000.u331001002000")

    func entry(_ unit: UnitPath, _ list: ScopeListKind, _ category: AgendaRules.Category, _ text: String = "说明") -> ScopeListEntry {
        ScopeListEntry(id: "\(unit)-\(category)", unitPath: unit, list: list, category: category, text: text)
    }

    @Test("a town's negative entry applies to its villages and cites the entry")
    func inherited() {
        let entries = [entry(town, .negative, .religion, "宗教事务不列入协商")]
        do {
            try ScopeLists.check(.religion, at: village, entries: entries)
            Issue.record("accepted")
        } catch {
            #expect(error.rule == "scope.negative_list" && error.field == "category")
            #expect(error.messageZH.contains("宗教事务不列入协商") && error.messageZH.contains(town.description))
        }
        #expect((try? ScopeLists.check(.religion, at: otherTown, entries: entries)) != nil)
        #expect((try? ScopeLists.check(.land, at: village, entries: entries)) != nil)
    }

    @Test("a village's own entry overrides the town's for the same category")
    func override() {
        let entries = [entry(town, .negative, .landAcquisition), entry(village, .positive, .landAcquisition)]
        #expect((try? ScopeLists.check(.landAcquisition, at: village, entries: entries)) != nil)
        #expect((try? ScopeLists.check(.landAcquisition, at: town, entries: entries)) == nil)
        #expect(ScopeLists.effective(entries, at: village)[.landAcquisition]?.list == .positive)
    }

    @Test("the deepest entry wins whatever order entries come in")
    func order() {
        let entries = [entry(village, .positive, .land), entry(county, .negative, .land), entry(town, .negative, .land)]
        #expect(ScopeLists.effective(entries, at: village)[.land]?.unitPath == village)
        #expect(ScopeLists.effective(entries.reversed(), at: village)[.land]?.unitPath == village)
        #expect(ScopeLists.effective(entries, at: otherTown)[.land]?.unitPath == county)
    }
}

@Suite("UnitPath — the ltree paths agenda rows carry")
struct UnitPathTests {
    @Test("well-formed paths parse; their county is the root's code", arguments: [
        "u331001000000", "u331001000000.u331001001000", "u331001000000.u331001001000.u331001001001.u331001001001001",
    ])
    func valid(_ text: String) throws {
        let path = try UnitPath(text)
        #expect(path.description == text && path.countyCode == "331001000000")
    }

    @Test("malformed paths are refused", arguments: ["", "331001000000", "u33100100000", "u331001000000.", "x331001000000", "u331001000000..u331001001000", "u33100100000a"])
    func invalid(_ text: String) {
        #expect(throws: DomainViolation.self) { try UnitPath(text) }
    }

    @Test("within is ltree's <@")
    func within() throws {
        let town = try UnitPath("u331001000000.u331001001000")
        #expect(try UnitPath("u331001000000.u331001001000.u331001001001").isWithin(town))
        #expect(town.isWithin(town))
        #expect(try !UnitPath("u331001000000").isWithin(town))
        #expect(try !UnitPath("u331001000000.u331001002000").isWithin(town))
    }

    @Test("a topic spanning two villages belongs to their town, not to one of them (004)")
    func crossVillage() throws {
        let town = try UnitPath("u331001000000.u331001001000")
        let a = try UnitPath("u331001000000.u331001001000.u331001001001")
        let b = try UnitPath("u331001000000.u331001001000.u331001001002")
        #expect((try? TopicOwnership.check(owner: town, spanned: [a, b])) != nil)
        #expect((try? TopicOwnership.check(owner: a, spanned: [a])) != nil)
        do {
            try TopicOwnership.check(owner: a, spanned: [a, b])
            Issue.record("accepted")
        } catch {
            #expect(error.rule == "topic.span_outside_owner")
        }
        do {
            try TopicOwnership.check(owner: try UnitPath("u331001000000"), spanned: [a, b])
            Issue.record("accepted")
        } catch {
            #expect(error.rule == "topic.cross_village_owner" && error.messageZH.contains(town.description))
        }
    }
}
