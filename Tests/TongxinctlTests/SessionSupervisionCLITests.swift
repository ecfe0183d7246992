import Foundation
import GatewayRules
import Synchronization
import Testing
import TongxinPostgres
import TongxinTesting
import TongxinctlKit

/// The built `tongxinctl` through the gateway to the session and supervision services and
/// the gateway's government integration: a meeting day from check-in to filing, the case it
/// opens read back through supervision, and a hotline's appeal followed on the change feed.
@Suite("tongxinctl through the gateway to session, supervision and the government integration", .cli)
struct SessionSupervisionCLITests {
    @Test("appeal submit then appeal show --json; changes list shows the appeal's change and resumes from its cursor; --follow prints a new change once and stops on SIGINT")
    func appealAndChangeFeed() async throws {
        let harness = try CLIHarness.current
        let county = try await harness.county()
        let key = try await harness.integration("hotline.\(county.number)", county: county)
        let cli = try CLI(port: harness.port)
        let login = try await cli.run(["login", "--with-token"], stdin: key + "\n")
        #expect(login.status == 0, "\(login)")

        let id = "GD-CLI-\(county.number)-1"
        let submitted = try await cli.run(["appeal", "submit", id, "--unit", county.townCode, "--category", "infrastructure", "--text", "路灯不亮",
                                           "--reporter", "李四", "--contact", "13900001234", "--json"])
        #expect(submitted.status == 0, "\(submitted)")
        let again = try await cli.run(["appeal", "submit", id, "--unit", county.townCode, "--category", "infrastructure", "--text", "重复推送"])
        #expect(again.status == 0, "\(again)")

        let shown = try await cli.run(["appeal", "show", id, "--json"])
        #expect(shown.status == 0, "\(shown)")
        let appeal = try #require(try shown.json() as? [String: Any])
        #expect(appeal["external_id"] as? String == id)
        #expect(appeal["source"] as? String == "hotline.\(county.number)")
        #expect(appeal["division_code"] as? String == county.townCode)
        #expect(appeal["stage"] as? String == "APPEAL_STAGE_ACCEPTED")
        let item = try #require(appeal["item_id"] as? String)
        #expect(!item.isEmpty)
        #expect((appeal["steps"] as? [[String: Any]])?.first?["stage"] as? String == "APPEAL_STAGE_ACCEPTED")
        let table = try await cli.run(["appeal", "show", id])
        #expect(table.stdout.contains("accepted 受理") && table.stdout.contains("[受理]→ 派单 →"), "\(table)")

        let missing = try await cli.run(["appeal", "show", "GD-NOT-THERE"])
        #expect(missing.status == 3, "\(missing)")

        // The change feed: the appeal's acceptance, once (the second push recorded nothing).
        func mentions(_ change: [String: Any], _ external: String) -> Bool {
            (change["external_ref"] as? String)?.hasSuffix(":" + external) == true
                || ((change["attributes"] as? [[String: Any]]) ?? []).contains { $0["key"] as? String == "appeal_external_id" && $0["value"] as? String == external }
        }
        let listed = try await cli.run(["changes", "list", "--json"])
        #expect(listed.status == 0, "\(listed)")
        let feed = try #require(try listed.json() as? [String: Any])
        let changes = try #require(feed["changes"] as? [[String: Any]])
        let accepted = changes.filter { $0["kind"] as? String == "appeal.accepted" && mentions($0, id) }
        #expect(accepted.count == 1, "\(listed.stdout)")
        let cursor = try #require(feed["next_cursor"] as? String)
        #expect(!cursor.isEmpty && (feed["unavailable"] as? [Any])?.isEmpty == true, "\(feed)")
        let tableFeed = try await cli.run(["changes", "list"])
        #expect(tableFeed.stdout.contains("appeal.accepted") && tableFeed.stdout.contains("resume with --cursor"), "\(tableFeed)")

        // Resuming from the cursor: nothing new.
        let resumed = try #require(try await cli.run(["changes", "list", "--cursor", cursor, "--json"]).json() as? [String: Any])
        #expect((resumed["changes"] as? [Any])?.isEmpty == true, "\(resumed)")

        // --follow from the cursor: a second work order's change appears once; SIGINT stops it cleanly.
        let follower = try FollowingCLI(cli: cli, arguments: ["changes", "list", "--follow", "--interval", "0.2", "--cursor", cursor, "--json"])
        try await Task.sleep(for: .milliseconds(600))
        let second = "GD-CLI-\(county.number)-2"
        #expect(try await cli.run(["appeal", "submit", second, "--unit", county.townCode, "--category", "public-order", "--text", "夜间噪音"]).status == 0)
        try await follower.waitFor(timeout: 20) { $0.contains(second) }
        try await Task.sleep(for: .milliseconds(800))  // a few more polls: nothing is printed twice
        let ended = try await follower.interrupt()
        #expect(ended.status == 0, "\(ended)")
        #expect(ended.stderr.contains("stopped; resume with --cursor "), "\(ended)")
        let lines = ended.stdout.split(separator: "\n").map(String.init)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "every line is one JSON object: \(ended.stdout)")
        #expect(objects.filter { $0["kind"] as? String == "appeal.accepted" && mentions($0, second) }.count == 1, "\(ended.stdout)")
        #expect(!objects.contains { mentions($0, id) }, "nothing before the cursor: \(ended.stdout)")
        let keys = objects.map { "\($0["service"] ?? "")/\($0["seq"] ?? "")" }
        #expect(Set(keys).count == keys.count, "each change once: \(keys)")

        // A usage error: --from-now without --follow.
        let usage = try await cli.run(["changes", "list", "--from-now"])
        #expect(usage.status == 2, "\(usage)")
    }

    @Test("a meeting day through the gateway: democracy day, schedule, check-in with quorum, opinion, vote with tally, minutes signed, result published, objection, filing; the case it opens is assigned, reported on, in the warning ledger and the dossier")
    func meetingDay() async throws {
        let harness = try CLIHarness.current
        let county = try await harness.county()
        let office = "office.\(county.number)", chair = "chair.\(county.number)"
        try await harness.account(office, .townAdmin, at: county.townPath, county: county)
        try await harness.account(chair, .councilChair, at: county.townPath, county: county)
        let cli = try CLI(port: harness.port)
        #expect(try await cli.login(office).status == 0)
        #expect(try await cli.login(chair, profile: "chair").status == 0)
        func run(_ arguments: [String], profile: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLI.Result {
            let result = try await cli.run(arguments + (profile.map { ["--profile", $0] } ?? []))
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result)", sourceLocation: sourceLocation)
            return result
        }
        func object(_ arguments: [String], profile: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
            let result = try await run(arguments + ["--json"], profile: profile, sourceLocation: sourceLocation)
            return try #require(try result.json() as? [String: Any], "\(result)", sourceLocation: sourceLocation)
        }
        let village = county.villageCode(1)
        _ = try await run(["unit", "create", village, "--name", "下岙村", "--level", "village", "--parent", county.townCode, "--households", "300"])

        // 民主日.
        let rule = try await object(["democracy-day", "set", "--unit", village, "--day", "15"])
        #expect(rule["kind"] as? String == "DEMOCRACY_DAY_KIND_DAY_OF_MONTH")
        let days = try await object(["democracy-day", "list", "--unit", village, "--from", "2025-01-01", "--count", "2"])
        #expect((days["days"] as? [String]) == ["2025-01-15", "2025-02-15"], "\(days)")
        let calendar = try await object(["democracy-day", "calendar", "--unit", county.townCode, "--year", "2025"])
        #expect((calendar["entries"] as? [[String: Any]])?.first?["unit_path"] as? String == county.villagePath(1), "\(calendar)")
        #expect(try await cli.run(["democracy-day", "set", "--unit", village, "--day", "15", "--last"]).status == 2)

        // The topic and its plan (agenda).
        let topic = try #require(try await object(["topic", "create", "--unit", county.villagePath(1), "--title", "村道修缮", "--category", "infrastructure",
                                                    "--scale", "urgent", "--source", "party-committee"])["id"] as? String)
        _ = try await run(["topic", "approve", topic, "--meeting-on", "2025-03-05", "--for", "甲", "乙", "丙"])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let at = formatter.string(from: Date().addingTimeInterval(2 * 86400))
        _ = try await run(["meeting", "plan", "publish", topic, "--at", at, "--place", "村委会议室", "--form", "deliberation",
                           "--participant", "委员1:fixed-member", "--participant", "委员2:fixed-member", "--participant", "委员3:fixed-member",
                           "--participant", "委员4:fixed-member", "--participant", "委员5:fixed-member", "--participant", "王工:expert",
                           "--agenda", "讨论修缮方案"])

        // The meeting: scheduled from the plan, check-in, quorum, opened.
        let meeting = try await object(["meeting", "schedule", "--unit", village, "--topic", topic, "--host", chair, "--recorder", office])
        let meetingID = try #require(meeting["id"] as? String)
        #expect(meeting["state"] as? String == "MEETING_STATE_SCHEDULED")
        #expect((meeting["invitees"] as? [Any])?.count == 6, "\(meeting)")
        try await harness.deliver()
        let checkin = try await object(["meeting", "checkin", meetingID, "委员1", "委员2", "委员3"])
        #expect((checkin["attendance"] as? [Any])?.count == 3)
        let quorum = try #require((checkin["meeting"] as? [String: Any])?["quorum"] as? [String: Any])
        #expect(quorum["met"] as? Bool == true, "\(checkin)")
        let stranger = try await cli.run(["meeting", "checkin", meetingID, "路人甲"])
        #expect(stranger.status == 5 && stranger.stderr.contains("meeting.not_invited"), "\(stranger)")
        let shownMeeting = try await run(["meeting", "show", meetingID])
        #expect(shownMeeting.stdout.contains("met 达到") && shownMeeting.stdout.contains("委员1"), "\(shownMeeting)")
        #expect(try await object(["meeting", "open", meetingID])["state"] as? String == "MEETING_STATE_OPEN")
        let listed = try #require(try await run(["meeting", "list", "--json"]).json() as? [[String: Any]])
        #expect(listed.contains { $0["id"] as? String == meetingID })

        // An opinion, and the vote: two electronic ballots (the chair records them), one on paper (the recorder).
        _ = try await run(["opinion", "add", "--meeting", meetingID, "--topic", topic, "--speaker", "委员1", "--position", "support", "--text", "同意先修东段"])
        let opinions = try #require(try await run(["opinion", "list", "--meeting", meetingID, "--json"]).json() as? [[String: Any]])
        #expect(opinions.count == 1 && opinions.first?["position"] as? String == "POSITION_SUPPORT")
        let vote = try await object(["vote", "open", "--meeting", meetingID, "--topic", topic, "--question", "是否同意修缮方案"])
        let voteID = try #require(vote["id"] as? String)
        #expect(vote["present"] as? Int == 3 && vote["eligible"] as? Int == 6, "\(vote)")
        _ = try await run(["vote", "cast", voteID, "--choice", "for", "--voter", "委员1"], profile: "chair")
        _ = try await run(["vote", "cast", voteID, "--choice", "赞成", "--voter", "委员2"], profile: "chair")
        let twice = try await cli.run(["vote", "cast", voteID, "--choice", "against", "--voter", "委员2", "--profile", "chair"])
        #expect(twice.status == 5, "\(twice)")
        _ = try await run(["vote", "paper", voteID, "--for", "1", "--voter", "委员3"])
        let closed = try await run(["vote", "close", voteID])
        #expect(closed.stdout.contains("passed 通过") && closed.stdout.contains("more than 1/2") && closed.stdout.contains("3 / 0 / 0"), "\(closed)")
        let tallied = try await object(["vote", "show", voteID])
        let tally = try #require(tallied["tally"] as? [String: Any])
        #expect(tally["passed"] as? Bool == true && (tally["total"] as? [String: Any])?["in_favour"] as? Int == 3, "\(tallied)")
        let resultID = try #require(tallied["result_id"] as? String)
        #expect(!resultID.isEmpty)

        // The minutes: to a file, signed by the recorder and the host.
        _ = try await run(["meeting", "close", meetingID])
        let minutesFile = cli.configHome + "/minutes.txt"
        _ = try await run(["minutes", "show", meetingID, "--output", minutesFile])
        let minutesText = try String(contentsOfFile: minutesFile, encoding: .utf8)
        #expect(minutesText.contains("村道修缮"), "\(minutesText)")
        let printed = try await run(["minutes", "show", meetingID])
        #expect(printed.stdout.trimmingCharacters(in: .newlines) == minutesText.trimmingCharacters(in: .newlines))
        _ = try await run(["minutes", "sign", meetingID, "--role", "recorder"])
        let signed = try await object(["minutes", "sign", meetingID, "--role", "host"], profile: "chair")
        #expect(signed["signed_off"] as? Bool == true, "\(signed)")

        // The result: published with five days' notice, an objection raised and dismissed, filing refused until the notice ends.
        let draft = try await object(["result", "show", resultID])
        #expect(draft["state"] as? String == "RESULT_STATE_DRAFT" && draft["adopted"] as? Bool == true, "\(draft)")
        let published = try await object(["result", "publish", resultID, "--notice-days", "5"])
        #expect(published["state"] as? String == "RESULT_STATE_PUBLISHED", "\(published)")
        // The notice runs from the next day.
        harness.advanceClocks(by: 86400 + 3600)
        let objection = try await object(["objection", "raise", "--result", resultID, "--objector", "陈大爷", "--text", "方案未考虑排水"], profile: "chair")
        let objectionID = try #require(objection["id"] as? String)
        let objections = try #require(try await run(["objection", "list", "--result", resultID, "--json"]).json() as? [[String: Any]])
        #expect(objections.count == 1 && objections.first?["state"] as? String == "OBJECTION_STATE_OPEN")
        let early = try await cli.run(["result", "file", resultID])
        #expect(early.status == 5 && early.stderr.hasPrefix("tongxinctl: refused (FAILED_PRECONDITION"), "\(early)")
        // Without --result: not a notice objection, so the result's.
        let dismissed = try await object(["objection", "resolve", objectionID, "--outcome", "dismissed", "--resolution", "排水已纳入设计"])
        #expect(dismissed["state"] as? String == "OBJECTION_STATE_DISMISSED", "\(dismissed)")
        harness.advanceClocks(by: 30 * 86400)
        let filed = try await object(["result", "file", resultID])
        #expect(filed["state"] as? String == "RESULT_STATE_FILED" && (filed["filing_id"] as? String)?.isEmpty == false, "\(filed)")

        // Supervision: the filing opens the case.
        var cases: [[String: Any]] = []
        for _ in 0..<50 where cases.isEmpty {
            try await harness.deliver()
            cases = try #require(try await run(["case", "list", "--topic", topic, "--json"]).json() as? [[String: Any]])
            if cases.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        if cases.isEmpty {
            let rows = try await harness.session.superuser.query(
                "SELECT destination, attempts, last_error FROM session.outbox WHERE delivered_at IS NULL")
            Issue.record("undelivered: \(rows.map { "\((try? $0[0].decode(String.self)) ?? "") \((try? $0[1].decode(Int.self)) ?? 0) \((try? $0[2].decode(String.self)) ?? "")" })")
        }
        let caseID = try #require(cases.first?["id"] as? String, "no case opened")
        #expect(cases.first?["state"] as? String == "CASE_STATE_OPEN")
        let deadline = DateFormatter()
        deadline.locale = Locale(identifier: "en_US_POSIX")
        deadline.dateFormat = "yyyy-MM-dd"
        let due = deadline.string(from: Date().addingTimeInterval(60 * 86400))
        let assigned = try await object(["case", "assign", caseID, "--responsible", office, "--deadline", due, "--milestone", "完工验收@\(due)",
                                         "--budget-note", "镇补助8万元", "--decided-on", "2025-04-02", "--decision-summary", "两委会议确定"])
        #expect(assigned["state"] as? String == "CASE_STATE_IN_PROGRESS", "\(assigned)")
        _ = try await run(["case", "report", caseID, "--percent", "40", "--text", "已开工"])
        let file = try await object(["case", "show", caseID])
        #expect((file["case"] as? [String: Any])?["percent"] as? Int == 40 && (file["progress"] as? [Any])?.count == 1, "\(file)")
        let caseTable = try await run(["case", "list"])
        #expect(caseTable.stdout.contains("村道修缮") && caseTable.stdout.contains("40%"), "\(caseTable)")

        // The warning ledger: markers as words, no colour when piped.
        let ledger = try await object(["warning", "ledger"])
        #expect((ledger["unit"] as? [String: Any])?["unit_path"] as? String == county.townPath, "\(ledger)")
        let ledgerTable = try await run(["warning", "ledger"])
        #expect(ledgerTable.stdout.contains("● ") && !ledgerTable.stdout.contains("\u{1B}["), "\(ledgerTable)")
        let quarterly = try await object(["quarterly-report"])
        #expect(quarterly["unit_path"] as? String == county.townPath, "\(quarterly)")
        let zeros = try await cli.run(["three-zeros", "--json"])
        #expect(zeros.status == 0 || zeros.status == 1, "\(zeros)")
        #expect(((try zeros.json() as? [String: Any])?["measures"] as? [Any])?.count == 3, "\(zeros)")

        // The county dashboard (the town administrator sees their town): one row, every service answered.
        let board = try await object(["dashboard"])
        let towns = try #require(board["towns"] as? [[String: Any]], "\(board)")
        #expect(towns.count == 1 && towns.first?["division_code"] as? String == county.townCode, "\(board)")
        #expect((board["unavailable_services"] as? [Any] ?? []).isEmpty, "\(board)")
        let warnings = try #require(towns.first?["warnings"] as? [String: Any], "\(board)")
        #expect((warnings["cases"] as? [String: Any]).map { ($0["green"] as? Int ?? 0) + ($0["yellow"] as? Int ?? 0) + ($0["red"] as? Int ?? 0) } == 1, "\(board)")
        #expect((towns.first?["results"] as? [String: Any])?["filed_total"] as? Int == 1, "\(board)")
        let boardTable = try await run(["dashboard"])
        #expect(boardTable.stdout.contains("白水洋镇") && boardTable.stdout.contains("● ") && boardTable.stdout.contains("1 town(s)"), "\(boardTable)")
        #expect(try await cli.run(["dashboard", "--year", "2025"]).status == 2)

        // The dossier, to a file.
        let dossierFile = cli.configHome + "/dossier.md"
        _ = try await run(["dossier", "export", topic, "--format", "markdown", "--output", dossierFile])
        let dossier = try String(contentsOfFile: dossierFile, encoding: .utf8)
        #expect(dossier.contains("村道修缮"), "\(dossier)")
        let shownDossier = try await object(["dossier", "show", topic])
        #expect((shownDossier["sections"] as? [Any])?.isEmpty == false)
    }
}

/// `tongxinctl …` left running (`--follow`), its output read as it comes; stopped with SIGINT.
final class FollowingCLI: @unchecked Sendable {
    let process: Process
    private let output = LockedData()
    private let errors = LockedData()

    init(cli: CLI, arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.binary)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": cli.configHome, "XDG_CONFIG_HOME": cli.configHome, "TONGXIN_GATEWAY": cli.gateway,
                               "TZ": "Asia/Shanghai"]
        let out = Pipe(), err = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            output.append(data)
        }
        err.fileHandleForReading.readabilityHandler = { [errors] handle in
            let data = handle.availableData
            errors.append(data)
        }
        try process.run()
    }

    var stdout: String { output.text }

    func waitFor(timeout: Double, _ condition: (String) -> Bool) async throws {
        let end = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < end {
            if condition(stdout) { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("not seen within \(timeout) s; output so far:\n\(stdout)\nerrors:\n\(errors.text)")
    }

    /// Sends SIGINT and waits (at most 10 s) for the exit.
    func interrupt() async throws -> CLI.Result {
        process.interrupt()
        let end = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            process.terminate()
            Issue.record("--follow did not stop on SIGINT")
        }
        process.waitUntilExit()
        try await Task.sleep(for: .milliseconds(100))  // the last reads
        return CLI.Result(status: process.terminationStatus, stdout: stdout, stderr: errors.text)
    }
}

/// Bytes appended from a pipe's reading thread, read from the test.
final class LockedData: Sendable {
    private let data = Mutex(Data())

    func append(_ more: Data) {
        data.withLock { $0.append(more) }
    }

    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
