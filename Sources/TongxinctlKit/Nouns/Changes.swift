import ArgumentParser
import Foundation
import GatewayAPI
import TongxinRPC
import Synchronization
import TongxinSchemas
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// 变更订阅 — the change feed of every service in a unit's subtree (appeal status changes,
// published results, filings, warnings …) behind one resumable cursor.

struct ChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "The change feed (变更订阅): list the changes after a cursor, or follow them as they happen.",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the changes after a cursor (from the first without one); --follow keeps polling and prints each change once until Ctrl-C.",
            discussion: """
                The cursor is opaque and bound to the unit: pass the one printed last
                (--cursor) to resume where you stopped, missing nothing. A service that
                cannot be read now is named on standard error; its changes come later, never
                lost.

                --follow polls every --interval seconds (at once while more are waiting),
                prints each change once as it arrives — a line each, or with --json one JSON
                object per line — and on Ctrl-C (SIGINT) prints the cursor to resume from on
                standard error and exits 0. --from-now skips what already happened.

                \(examples(
                    "tongxinctl changes list",
                    "tongxinctl changes list --unit 331082104000 --cursor c1.eyJhZ2VuZGEiOjEyfQ --json",
                    "tongxinctl changes list --follow --interval 5",
                    "tongxinctl changes list --follow --from-now --json >> changes.ndjson"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit (division code or path; default: the unit you act for).") var unit: UnitArgument?
        @Option(help: "Resume after this cursor (a next_cursor printed before).") var cursor = ""
        @Option(help: "At most this many changes per call, 1–1000.") var limit: Int32 = 100
        @Flag(help: "Keep polling and print changes as they happen, until Ctrl-C.") var follow = false
        @Option(help: "Seconds between polls with --follow.") var interval: Double = 2
        @Flag(help: "With --follow: skip the changes that already happened.") var fromNow = false

        func validate() throws {
            if !(1...1000).contains(limit) { throw ValidationError("--limit must be 1–1000") }
            if !(0.1...3600).contains(interval) { throw ValidationError("--interval must be 0.1–3600 seconds") }
            if fromNow && !follow { throw ValidationError("--from-now goes with --follow") }
        }

        func run() async throws {
            let context = try global.context()
            if follow {
                try await followChanges(context)
                return
            }
            let response = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).listChanges(
                    .init(divisionCode: unit?.code ?? "", cursor: cursor, limit: limit), options: gateway.options())
            }
            if !response.unavailable.isEmpty {
                context.out.warn("not read now (their changes come later): \(response.unavailable.joined(separator: ", "))")
            }
            try context.out.show(response) {
                var table = Table(ChangeLine.columns.map { Table.Column($0.title, maxWidth: $0.width == 0 ? nil : $0.width) })
                for change in response.changes { table.append(ChangeLine.cells(change)) }
                return context.out.table(table)
                    + "\(response.changes.count) change(s)\(response.more ? ", more waiting" : ""); resume with --cursor \(response.nextCursor)\n"
            }
        }

        /// Polls until SIGINT: each change printed once (per service, only past the highest
        /// position already printed), the cursor moved after every answer.
        func followChanges(_ context: CommandContext) async throws {
            let stop = StopSignal.install()
            defer { stop.uninstall() }
            var cursor = cursor
            var printed: [String: Int64] = [:]
            var warned: Set<String> = []
            if !context.out.json {
                print(ChangeLine.header(style: context.out.style))
                fflush(nil)  // every output stream: standard output as printed so far
            }
            try await context.withGateway { gateway in
                let api = GatewayV1.Gateway.Client(gateway.rpc)
                var skipping = fromNow
                while !stop.stopped {
                    let response: GatewayV1.ListChangesResponse
                    do {
                        response = try await api.listChanges(.init(divisionCode: unit?.code ?? "", cursor: cursor, limit: limit), options: gateway.options())
                    } catch let error as RPCError where error.code == .unavailable || error.code == .deadlineExceeded {
                        // The gateway is away for a moment: say so once, and try again.
                        if warned.insert("gateway").inserted { context.out.warn("the gateway did not answer (\(error.code)); still following") }
                        try? await stop.sleep(seconds: interval)
                        continue
                    }
                    warned.remove("gateway")
                    for service in response.unavailable where warned.insert(service).inserted {
                        context.out.warn("\(service) cannot be read now; its changes come when it can")
                    }
                    for service in warned where service != "gateway" && !response.unavailable.contains(service) { warned.remove(service) }
                    if !skipping {
                        for change in response.changes where change.seq > printed[change.service, default: 0] {
                            printed[change.service] = change.seq
                            if context.out.json {
                                print(try ProtoJSON.encode(change).render(indent: 0))
                            } else {
                                print(ChangeLine.line(change, style: context.out.style))
                            }
                        }
                        fflush(nil)  // every output stream: standard output as printed so far
                    } else {
                        for change in response.changes { printed[change.service] = max(printed[change.service, default: 0], change.seq) }
                    }
                    cursor = response.nextCursor
                    if response.more { continue }
                    skipping = false
                    try? await stop.sleep(seconds: interval)
                }
            }
            context.out.note("stopped; resume with --cursor \(cursor)")
        }
    }

    /// The columns of a change, and one change as a line of fixed widths (so that lines
    /// printed as they arrive stay aligned).
    enum ChangeLine {
        static let columns: [(title: String, width: Int)] = [
            ("AT", 16), ("SERVICE", 11), ("KIND", 20), ("STATE", 14), ("UNIT", 12), ("SUBJECT", 44), ("REF", 0),
        ]

        static func cells(_ change: ChangesV1.Change) -> [Table.Cell] {
            [.init(Format.instant(change.occurredAt)), .init(change.service), .init(change.kind), .init(change.state),
             .init(change.divisionCode), .init(change.subject), .init(change.externalRef)]
        }

        static func header(style: Style) -> String {
            style.bold(render(columns.map { Table.Cell($0.title) }))
        }

        static func line(_ change: ChangesV1.Change, style: Style) -> String {
            render(cells(change))
        }

        static func render(_ cells: [Table.Cell]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let width = columns[index].width
                let text = Table.oneLine(cell.text)
                parts.append(width == 0 ? text : DisplayWidth.pad(DisplayWidth.truncate(text, to: width), to: width))
            }
            var joined = parts.joined(separator: "  ")
            while joined.hasSuffix(" ") { joined.removeLast() }
            return joined
        }
    }
}

/// Ctrl-C for a command that runs until it is told to stop: the first SIGINT sets
/// ``stopped`` (and cuts a sleep short); the default action is back after ``uninstall()``.
final class StopSignal: @unchecked Sendable {
    private let flag = Mutex(false)
    private let source: any DispatchSourceSignal

    private init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    }

    static func install() -> StopSignal {
        let stop = StopSignal()
        stop.source.setEventHandler { [stop] in stop.flag.withLock { $0 = true } }
        stop.source.resume()
        return stop
    }

    var stopped: Bool { flag.withLock { $0 } }

    /// Sleeps `seconds`, in steps of 50 ms, ending early when stopped.
    func sleep(seconds: Double) async throws {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !stopped, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func uninstall() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
