import Foundation
import MembershipCore
import MembershipRules
import Testing
import TongxinService

@Suite("Notice period and holidays are deployment configuration")
struct NoticeConfigurationTests {
    @Test("without configuration the notice period is the seed's 5 days and there are no holidays")
    func defaults() throws {
        let settings = try NoticeSettings.fromEnvironment([:])
        #expect(settings.days == 5)
        #expect(settings.holidays == .none)
    }

    @Test("the notice period can be set from 1 to 60 days; anything else names the variable")
    func days() throws {
        #expect(try NoticeSettings.fromEnvironment(["TONGXIN_MEMBERSHIP_NOTICE_DAYS": "7"]).days == 7)
        for bad in ["0", "61", "five"] {
            #expect(throws: ConfigurationError.self) {
                try NoticeSettings.fromEnvironment(["TONGXIN_MEMBERSHIP_NOTICE_DAYS": bad])
            }
        }
    }

    @Test("a holiday file lists rest days, with comments; a bad line is named")
    func holidays() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("holidays-\(UUID()).txt")
        try "# 国庆节 2026\n2026-10-01\n2026-10-02  # second day\n\n".write(to: file, atomically: true, encoding: .utf8)
        let settings = try NoticeSettings.fromEnvironment(["TONGXIN_MEMBERSHIP_HOLIDAYS_FILE": file.path])
        #expect(settings.holidays.isRestDay(LocalDate(2026, 10, 2)))
        #expect(!settings.holidays.isRestDay(LocalDate(2026, 10, 3)))
        try "2026-10-01\n2026-13-01\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try NoticeSettings.fromEnvironment(["TONGXIN_MEMBERSHIP_HOLIDAYS_FILE": file.path])
            Issue.record("accepted month 13")
        } catch let error as ConfigurationError {
            #expect(error.problem.contains("line 2"))
        }
    }
}
