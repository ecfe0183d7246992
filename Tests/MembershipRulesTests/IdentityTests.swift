import Foundation
import Testing
@testable import MembershipRules

@Suite("ChineseIDNumber — 公民身份号码, GB 11643-1999")
struct ChineseIDNumberTests {
    @Test("the standard's example with an X check character is valid and female")
    func standardExample() throws {
        let id = try ChineseIDNumber("11010519491231002X")
        #expect(id.birthYear == 1949)
        #expect(id.birthDate == LocalDate(1949, 12, 31))
        #expect(id.genderFromID == .female)
        #expect(id.masked == "**************002X")
    }

    @Test("a lowercase x is accepted and stored uppercase")
    func lowercaseX() throws {
        #expect(try ChineseIDNumber("11010519491231002x").value == "11010519491231002X")
    }

    @Test("an odd 17th digit is male")
    func male() throws {
        let id = try ChineseIDNumber("330102199003071230")
        #expect(id.genderFromID == .male)
        #expect(id.masked == "**************1230")
        #expect("\(id)" == "**************1230")
    }

    @Test("29 February is valid in a leap year")
    func leapDay() throws {
        #expect(try ChineseIDNumber("330102200002290023").birthDate == LocalDate(2000, 2, 29))
    }

    @Test("age counts full years; the villager turns 18 on the birthday")
    func age() throws {
        let id = try ChineseIDNumber("330102199003071230")
        #expect(id.age(on: LocalDate(2008, 3, 6)) == 17)
        #expect(id.age(on: LocalDate(2008, 3, 7)) == 18)
    }

    @Test("bad numbers are refused with the reason, naming id_number", arguments: [
        ("11010519491231002", "identity.id_number.format"),      // 17 characters
        ("1101051949123100XX", "identity.id_number.format"),     // X inside the digits
        ("11010519491231002Y", "identity.id_number.format"),
        ("110105194912310021", "identity.id_number.checksum"),
        ("110105194912310037", "identity.id_number.checksum"),
        ("991051194912310021", "identity.id_number.region"),     // province 99
        ("110000194912310021", "identity.id_number.region"),     // province only
        ("110105190002290021", "identity.id_number.birth_date"), // 1900 is not a leap year
        ("110105194913310021", "identity.id_number.birth_date"), // month 13
        ("440524188001010014", "identity.id_number.birth_date"), // the standard's 1880 example
    ])
    func invalid(_ raw: String, _ rule: String) {
        let violation = #expect(throws: DomainViolation.self) { try ChineseIDNumber(raw) }
        #expect(violation?.rule == rule)
        #expect(violation?.field == "id_number")
    }

    @Test("errors are bilingual and never repeat the number")
    func errorMessages() {
        do {
            _ = try ChineseIDNumber("110105194912310021")
            Issue.record("expected a checksum error")
        } catch {
            #expect(error.message == "身份证号码校验码错误 / the ID number's check character is wrong")
            #expect(!error.message.contains("110105"))
        }
    }
}

@Suite("MobilePhone — 手机号码 1[3-9]xxxxxxxxx")
struct MobilePhoneTests {
    @Test("an 11-digit mainland number is valid and masks to *******5678 (last four only)")
    func valid() throws {
        let phone = try MobilePhone("13812345678")
        #expect(phone.masked == "*******5678")
        #expect("\(phone)" == "*******5678")
    }

    @Test("country code, spaces and hyphens are stripped", arguments: [
        "+86 138 1234 5678", "0086-138-1234-5678", "8613812345678", "138-1234-5678",
    ])
    func normalised(_ raw: String) throws {
        #expect(try MobilePhone(raw).value == "13812345678")
    }

    @Test("bad numbers are refused, naming phone", arguments: [
        ("1381234567", "identity.phone.format"),
        ("138123456789", "identity.phone.format"),
        ("1381234567a", "identity.phone.format"),
        ("12812345678", "identity.phone.prefix"),
        ("23812345678", "identity.phone.prefix"),
    ])
    func invalid(_ raw: String, _ rule: String) {
        let violation = #expect(throws: DomainViolation.self) { try MobilePhone(raw) }
        #expect(violation?.rule == rule)
        #expect(violation?.field == "phone")
    }

    @Test("a phone decodes from JSON only when valid")
    func codable() throws {
        let phone = try JSONDecoder().decode(MobilePhone.self, from: Data(#""13912345678""#.utf8))
        #expect(phone.value == "13912345678")
        #expect(throws: DomainViolation.self) {
            try JSONDecoder().decode(MobilePhone.self, from: Data(#""10012345678""#.utf8))
        }
    }
}
