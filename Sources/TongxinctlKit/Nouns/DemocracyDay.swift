import ArgumentParser
import Foundation
import SessionAPI
import TongxinSchemas

// 民主日 — the day a month a town or village fixes for meetings and receptions.

struct DemocracyDayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "democracy-day",
        abstract: "Democracy days (民主日): set a unit's rule, list its next days, print a town's calendar.",
        subcommands: [SetCommand.self, List.self, Calendar.self])

    /// An ISO weekday: `monday`/`mon`/`1`/`星期一`/`周一`.
    struct WeekdayArgument: ExpressibleByArgument, Sendable, Equatable {
        static let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        static let zh = ["一", "二", "三", "四", "五", "六", "日"]
        let number: Int32

        init?(argument: String) {
            let lowered = argument.lowercased()
            if let value = Int32(lowered), (1...7).contains(value) {
                number = value
            } else if let index = Self.names.firstIndex(where: { $0 == lowered || ($0.prefix(3) == lowered && lowered.count == 3) }) {
                number = Int32(index + 1)
            } else if let index = Self.zh.firstIndex(where: { argument == "星期" + $0 || argument == "周" + $0 || (argument == "星期天" && $0 == "日") }) {
                number = Int32(index + 1)
            } else {
                return nil
            }
        }

        static var allValueStrings: [String] { names }
        static var defaultCompletionKind: CompletionKind { .list(names) }
    }

    struct SetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Fix a unit's democracy day: a day of the month, the n-th weekday, or the last weekday of the month.",
            discussion: """
                Give one of --day (每月15日; a day the month lacks is its last day), --week
                with --weekday (每月第一个星期一), or --last with --weekday
                (每月最后一个星期五).

                \(examples(
                    "tongxinctl democracy-day set --unit 331082104000 --day 15",
                    "tongxinctl democracy-day set --unit 331082104201 --week 1 --weekday monday",
                    "tongxinctl democracy-day set --unit 331082104202 --last --weekday friday --time-zone Asia/Shanghai"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The town or village.") var unit: UnitArgument
        @Option(help: "A day of the month, 1–31.") var day: Int32?
        @Option(help: "The n-th week of the month, 1–4 (with --weekday).") var week: Int32?
        @Flag(help: "The last given weekday of the month (with --weekday).") var last = false
        @Option(help: "The weekday: monday … sunday (or 星期一 …).") var weekday: WeekdayArgument?
        @Option(help: "The unit's IANA time zone (default: Asia/Shanghai).") var timeZone: String?

        func validate() throws {
            let kinds = [day != nil, week != nil, last].filter { $0 }.count
            guard kinds == 1 else { throw ValidationError("give exactly one of --day, --week or --last") }
            if let day, !(1...31).contains(day) { throw ValidationError("--day must be 1–31") }
            if let week, !(1...4).contains(week) { throw ValidationError("--week must be 1–4") }
            if (week != nil || last) && weekday == nil { throw ValidationError("--week and --last need --weekday") }
            if day != nil && weekday != nil { throw ValidationError("--weekday goes with --week or --last, not --day") }
        }

        func run() async throws {
            let context = try global.context()
            let kind: SessionV1.DemocracyDayKind = day != nil ? .dayOfMonth : week != nil ? .nthWeekday : .lastWeekday
            let rule = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await SessionV1.Session.Client(gateway.rpc).setDemocracyDay(
                    .init(unitPath: path, kind: kind, day: day ?? 0, week: week ?? 0, weekday: weekday?.number ?? 0, timeZone: timeZone ?? ""),
                    options: gateway.options())
            }
            try context.out.show(rule) {
                context.out.record([("unit", .init(rule.unitPath)), ("democracy day", .init(Format.bilingual(rule.description))),
                                    ("time zone", .init(Format.text(rule.timeZone))), ("updated", .init(Format.instant(rule.updatedAt)))])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a unit's next democracy days.",
            discussion: examples(
                "tongxinctl democracy-day list --unit 331082104201",
                "tongxinctl democracy-day list --unit 331082104201 --from 2025-04-01 --count 6 --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The town or village.") var unit: UnitArgument
        @Option(help: "From this day on (default: today in the unit's time zone).") var from: DateArgument?
        @Option(help: "How many, 1–24.") var count: Int32 = 3

        func validate() throws {
            if !(1...24).contains(count) { throw ValidationError("--count must be 1–24") }
        }

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await SessionV1.Session.Client(gateway.rpc).listDemocracyDays(
                    .init(unitPath: path, from: from?.date, count: count), options: gateway.options())
            }
            try context.out.show(response) {
                var table = Table([.init("DAY"), .init("WEEKDAY")])
                for day in response.days { table.append([.init(Format.date(day)), .init(DemocracyDayCommand.weekday(day))]) }
                return context.out.record([("unit", .init(response.rule?.unitPath ?? "")),
                                           ("democracy day", .init(Format.bilingual(response.rule?.description)))])
                    + "\n" + context.out.table(table)
            }
        }
    }

    struct Calendar: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A town's democracy-day calendar for a year: its own days and those of every unit under it that fixed one.",
            discussion: examples(
                "tongxinctl democracy-day calendar --unit 331082104000 --year 2025",
                "tongxinctl democracy-day calendar --unit 331082104000 --year 2025 --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The town (or any unit).") var unit: UnitArgument
        @Option(help: "The year (default: this year).") var year: Int32?

        func run() async throws {
            let context = try global.context()
            let year = year ?? Int32(Foundation.Calendar(identifier: .gregorian).component(.year, from: Date()))
            let calendar = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await SessionV1.Session.Client(gateway.rpc).getDemocracyCalendar(.init(unitPath: path, year: year), options: gateway.options())
            }
            try context.out.show(calendar) {
                var table = Table([.init("UNIT"), .init("RULE"), .init("DAYS", alignment: .right)] + (1...12).map { Table.Column(String(format: "%02d", $0), alignment: .right) })
                for entry in calendar.entries {
                    var row: [Table.Cell] = [.init(lastCode(entry.unitPath)), .init(entry.rule?.description?.zh ?? ""), .init("\(entry.days.count)")]
                    for month in 1...12 {
                        row.append(.init(entry.days.filter { $0.month == month }.map { String($0.day) }.joined(separator: ",")))
                    }
                    table.append(row)
                }
                return "democracy days \(calendar.year) under \(calendar.unitPath)\n\n" + context.out.table(table)
                    + (calendar.entries.isEmpty ? "no unit has fixed a democracy day\n" : "")
            }
        }
    }

    /// "星期一 Mon" for a day.
    static func weekday(_ date: CommonV1.Date) -> String {
        var calendar = Foundation.Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let day = calendar.date(from: DateComponents(year: Int(date.year), month: Int(date.month), day: Int(date.day))) else { return "" }
        let iso = (calendar.component(.weekday, from: day) + 5) % 7  // Sunday 1 → 6, Monday 2 → 0
        return "星期" + WeekdayArgument.zh[iso] + " " + WeekdayArgument.names[iso].prefix(3).capitalized
    }
}
