import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// 人员 (issue 3 §2): people with their rule attributes; phone and ID number are personal
/// data — encrypted at rest, searchable by keyed hash, masked without `pii.read`.
@Suite("People and their personal data", .membershipService("people"))
struct PeopleTests {
    static let phone = "13812345678"

    @Test("a malformed phone is INVALID_ARGUMENT naming phone", arguments: ["1381234567", "12812345678", "1381234567a"])
    func malformedPhone(phone: String) async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        await expectStatus(.invalidArgument, field: "phone", "手机号码") {
            try await county.person("张三", in: village, phone: phone)
        }
    }

    @Test("an ID number with a wrong check digit is INVALID_ARGUMENT naming id_number")
    func wrongCheckDigit() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let valid = IDNumbers.make(region: county.region, sequence: 123)
        await expectStatus(.invalidArgument, field: "id_number", "身份证号码校验码错误") {
            try await county.person("张三", in: village, idNumber: IDNumbers.withWrongCheck(valid))
        }
        await expectStatus(.invalidArgument, field: "id_number", "出生日期") {
            try await county.person("张三", in: village, idNumber: IDNumbers.make(region: county.region, birth: "19800230", sequence: 123))
        }
        let person = try await county.person("张三", in: village, idNumber: valid)
        #expect(person.idNumber == valid)
        #expect(person.birthYear == 1980)
        #expect(person.gender == .male)
    }

    @Test("a gender or birth year contradicting the ID number is INVALID_ARGUMENT")
    func contradictsIDNumber() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let male = IDNumbers.make(region: county.region, sequence: 123)
        await expectStatus(.invalidArgument, field: "gender", "性别与身份证号码不符") {
            try await county.api.createPerson(
                .init(unit: village.ref, name: "李四", gender: .female, idNumber: male), options: county.admin)
        }
        await expectStatus(.invalidArgument, field: "birth_year") {
            try await county.api.createPerson(
                .init(unit: village.ref, name: "李四", birthYear: 1990, idNumber: male), options: county.admin)
        }
    }

    @Test("phone and ID number are masked to their last four (*******5678) without pii.read and clear with it")
    func masking() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let idNumber = IDNumbers.make(region: county.region, sequence: 124)
        let created = try await county.person("王芳", in: village, phone: Self.phone, idNumber: idNumber)
        #expect(created.piiVisible)
        #expect(created.phone == Self.phone)
        #expect(created.gender == .female)

        let clerk = county.caller(at: county.path, [Permissions.read, Permissions.write])
        let masked = try await county.api.getPerson(.init(personId: created.id), options: clerk)
        #expect(!masked.piiVisible)
        #expect(masked.phone == "*******5678")
        #expect(masked.idNumber == String(repeating: "*", count: 14) + String(idNumber.suffix(4)))
        let searcher = county.caller(at: county.path, [Permissions.read, Permissions.searchPeople])
        let found = try await county.api.findPeople(.init(phone: Self.phone), options: searcher)
        #expect(found.people.map(\.phone) == ["*******5678"])

        let clear = try await county.api.getPerson(
            .init(personId: created.id), options: county.caller(at: county.path, [Permissions.read, Permissions.readPII]))
        #expect(clear.piiVisible)
        #expect(clear.phone == Self.phone)
        #expect(clear.idNumber == idNumber)
    }

    @Test("phone and ID number are never stored in clear")
    func encryptedAtRest() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let village = try await county.village(1)
        let idNumber = IDNumbers.make(region: county.region, sequence: 125)
        let person = try await county.person("陈明", in: village, phone: Self.phone, idNumber: idNumber)

        let rows = try await harness.superuser.query(
            "SELECT p::text AS whole, phone_cipher, id_cipher, phone_masked FROM membership.people p WHERE id = $1",
            [.uuid(UUID(uuidString: person.id)!)])
        let row = try #require(rows.first)
        let stored = try row["whole"].decode(String.self)
        func hex(_ text: String) -> String { text.utf8.map { String(format: "%02x", $0) }.joined() }
        for secret in [Self.phone, idNumber, String(idNumber.dropLast())] {
            #expect(!stored.contains(secret), "the clear value is in the row")
            #expect(!stored.lowercased().contains(hex(secret)), "the clear value's bytes are in the row")
        }
        #expect(try row["phone_masked"].decode(String.self) == "*******5678")
        // Nor does the audit log repeat them.
        let audited = try await harness.superuser.count(
            "SELECT count(*) FROM audit.entries WHERE detail::text LIKE $1 OR detail::text LIKE $2",
            [.text("%\(Self.phone)%"), .text("%\(idNumber)%")])
        #expect(audited == 0)
        #expect(try row["phone_cipher"].decode([UInt8].self).count > Self.phone.utf8.count)
        #expect(try row["id_cipher"].decode([UInt8].self).count > idNumber.utf8.count)
    }

    @Test("people are found by exact phone or ID number through the keyed hash, or by name prefix")
    func search() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let idNumber = IDNumbers.make(region: county.region, sequence: 127)
        let target = try await county.person("周建国", in: village, phone: Self.phone, idNumber: idNumber)
        _ = try await county.person("周建华", in: village, phone: "13900001111")
        _ = try await county.person("吴强", in: village)

        let byPhone = try await county.api.findPeople(.init(phone: "+86 138-1234-5678"), options: county.admin)
        #expect(byPhone.people.map(\.id) == [target.id])
        let byID = try await county.api.findPeople(.init(idNumber: idNumber), options: county.admin)
        #expect(byID.people.map(\.id) == [target.id])
        let byName = try await county.api.findPeople(.init(namePrefix: "周建", page: .init(includeTotal: true)), options: county.admin)
        #expect(Set(byName.people.map(\.name)) == ["周建华", "周建国"])
        #expect(byName.page?.totalCount == 2)
        await expectStatus(.invalidArgument, field: "phone") {
            try await county.api.findPeople(.init(phone: "12345"), options: county.admin)
        }
    }

    @Test("an ID number is unique within a town (ALREADY_EXISTS) but not across towns")
    func uniquePerTown() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1, town: 1)
        let elsewhere = try await county.village(1, town: 2)
        let idNumber = IDNumbers.make(region: county.region, sequence: 129)
        _ = try await county.person("郑一", in: village, idNumber: idNumber)
        await expectStatus(.alreadyExists, field: "id_number", "本乡镇已登记该身份证号码") {
            try await county.person("郑二", in: village, idNumber: idNumber)
        }
        await expectStatus(.alreadyExists, field: "phone") {
            _ = try await county.person("郑三", in: village, phone: Self.phone)
            return try await county.person("郑四", in: village, phone: Self.phone)
        }
        let other = try await county.person("郑一", in: elsewhere, idNumber: idNumber)
        #expect(other.idNumber == idNumber)
    }

    @Test("an unknown person or unit is NOT_FOUND; a malformed id is INVALID_ARGUMENT")
    func unknownPerson() async throws {
        let county = try await MembershipHarness.current.county()
        await expectStatus(.notFound, "person not found", "未找到人员") {
            try await county.api.getPerson(.init(personId: UUID().uuidString), options: county.admin)
        }
        await expectStatus(.invalidArgument, field: "person_id") {
            try await county.api.getPerson(.init(personId: "not-a-uuid"), options: county.admin)
        }
        await expectStatus(.notFound, "unit not found") {
            try await county.api.createPerson(
                .init(unit: .init(divisionCode: county.villageCode(7, 7)), name: "无处"), options: county.admin)
        }
    }

    @Test("attributes that rules count can be changed while no constituted council depends on them")
    func updateAttributes() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let person = try await county.person("孙丽", in: village)
        let updated = try await county.api.updatePerson(
            .init(personId: person.id, phone: .init(value: "13700001234"), partyMember: .init(value: true),
                  sector: .init(value: "expert"), replacePosts: true, posts: ["villagersCommitteeMember"]),
            options: county.admin)
        #expect(updated.partyMember)
        #expect(updated.sector == "expert")
        #expect(updated.posts == ["villagersCommitteeMember"])
        #expect(updated.phone == "13700001234")
        await expectStatus(.invalidArgument, field: "sector", "unknown sector") {
            try await county.api.updatePerson(.init(personId: person.id, sector: .init(value: "astronaut")), options: county.admin)
        }
    }
}
