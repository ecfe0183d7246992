import Foundation
import Testing
import TongxinRPC
import TongxinSchemas
@testable import TongxinctlKit

@Suite("display width")
struct DisplayWidthTests {
    @Test("ASCII is one column a character, Han characters and fullwidth forms two")
    func basic() {
        #expect(DisplayWidth.of("tongxin") == 7)
        #expect(DisplayWidth.of("白水洋镇") == 8)
        #expect(DisplayWidth.of("沿江镇 u331082") == 14)
        #expect(DisplayWidth.of("Ａ１") == 4)           // fullwidth Latin and digit (F)
        #expect(DisplayWidth.of("，。、") == 6)         // CJK punctuation (W/F)
        #expect(DisplayWidth.of("한글") == 4)           // Hangul syllables
        #expect(DisplayWidth.of("ｱｲ") == 2)            // halfwidth katakana (H)
        #expect(DisplayWidth.of("𠀀") == 2)            // CJK extension B (plane 2)
    }

    @Test("combining marks, format characters and controls take no column; emoji take two")
    func zeroAndEmoji() {
        #expect(DisplayWidth.of("e\u{301}") == 1)       // é as e + combining acute
        #expect(DisplayWidth.of("a\u{200B}b") == 2)      // zero-width space
        #expect(DisplayWidth.of("\u{1B}") == 0)
        #expect(DisplayWidth.of("👍") == 2)
        #expect(DisplayWidth.of("👨‍👩‍👧") == 2)           // one grapheme (ZWJ sequence)
        #expect(DisplayWidth.of("❤️") == 2)              // VS16: emoji presentation
        #expect(DisplayWidth.of("·§") == 2)             // ambiguous width counts as one
    }

    @Test("the table of wide ranges is sorted and disjoint, so the binary search is right")
    func rangesSorted() {
        for (a, b) in zip(DisplayWidth.wideRanges, DisplayWidth.wideRanges.dropFirst()) {
            #expect(a.upperBound < b.lowerBound)
        }
        #expect(DisplayWidth.isWide(0x4E00) && DisplayWidth.isWide(0x9FFF) && DisplayWidth.isWide(0x3000))
        #expect(!DisplayWidth.isWide(0x10FF) && !DisplayWidth.isWide(0xFF61) && !DisplayWidth.isWide(0x40000))
    }

    @Test("truncation keeps within the columns and marks the cut; padding fills by display width")
    func truncateAndPad() {
        #expect(DisplayWidth.truncate("白水洋镇下岙村", to: 7) == "白水洋…")
        #expect(DisplayWidth.of(DisplayWidth.truncate("白水洋镇下岙村", to: 7)) <= 7)
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        #expect(DisplayWidth.pad("镇", to: 5) == "镇   ")
        #expect(DisplayWidth.pad("12", to: 5, right: true) == "   12")
    }
}

@Suite("tables")
struct TableTests {
    /// The column each cell of a rendered line starts at, by display width.
    func starts(_ line: String, of cells: [String]) -> [Int] {
        var result: [Int] = []
        var rest = Substring(line)
        var consumed = 0
        for cell in cells {
            guard let range = rest.range(of: cell) else { return [] }
            consumed += DisplayWidth.of(rest[..<range.lowerBound])
            result.append(consumed)
            consumed += DisplayWidth.of(cell)
            rest = rest[range.upperBound...]
        }
        return result
    }

    @Test("columns line up by display width with Chinese names")
    func alignment() {
        var table = Table([.init("CODE"), .init("NAME"), .init("HOUSEHOLDS", alignment: .right), .init("PATH")])
        table.append(["331082104000", "白水洋镇", "1200", "u331082000000.u331082104000"])
        table.append(["331082104201", "下岙村", "312", "u331082000000.u331082104000.u331082104201"])
        table.append(["331082105000", "Yanjiang", "95", "u331082000000.u331082105000"])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        let header = starts(lines[0], of: ["CODE", "NAME", "HOUSEHOLDS", "PATH"])
        #expect(starts(lines[1], of: ["331082104000", "白水洋镇"]) == Array(header.prefix(2)))
        #expect(starts(lines[2], of: ["331082104201", "下岙村"]) == Array(header.prefix(2)))
        #expect(starts(lines[3], of: ["331082105000", "Yanjiang"]) == Array(header.prefix(2)))
        // Right-aligned numbers end where the header ends; the last column starts together.
        for (line, number, path) in [(lines[1], "1200", "u331082000000.u331082104000"), (lines[2], "312", "u331082000000.u331082104000.u331082104201")] {
            let cells = starts(line, of: [number, path])
            #expect(cells[0] + DisplayWidth.of(number) == header[2] + DisplayWidth.of("HOUSEHOLDS"))
            #expect(cells[1] == header[3])
        }
        for line in lines { #expect(!line.hasSuffix(" ")) }
    }

    @Test("long cells are cut at the column's limit, control characters become spaces")
    func cleaning() {
        var table = Table([.init("ID"), .init("TEXT", maxWidth: 10)])
        table.append(["1", "村东头道路破损，雨天积水严重"])
        table.append(["2", "line one\nline two\u{1B}[31m"])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[1].hasSuffix("…"))
        #expect(DisplayWidth.of(lines[1]) <= DisplayWidth.of("ID") + 2 + 10)
        #expect(!lines[2].contains("\u{1B}"))
    }

    @Test("colour escapes never shift the columns, and are absent when colour is off")
    func colour() {
        var table = Table([.init("RULE"), .init("RESULT"), .init("NOTE")])
        table.append(["composition.chair", .init("violated", .bad), "会长 0"])
        table.append(["composition.size", .init("ok", .good), "—"])
        let plain = table.render(style: Style(enabled: false))
        let coloured = table.render(style: Style(enabled: true))
        #expect(!plain.contains("\u{1B}"))
        #expect(coloured.contains("\u{1B}[31mviolated\u{1B}[0m"))
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == plain)
    }

    @Test("a record aligns its labels")
    func record() {
        let text = Table.record([("name", .init("白水洋镇")), ("households", .init("1200"))])
        #expect(text == "name        白水洋镇\nhouseholds  1200\n")
    }
}

@Suite("colour")
struct StyleTests {
    @Test("colour only on a terminal, never with NO_COLOR (non-empty) or TERM=dumb")
    func decide() {
        #expect(Style.decide(isTerminal: true, environment: [:]))
        #expect(!Style.decide(isTerminal: false, environment: [:]))
        #expect(!Style.decide(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(Style.decide(isTerminal: true, environment: ["NO_COLOR": ""]))
        #expect(!Style.decide(isTerminal: true, environment: ["TERM": "dumb"]))
    }
}

@Suite("exit codes and error lines")
struct ExitStatusTests {
    @Test("every status code maps to the documented exit code")
    func mapping() {
        let expected: [Status.Code: ExitKind] = [
            .ok: .ok, .invalidArgument: .usage, .outOfRange: .usage, .notFound: .notFound,
            .permissionDenied: .permission, .unauthenticated: .permission,
            .failedPrecondition: .refused, .alreadyExists: .refused, .aborted: .refused,
            .unavailable: .server, .deadlineExceeded: .server, .resourceExhausted: .server, .internalError: .server,
            .unknown: .server, .unimplemented: .server, .dataLoss: .server, .cancelled: .server,
        ]
        for code in Status.Code.allCases {
            #expect(ExitKind.of(code) == expected[code], "\(code)")
        }
        #expect(ExitKind.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test("a refusal is one line: kind, code, rule, field, the bilingual message and the figures")
    func line() {
        let error = RPCError(
            code: .failedPrecondition, message: "non-party share / 党外人士比例",
            detail: ErrorDetail(rule: "composition.non_party_share", field: "", messageZH: "党外人士 9 人，不足固定成员 20 人的二分之一",
                                messageEN: "non-party members 9 of 20 are fewer than 1/2", figures: [.init("count", "9"), .init("of", "20")]))
        let line = ErrorReport.line(for: error)
        #expect(line == "tongxinctl: refused (FAILED_PRECONDITION, rule composition.non_party_share): 党外人士 9 人，不足固定成员 20 人的二分之一 / non-party members 9 of 20 are fewer than 1/2 [count=9, of=20]")
        let multi = ErrorReport.line(for: RPCError(code: .internalError, message: "first\nsecond"))
        #expect(!multi.contains("\n"))
        var unreachable = RPCError(code: .unavailable, message: "cannot connect to 127.0.0.1:7999: Connection errors: … Connection refused) (errno: 111)")
        unreachable.neverSent = true
        #expect(ErrorReport.line(for: unreachable, gateway: "127.0.0.1:7999") == "tongxinctl: server (UNAVAILABLE): cannot reach the gateway at 127.0.0.1:7999 (connection refused)")
    }
}

@Suite("progress bar")
struct ProgressTests {
    @Test("the bar fills with the work and counts rejections")
    func line() {
        #expect(Progress.line(done: 0, total: 10, label: "people", failed: 0, width: 80).hasPrefix("[----------"))
        let half = Progress.line(done: 50, total: 100, label: "people", failed: 2, width: 80)
        #expect(half.contains(" 50/100 people  2 rejected"))
        let bar = half.prefix(while: { $0 != "]" })
        #expect(bar.filter { $0 == "#" }.count == bar.filter { $0 == "-" }.count)
        #expect(DisplayWidth.of(Progress.line(done: 7, total: 9, label: "人员", failed: 0, width: 40)) <= 40)
    }
}

@Suite("JSON of messages")
struct ProtoJSONTests {
    @Test("fields by their proto names, every field present, enums by name, timestamps and dates as text, wrappers as values")
    func encode() throws {
        let unit = MembershipV1.Unit(
            id: "u-1", divisionCode: "331082104000", name: "白水洋镇", level: .town, parentId: "", path: "u331082000000.u331082104000",
            householdCount: 1200, retired: false, retiredAt: nil, createdAt: CommonV1.Timestamp(seconds: 1_741_000_000, nanos: 500_000_000))
        let json = try ProtoJSON.encode(unit)
        #expect(json["division_code"] == .string("331082104000"))
        #expect(json["name"] == .string("白水洋镇"))
        #expect(json["level"] == .string("UNIT_LEVEL_TOWN"))
        #expect(json["household_count"] == .int(1200))
        #expect(json["retired"] == .bool(false))
        #expect(json["retired_at"] == .null)
        #expect(json["created_at"] == .string("2025-03-03T11:06:40.5Z"))
        #expect(json["parent_id"] == .string(""))

        let update = MembershipV1.UpdateUnitRequest(unit: .init(divisionCode: "331082104000"), name: .init(value: "新名"), householdCount: .init(value: 7))
        let updateJSON = try ProtoJSON.encode(update)
        #expect(updateJSON["name"] == .string("新名"))
        #expect(updateJSON["household_count"] == .int(7))

        let term = MembershipV1.Term(number: 2, startsOn: .init(year: 2025, month: 1, day: 1), endsOn: .init(year: 2029, month: 12, day: 31))
        #expect(try ProtoJSON.encode(term)["starts_on"] == .string("2025-01-01"))
    }

    @Test("repeated fields (packed enums too) are arrays; the text parses as JSON")
    func repeatedAndValid() throws {
        let request = AgendaV1.ListItemsRequest(unitPath: "u331082000000", channels: [.doorToDoor, .governmentHotline], categories: [], statuses: [.new])
        let json = try ProtoJSON.encode(request)
        #expect(json["channels"] == .array([.string("CHANNEL_DOOR_TO_DOOR"), .string("CHANNEL_GOVERNMENT_HOTLINE")]))
        #expect(json["categories"] == .array([]))
        #expect(json["statuses"] == .array([.string("ITEM_STATUS_NEW")]))
        let text = JSONValue.array([json, .object([("quote", .string("a \"b\"\n\\ 中"))])]).render()
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 2)
        #expect(parsed?[1]["quote"] as? String == "a \"b\"\n\\ 中")
        #expect(text.contains("中"))  // UTF-8 as is, not \u escapes
    }

    @Test("an enum value this build does not know stays a number")
    func unknownEnum() throws {
        let item = AgendaV1.Item(channel: AgendaV1.Channel(rawValue: 99))
        #expect(try ProtoJSON.encode(item)["channel"] == .int(99))
    }
}
