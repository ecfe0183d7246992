import TongxinTesting
import Foundation
import MembershipAPI
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 人员检索 (Hardening 12): searching by phone or ID number needs `people.search` or
/// `pii.read`, is audited with the keyed hash only, and is rate-limited per principal;
/// masks keep the last four characters only.
@Suite("Searching people by number: permission, audit, rate limit, masks", .membershipService("search"))
struct PeopleSearchTests {
    static let phone = "13812345678"

    @Test("a search by phone or ID number without people.search or pii.read is PERMISSION_DENIED; by name it is not")
    func searchNeedsPermission() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let idNumber = IDNumbers.make(region: county.region, sequence: 131)
        let person = try await county.person("冯一", in: village, phone: Self.phone, idNumber: idNumber)
        let reader = county.caller(at: county.path, [Permissions.read, Permissions.write])
        await expectStatus(.permissionDenied, "people.search", "pii.read") {
            try await county.api.findPeople(.init(phone: Self.phone), options: reader)
        }
        await expectStatus(.permissionDenied, "people.search") {
            try await county.api.findPeople(.init(idNumber: idNumber), options: reader)
        }
        #expect(try await county.api.findPeople(.init(namePrefix: "冯"), options: reader).people.map(\.id) == [person.id])
        let searcher = county.caller(at: county.path, [Permissions.read, Permissions.searchPeople])
        let found = try await county.api.findPeople(.init(phone: Self.phone), options: searcher)
        #expect(found.people.map(\.id) == [person.id])
        // people.search finds, it does not reveal: last four only.
        #expect(found.people.map(\.phone) == ["*******5678"])
        #expect(found.people.map(\.idNumber) == [String(repeating: "*", count: 14) + String(idNumber.suffix(4))])
        #expect(found.people.map(\.piiVisible) == [false])
    }

    @Test("a search is audited: who searched, the keyed hash and the ids found — never the number")
    func searchAudited() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let village = try await county.village(1)
        let idNumber = IDNumbers.make(region: county.region, sequence: 133)
        let person = try await county.person("冯二", in: village, phone: Self.phone, idNumber: idNumber)
        let searcher = county.caller(at: county.path, [Permissions.read, Permissions.searchPeople], principal: "searcher-audit")
        _ = try await county.api.findPeople(.init(phone: Self.phone), options: searcher)
        _ = try await county.api.findPeople(.init(idNumber: idNumber), options: searcher)
        let rows = try await harness.superuser.query(
            """
            SELECT detail->>'phone_hash' AS phone_hash, detail->>'id_hash' AS id_hash, detail->>'people' AS people,
                   detail::text AS whole
              FROM audit.entries WHERE method = 'SearchPeople' AND principal = 'searcher-audit' AND unit_path <@ $1::ltree ORDER BY seq
            """, [.text(county.path)])
        #expect(rows.count == 2)
        let vault = MembershipHarness.vault
        #expect(try rows.first?["phone_hash"].decode(String?.self) == vault.blindIndex("phone:" + Self.phone))
        #expect(try rows.last?["id_hash"].decode(String?.self) == vault.blindIndex("id:" + idNumber))
        #expect(try rows.map { try $0["people"].decode(String.self) } == [person.id, person.id])
        for row in rows {
            let whole = try row["whole"].decode(String.self)
            #expect(!whole.contains(Self.phone) && !whole.contains(idNumber) && !whole.contains(String(idNumber.prefix(14))))
        }
        // A search by name alone is a plain read: not audited.
        _ = try await county.api.findPeople(.init(namePrefix: "冯"), options: searcher)
        #expect(try await harness.superuser.count(
            "SELECT count(*) FROM audit.entries WHERE method = 'SearchPeople' AND principal = 'searcher-audit'") == 2)
    }

    @Test("more than 30 number searches a minute by one principal are RESOURCE_EXHAUSTED; others and the next minute are not")
    func rateLimited() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let searcher = county.caller(at: county.path, [Permissions.read, Permissions.searchPeople], principal: "searcher-rate")
        for index in 0..<30 {
            _ = try await county.api.findPeople(.init(phone: "1390000" + pad(index, 4)), options: searcher)
        }
        await expectStatus(.resourceExhausted, "30", "过于频繁") {
            try await county.api.findPeople(.init(phone: Self.phone), options: searcher)
        }
        // Name searches are not counted; another principal has its own budget.
        _ = try await county.api.findPeople(.init(namePrefix: "冯"), options: searcher)
        let other = county.caller(at: county.path, [Permissions.read, Permissions.searchPeople], principal: "searcher-other")
        _ = try await county.api.findPeople(.init(phone: Self.phone), options: other)
        // Refused searches are not audited.
        #expect(try await harness.superuser.count(
            "SELECT count(*) FROM audit.entries WHERE method = 'SearchPeople' AND principal = 'searcher-rate'") == 30)
        harness.clock.advance(by: 61)
        _ = try await county.api.findPeople(.init(phone: Self.phone), options: searcher)
    }

    @Test("a read with pii.read is audited with the ids it revealed; a masked read is not")
    func revealAudited() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let village = try await county.village(1)
        let person = try await county.person("冯三", in: village, phone: "13700002222")
        let clerk = county.caller(at: county.path, [Permissions.read], principal: "reader-masked")
        _ = try await county.api.getPerson(.init(personId: person.id), options: clerk)
        let officer = county.caller(at: county.path, [Permissions.read, Permissions.readPII], principal: "reader-pii")
        let clear = try await county.api.getPerson(.init(personId: person.id), options: officer)
        #expect(clear.phone == "13700002222")
        _ = try await county.api.findPeople(.init(namePrefix: "冯三"), options: officer)
        let rows = try await harness.superuser.query(
            "SELECT principal, target, detail->>'people' AS people, detail->>'method' AS m FROM audit.entries WHERE method = 'ReadPII' AND unit_path <@ $1::ltree ORDER BY seq",
            [.text(county.path)])
        #expect(try rows.map { try $0["principal"].decode(String.self) } == ["reader-pii", "reader-pii"])
        #expect(try rows.map { try $0["people"].decode(String.self) } == [person.id, person.id])
        // Two chains (the village's town and the county), so no common order.
        #expect(try Set(rows.map { try $0["m"].decode(String.self) }) == ["GetPerson", "FindPeople"])
        #expect(try rows.map { try $0["target"].decode(String.self) }.allSatisfy { $0 == "person/" + person.id })
    }
}

/// 加密绑定与密钥轮换 (Hardening 13): ciphertexts are bound to their row and column and
/// carry a key id; old keys and the legacy format still read, rotation rewrites them.
enum RotationKeys {
    static let keyOne: [UInt8] = Array(repeating: 0x5A, count: 32)
    static let keyTwo: [UInt8] = Array(repeating: 0x3C, count: 32)
    static let hashKey: [UInt8] = Array(repeating: 0xA5, count: 32)
    /// The service's vault: writes under k2, still reads k1.
    static let vault = PIIVault(currentKeyID: "k2", keys: ["k1": keyOne, "k2": keyTwo], hashKey: hashKey)
    /// The vault before the rotation: k1 only.
    static let before = PIIVault(encryptionKey: keyOne, hashKey: hashKey, keyID: "k1")
}

@Suite("Personal data: ciphertexts bound to row and column, key rotation", .membershipService("rotation", vault: RotationKeys.vault))
struct PIIBindingTests {
    static let before = RotationKeys.before

    func cipher(_ harness: MembershipHarness, _ person: MembershipV1.Person, _ column: String) async throws -> [UInt8] {
        try await harness.superuser.query("SELECT \(column) FROM membership.people WHERE id = $1", [.uuid(UUID(uuidString: person.id)!)])
            .first![0].decode([UInt8].self)
    }

    func store(_ harness: MembershipHarness, _ person: MembershipV1.Person, _ column: String, _ value: [UInt8]) async throws {
        try await harness.superuser.execute("UPDATE membership.people SET \(column) = $2 WHERE id = $1",
                                            [.uuid(UUID(uuidString: person.id)!), .bytea(value)])
    }

    @Test("ciphertexts swapped between two rows, or moved to another column, never open to the other value: INTERNAL")
    func swappedCiphertexts() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let village = try await county.village(1)
        let a = try await county.person("卫甲", in: village, phone: "13611112222", idNumber: IDNumbers.make(region: county.region, sequence: 141))
        let b = try await county.person("卫乙", in: village, phone: "13633334444")
        let aPhone = try await cipher(harness, a, "phone_cipher")
        let bPhone = try await cipher(harness, b, "phone_cipher")
        #expect(PIIVault.keyID(of: aPhone) == "k2")
        try await store(harness, a, "phone_cipher", bPhone)
        try await store(harness, b, "phone_cipher", aPhone)
        let officer = county.caller(at: county.path, [Permissions.read, Permissions.readPII])
        for person in [a, b] {
            let error = await expectStatus(.internalError) { try await county.api.getPerson(.init(personId: person.id), options: officer) }
            #expect(error?.message.contains("136") == false)
        }
        // Masked reads do not open ciphertexts and still work.
        let clerk = county.caller(at: county.path, [Permissions.read])
        #expect(try await county.api.getPerson(.init(personId: a.id), options: clerk).phone == "*******2222")
        // A's own phone ciphertext moved into A's ID-number column does not open either.
        try await store(harness, b, "phone_cipher", bPhone)
        try await store(harness, a, "phone_cipher", aPhone)
        #expect(try await county.api.getPerson(.init(personId: a.id), options: officer).phone == "13611112222")
        try await store(harness, a, "id_cipher", aPhone)
        await expectStatus(.internalError) { try await county.api.getPerson(.init(personId: a.id), options: officer) }
    }

    @Test("rows written under the old key and in the legacy format still read; RotatePIIKey re-encrypts them under the current key")
    func rotation() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let village = try await county.village(1)
        let idNumber = IDNumbers.make(region: county.region, sequence: 143)
        let legacy = try await county.person("韩旧", in: village, phone: "13655556666", idNumber: idNumber)
        let old = try await county.person("韩老", in: village, phone: "13677778888")
        let current = try await county.person("韩新", in: village, phone: "13699990000")
        // As a k1-only deployment wrote them: legacy format (no key id, unbound), and v2 under k1.
        try await store(harness, legacy, "phone_cipher", try Self.before.sealLegacy("13655556666", keyID: "k1"))
        try await store(harness, legacy, "id_cipher", try Self.before.sealLegacy(idNumber, keyID: "k1"))
        try await store(harness, old, "phone_cipher", try Self.before.seal(
            "13677778888", for: PIIVault.Binding(table: "membership.people", column: "phone", row: old.id)))
        let officer = county.caller(at: county.path, [Permissions.read, Permissions.readPII])
        #expect(try await county.api.getPerson(.init(personId: legacy.id), options: officer).idNumber == idNumber)
        #expect(try await county.api.getPerson(.init(personId: old.id), options: officer).phone == "13677778888")

        await expectStatus(.permissionDenied, "pii.rotate") {
            try await county.api.rotatePIIKey(.init(), options: county.admin)
        }
        let rotator = county.caller(at: county.path, [Permissions.read, Permissions.rotatePII], principal: "key-officer")
        let unchanged = try await cipher(harness, current, "phone_cipher")
        let first = try await county.api.rotatePIIKey(.init(batchSize: 1), options: rotator)
        #expect(first.keyId == "k2")
        #expect(first.rewrapped == 1 && first.remaining == 1)
        let second = try await county.api.rotatePIIKey(.init(), options: rotator)
        #expect(second.rewrapped == 1 && second.remaining == 0)
        #expect(try await county.api.rotatePIIKey(.init(), options: rotator).rewrapped == 0)
        for (person, column) in [(legacy, "phone_cipher"), (legacy, "id_cipher"), (old, "phone_cipher")] {
            #expect(PIIVault.keyID(of: try await cipher(harness, person, column)) == "k2")
        }
        #expect(try await cipher(harness, current, "phone_cipher") == unchanged, "values under the current key are left alone")
        let reread = try await county.api.getPerson(.init(personId: legacy.id), options: officer)
        #expect(reread.phone == "13655556666" && reread.idNumber == idNumber)
        #expect(try await county.api.getPerson(.init(personId: old.id), options: officer).phone == "13677778888")
        // Audited with counts and the key id, no numbers.
        let audited = try await harness.superuser.query(
            "SELECT detail::text AS d FROM audit.entries WHERE method = 'RotatePIIKey' AND principal = 'key-officer'")
        #expect(audited.count == 2)
        let details = try audited.map { try $0["d"].decode(String.self) }
        #expect(details.allSatisfy { !$0.contains("1365") && $0.contains("k2") })
    }
}

/// 规则锁定 (Hardening 15): an ancestor locks a composition rule for its subtree, and the
/// statutory rules are locked everywhere.
@Suite("Composition rules a lower unit must not switch off", .membershipService("locks"))
struct RuleLockTests {
    static let weakerShare = """
        {"kind":"share","id":"composition.non_party_share","filter":{"partyMember":false},\
        "threshold":{"comparison":"atLeast","numerator":1,"denominator":10},"base":"standingMembers","source":"镇"}
        """

    @Test("the county locks a rule; a town's override that disables or weakens it is FAILED_PRECONDITION rules.locked naming the county")
    func countyLock() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let town = CommonV1.UnitRef(divisionCode: county.townCode(1))
        let townRules = county.caller(at: county.path + ".u" + county.townCode(1), [Permissions.read, Permissions.rules])
        // Before the lock the town may override it.
        _ = try await county.api.setCompositionRule(
            .init(unit: town, kind: .villageCouncil, ruleId: "composition.non_party_share", definitionJson: Self.weakerShare), options: townRules)
        let locked = try await county.api.setCompositionRule(
            .init(unit: county.ref, kind: .villageCouncil, ruleId: "composition.non_party_share", locked: true), options: county.admin)
        #expect(locked.lockedBy.hasPrefix("unit:"))
        // The town's earlier override no longer applies below the lock.
        let effective = try await county.api.getCompositionRules(.init(unit: village.ref, kind: .villageCouncil), options: county.admin)
        let share = try #require(effective.rules.first { $0.id == "composition.non_party_share" })
        let atCounty = try await county.api.getCompositionRules(.init(unit: county.ref, kind: .villageCouncil), options: county.admin)
        #expect(share.definitionJson == atCounty.rules.first { $0.id == "composition.non_party_share" }?.definitionJson)
        #expect(!share.definitionJson.contains("镇"))
        #expect(share.lockedBy == locked.lockedBy)
        await expectStatus(.failedPrecondition, rule: "rules.locked", county.code, "锁定") {
            try await county.api.setCompositionRule(
                .init(unit: town, kind: .villageCouncil, ruleId: "composition.non_party_share", disabled: true), options: townRules)
        }
        await expectStatus(.failedPrecondition, rule: "rules.locked", county.code) {
            try await county.api.setCompositionRule(
                .init(unit: village.ref, kind: .villageCouncil, ruleId: "composition.non_party_share", definitionJson: Self.weakerShare),
                options: county.admin)
        }
        // Other rules, and other kinds, stay the town's to override.
        _ = try await county.api.setCompositionRule(
            .init(unit: town, kind: .villageCouncil, ruleId: "composition.member_count", disabled: true), options: townRules)
        // The county may lift its own lock; then the town may override again.
        _ = try await county.api.resetCompositionRule(
            .init(unit: county.ref, kind: .villageCouncil, ruleId: "composition.non_party_share"), options: county.admin)
        _ = try await county.api.setCompositionRule(
            .init(unit: town, kind: .villageCouncil, ruleId: "composition.non_party_share", disabled: true), options: townRules)
    }

    @Test("statutory rules (Organic Law arts. 25, 32) cannot be disabled or changed by any unit, the county included")
    func statutoryRules() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        await expectStatus(.failedPrecondition, rule: "rules.locked", "组织法", "Organic Law") {
            try await county.api.setCompositionRule(
                .init(unit: county.ref, kind: .supervisionCommittee, ruleId: "composition.committee_kin_excluded", disabled: true),
                options: county.admin)
        }
        await expectStatus(.failedPrecondition, rule: "rules.locked") {
            try await county.api.setCompositionRule(
                .init(unit: village.ref, kind: .villagersRepresentativesMeeting, ruleId: "composition.women_representative_share",
                      disabled: true), options: county.admin)
        }
        let rules = try await county.api.getCompositionRules(.init(unit: village.ref, kind: .villagersRepresentativesMeeting), options: county.admin)
        #expect(rules.rules.first { $0.id == "composition.representative_share" }?.lockedBy == "statute")
        #expect(rules.rules.first { $0.id == "composition.women_representative_share" }?.lockedBy == "statute")
        await expectStatus(.invalidArgument, field: "locked") {
            try await county.api.setCompositionRule(
                .init(unit: county.ref, kind: .villageCouncil, ruleId: "composition.member_count", disabled: true, locked: true),
                options: county.admin)
        }
    }
}
