import ArgumentParser
import Foundation
import Testing
import TongxinSchemas
@testable import TongxinctlKit

/// The nouns of the session and supervision services and the gateway's integration: they
/// are in the tree, their arguments parse (and refuse what they must), their tables line up.
@Suite("session, supervision and integration commands")
struct SessionSupervisionCommandTests {
    static let paths: [[String]] = [
        ["democracy-day", "set"], ["democracy-day", "list"], ["democracy-day", "calendar"],
        ["meeting", "schedule"], ["meeting", "show"], ["meeting", "list"], ["meeting", "checkin"], ["meeting", "open"], ["meeting", "close"],
        ["meeting", "plan", "publish"], ["meeting", "plan", "show"],
        ["opinion", "add"], ["opinion", "correct"], ["opinion", "list"], ["round", "end"], ["round", "show"],
        ["vote", "open"], ["vote", "cast"], ["vote", "paper"], ["vote", "close"], ["vote", "show"],
        ["result", "show"], ["result", "amend"], ["result", "publish"], ["result", "file"],
        ["objection", "file"], ["objection", "raise"], ["objection", "resolve"], ["objection", "list"],
        ["minutes", "show"], ["minutes", "sign"],
        ["case", "list"], ["case", "show"], ["case", "assign"], ["case", "report"], ["case", "check"], ["case", "close"],
        ["feedback", "invite"], ["feedback", "submit"], ["report", "publish"], ["report", "list"], ["warning", "ledger"], ["quarterly-report"],
        ["index", "show"], ["index", "compare"], ["index", "assess"], ["dossier", "show"], ["dossier", "export"], ["three-zeros"],
        ["appeal", "submit"], ["appeal", "show"], ["appeal", "event"], ["changes", "list"], ["open-data", "export"],
    ]

    @Test("every verb of the brief is in the command tree, with an example and --json")
    func tree() {
        let commands = CommandTreeTests.commands()
        for path in Self.paths {
            let found = commands.first { $0.path == path }
            #expect(found != nil, "tongxinctl \(path.joined(separator: " ")) is missing")
            guard let type = found?.type else { continue }
            #expect(type.configuration.subcommands.isEmpty, "\(path) is a leaf")
            #expect(!CommandTreeTests.exampleLines(type.configuration.discussion).isEmpty, "\(path) has an example")
            #expect(type.helpMessage(columns: 200).contains("--json"), "\(path) takes --json")
        }
    }

    func parses(_ line: String) -> Bool {
        (try? Tongxinctl.parseAsRoot(CommandTreeTests.words(line))) != nil
    }

    @Test("arguments the options must refuse are usage errors")
    func refusals() {
        let id = "4f6a2a7e-2b1c-4d8e-9f00-1234567890ab"
        #expect(parses("democracy-day set --unit 331082104201 --day 15"))
        #expect(!parses("democracy-day set --unit 331082104201 --day 15 --last --weekday friday"))
        #expect(!parses("democracy-day set --unit 331082104201 --week 1"))
        #expect(!parses("democracy-day set --unit 331082104201 --day 32"))
        #expect(parses("democracy-day set --unit 331082104201 --last --weekday 星期五"))
        #expect(!parses("meeting schedule --unit 331082104201 --host a --recorder b"), "a topic is needed")
        #expect(!parses("meeting schedule --unit 331082104201 --body villagers-assembly --topic \(id) --host a --recorder b"), "an assembly needs --at and members")
        #expect(!parses("meeting checkin \(id) 王建国 李梅 --household 一组3号"))
        #expect(!parses("vote open --meeting \(id) --topic \(id) --question q --over eligible"), "--over without --threshold")
        #expect(!parses("vote open --meeting \(id) --topic \(id) --question q --method secret --changeable"))
        #expect(!parses("vote open --meeting \(id) --topic \(id) --question q --threshold 3/2"))
        #expect(!parses("vote cast \(id) --choice maybe"))
        #expect(parses("vote cast \(id) --choice 弃权"))
        #expect(!parses("vote paper \(id) --for 2 --voter 王建国"), "two ballots, one voter named")
        #expect(!parses("vote paper \(id)"))
        #expect(!parses("result publish \(id) --notice-days 61"))
        #expect(!parses("objection list"))
        #expect(!parses("objection resolve \(id) --outcome dismissed --resolution x --result \(id) --notice \(id)"))
        #expect(!parses("case report \(id) --percent 101 --text x"))
        #expect(!parses("case assign \(id) --responsible a --deadline 2025-06-31"))
        #expect(!parses("case assign \(id) --responsible a --deadline 2025-06-30 --milestone 没有日期"))
        #expect(!parses("quarterly-report --quarter 5"))
        #expect(!parses("index assess --unit 331082104000 --indicator x --score 101"))
        #expect(!parses("dossier export \(id) --format pdf"))
        #expect(!parses("appeal submit 工单1 --unit 331082104201 --category infrastructure --text x"), "work order ids are visible ASCII")
        #expect(!parses("appeal event GD1 --kind rate --event-id E1"), "a rating needs its satisfaction")
        #expect(!parses("appeal event GD1 --kind close --event-id E1 --satisfaction satisfied"))
        #expect(!parses("changes list --from-now"))
        #expect(!parses("changes list --limit 0"))
        #expect(!parses("open-data export --anonymous --from 2025-01-01 --until 2025-02-01 --format csv"))
        #expect(!parses("open-data export --unit 331082104000 --from 2025-02-01 --until 2025-01-01 --format csv"))
    }

    @Test("argument types: weekdays, members, milestones, scores")
    func argumentTypes() {
        #expect(DemocracyDayCommand.WeekdayArgument(argument: "monday")?.number == 1)
        #expect(DemocracyDayCommand.WeekdayArgument(argument: "Fri")?.number == 5)
        #expect(DemocracyDayCommand.WeekdayArgument(argument: "星期日")?.number == 7)
        #expect(DemocracyDayCommand.WeekdayArgument(argument: "周三")?.number == 3)
        #expect(DemocracyDayCommand.WeekdayArgument(argument: "8") == nil)
        #expect(DemocracyDayCommand.weekday(CommonV1.Date(year: 2025, month: 3, day: 3)) == "星期一 Mon")
        let member = MeetingCommand.MemberArgument(argument: "王建国:一组3号")?.invitee
        #expect(member?.person == "王建国" && member?.household == "一组3号" && member?.role == .bodyMember)
        #expect(MeetingCommand.MemberArgument(argument: "李梅")?.invitee.household == "")
        let milestone = CaseCommand.MilestoneArgument(argument: "完工验收@2025-06-30")?.spec
        #expect(milestone?.title == "完工验收" && milestone?.dueOn == CommonV1.Date(year: 2025, month: 6, day: 30))
        #expect(IndexCommand.ScoreArgument(argument: "85.5")?.hundredths == 8550)
        #expect(IndexCommand.score(8550) == "85.50" && IndexCommand.score(10000) == "100.00" && IndexCommand.score(7) == "0.07")
        #expect(VoteCommand.BallotChoice(argument: "赞成")?.wire == .`for`)
        #expect(VoteCommand.threshold(.init(fraction: .init(numerator: 2, denominator: 3), over: .eligible, inclusive: true))
                == "at least 2/3 of eligible 有表决权的全体人员 (不少于)")
    }

    @Test("warning markers are words everywhere and coloured only on a terminal")
    func markers() {
        let red = WarningCommand.marker(.red)
        #expect(red.text == "● red 红" && red.level == .bad)
        #expect(WarningCommand.marker(.green).level == .good && WarningCommand.marker(.yellow).level == .warning)
        var table = Table([.init(""), .init("UNIT")])
        table.append([red, .init("331082104000")])
        table.append([WarningCommand.marker(.green), .init("331082105000")])
        let plain = table.render(style: Style(enabled: false))
        #expect(!plain.contains("\u{1B}[") && plain.contains("● red 红"))
        let coloured = table.render(style: Style(enabled: true))
        #expect(coloured.contains("\u{1B}[31m● red 红\u{1B}[0m") && coloured.contains("\u{1B}[32m● green 绿\u{1B}[0m"))
        // The UNIT column starts at the same column on both rows.
        let lines = plain.split(separator: "\n")
        #expect(lines[1].range(of: "331082104000")?.lowerBound.utf16Offset(in: lines[1]) == lines[2].range(of: "331082105000")?.lowerBound.utf16Offset(in: lines[2]))
    }

    @Test("followed changes print as lines of fixed display width, Chinese states included")
    func changeLines() {
        let change = ChangesV1.Change(service: "session", seq: 7, kind: "result.published", subject: "result/9f0a1b2c", unitPath: "u331082000000.u331082104201",
                                      divisionCode: "331082104201", state: "已公开", externalRef: "",
                                      occurredAt: .init(seconds: 1_742_452_200, nanos: 0))
        let other = ChangesV1.Change(service: "gateway", seq: 12, kind: "appeal.accepted", subject: "appeal/hotline:GD1", unitPath: "",
                                     divisionCode: "331082104201", state: "ACCEPTED", externalRef: "hotline:GD1")
        let header = ChangesCommand.ChangeLine.header(style: Style(enabled: false))
        let first = ChangesCommand.ChangeLine.line(change, style: Style(enabled: false))
        let second = ChangesCommand.ChangeLine.line(other, style: Style(enabled: false))
        func column(_ line: String, _ text: String) -> Int? {
            guard let range = line.range(of: text) else { return nil }
            return DisplayWidth.of(line[..<range.lowerBound])
        }
        #expect(column(header, "UNIT") == column(first, "331082104201"))
        #expect(column(first, "331082104201") == column(second, "331082104201"))
        #expect(column(header, "SUBJECT") == column(first, "result/9f0a1b2c"))
        #expect(second.hasSuffix("hotline:GD1"))
    }
}
