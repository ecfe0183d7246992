import AgendaAPI
import AgendaCore
import AgendaRules
import Foundation
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// Issue 9 §7: the meeting plan's lead time N and the meeting deadlines per scale are the
/// deployment's, read from the environment as `tongxin-agenda` reads it at start.
@Suite(.agendaService(
    "deployment", region: 39,
    environment: ["TONGXIN_AGENDA_PLAN_LEAD_DAYS": #"{"big": 10, "small": 5}"#, "TONGXIN_AGENDA_MEETING_DUE_DAYS": #"{"big": 20}"#]))
struct DeploymentSettingsTests {
    @Test("a deployment whose N is 10 days for big topics: a plan 9 days ahead is refused naming 10, 10 days ahead is published")
    func planLeadDays() async throws {
        let county = try AgendaHarness.current.county()
        let topic = try #require(try await county.vote(try await county.topic(at: county.village(1), scale: .big), inFavour: 1, of: 1).topic)
        #expect(topic.meetingDueOn == .init(year: 2025, month: 3, day: 23), "big: due within the deployment's 20 days, not 30")
        _ = try await county.research(topic)
        // Published Monday 3 March: the seed's 7 days would allow the 10th; this deployment asks 10 days.
        await expectStatus(.failedPrecondition, rule: "plan.lead_time", "10") {
            try await county.plan(topic, meetingAt: instant("2025-03-12T20:00:00+08:00"))
        }
        #expect(try await county.getTopic(topic).state == .researching)
        let plan = try await county.plan(topic, meetingAt: instant("2025-03-13T08:00:00+08:00"))
        #expect(plan.leadDays == 10)
    }

    @Test("small topics take the deployment's 5 days; urgent ones still need none")
    func smallAndUrgent() async throws {
        let county = try AgendaHarness.current.county()
        let small = try #require(try await county.vote(try await county.topic(at: county.village(1), scale: .small), inFavour: 1, of: 1).topic)
        #expect(small.meetingDueOn == .init(year: 2025, month: 3, day: 18), "small keeps the seed's 15 days")
        _ = try await county.research(small)
        await expectStatus(.failedPrecondition, rule: "plan.lead_time", "5") {
            try await county.plan(small, meetingAt: instant("2025-03-07T09:00:00+08:00"))
        }
        #expect(try await county.plan(small, meetingAt: instant("2025-03-08T09:00:00+08:00")).leadDays == 5)
        let urgent = try #require(try await county.vote(try await county.topic(at: county.village(1), scale: .urgent), inFavour: 1, of: 1).topic)
        #expect(try await county.plan(urgent, meetingAt: instant("2025-03-03T18:00:00+08:00")).leadDays == 0)
    }
}

@Suite("Agenda's deployment settings are read from the environment and checked at start")
struct AgendaSettingsTests {
    @Test("without configuration: the seed's 7/3/0 days ahead and 30/15/3 days to the meeting, Beijing time")
    func defaults() throws {
        let settings = try AgendaSettings.fromEnvironment([:])
        #expect(settings.scales == ScaleRules())
        #expect(settings.scales.big.planLeadDays == 7 && settings.scales.small.planLeadDays == 3 && settings.scales.urgent.planLeadDays == 0)
        #expect(settings.timeZone == .chinaStandard)
    }

    @Test("a whole number sets N for big and small topics; JSON sets a scale apart")
    func values() throws {
        let whole = try AgendaSettings.fromEnvironment(["TONGXIN_AGENDA_PLAN_LEAD_DAYS": "5"])
        #expect(whole.scales.big.planLeadDays == 5 && whole.scales.small.planLeadDays == 5 && whole.scales.urgent.planLeadDays == 0)
        let json = try AgendaSettings.fromEnvironment([
            "TONGXIN_AGENDA_PLAN_LEAD_DAYS": #"{"small": 0}"#, "TONGXIN_AGENDA_MEETING_DUE_DAYS": #"{"urgent": 1, "big": 365}"#,
            "TONGXIN_AGENDA_TIME_ZONE": "Asia/Tokyo",
        ])
        #expect(json.scales.big.planLeadDays == 7 && json.scales.small.planLeadDays == 0)
        #expect(json.scales.urgent.meetingDueDays == 1 && json.scales.big.meetingDueDays == 365 && json.scales.small.meetingDueDays == 15)
        #expect(json.timeZone.identifier == "Asia/Tokyo")
    }

    @Test("a bad value is refused naming the variable")
    func refused() {
        let bad: [(String, String)] = [
            ("TONGXIN_AGENDA_PLAN_LEAD_DAYS", "-1"), ("TONGXIN_AGENDA_PLAN_LEAD_DAYS", "61"), ("TONGXIN_AGENDA_PLAN_LEAD_DAYS", "seven"),
            ("TONGXIN_AGENDA_PLAN_LEAD_DAYS", #"{"urgent": 1}"#), ("TONGXIN_AGENDA_PLAN_LEAD_DAYS", #"{"huge": 1}"#),
            ("TONGXIN_AGENDA_MEETING_DUE_DAYS", "30"), ("TONGXIN_AGENDA_MEETING_DUE_DAYS", #"{"big": 0}"#),
            ("TONGXIN_AGENDA_MEETING_DUE_DAYS", #"{"small": 366}"#), ("TONGXIN_AGENDA_TIME_ZONE", "Mars/Olympus"),
        ]
        for (variable, value) in bad {
            do {
                _ = try AgendaSettings.fromEnvironment([variable: value])
                Issue.record("\(variable)=\(value) accepted")
            } catch {
                #expect(error.variable == variable, "\(variable)=\(value)")
            }
        }
    }

    @Test("tongxin-agenda stops at start with exit 78, naming the variable, on a bad lead time")
    func processExit() throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tongxin-agenda")
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "tongxin-agenda is built beside the tests")
        let process = Process()
        process.executableURL = executable
        process.environment = [
            "TONGXIN_AGENDA_PORT": "0", "TONGXIN_AGENDA_METRICS_PORT": "0",
            "TONGXIN_AGENDA_DATABASE_URL": "postgres://agenda_svc:unused@127.0.0.1:1/tongxin",
            "TONGXIN_AUTH_SECRET": "process-test-secret-0123456789abcdef",
            "TONGXIN_PII_KEY": String(repeating: "1f", count: 32), "TONGXIN_PII_HASH_KEY": String(repeating: "2e", count: 32),
            "TONGXIN_AGENDA_PLAN_LEAD_DAYS": "61",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78, "\(text)")
        #expect(text.contains("TONGXIN_AGENDA_PLAN_LEAD_DAYS"))
    }
}
