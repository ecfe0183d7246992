import ArgumentParser
import Foundation
import Histogram
import HealthAPI
import AgendaAPI
import MembershipAPI
import NIOPosix
import Synchronization
import TongxinRPC
import TongxinSchemas

/// `tongxin-bench`: N connections × M calls in flight of one RPC for T seconds, against a
/// running service; prints throughput and p50/p90/p99/max latency, then one final line
/// `RESULT {json}` for scripts (BENCHMARKS.md records the figures with the exact command).
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tongxin-bench",
        abstract: "Load generator for Tongxin services (unary calls over the Tongxin wire)."
    )

    @Option(help: "Service host.") var host = "127.0.0.1"
    @Option(help: "Service RPC port.") var port = 7101
    @Option(help: "TCP connections (the client's pool).") var connections = 1
    @Option(help: "Calls in flight in total, spread over the connections.") var concurrency = 1
    @Option(help: "Seconds to run (after warm-up).") var duration: Double = 5
    @Option(help: "Seconds of warm-up, not measured.") var warmup: Double = 1
    @Option(help: "ping | check | get-unit | create-person | get-council | check-composition | record-item | list-items | cast-vote | get-minutes | quarterly-report | get-dossier | county-dashboard") var method = "ping"
    @Option(help: "Ping payload bytes.") var payloadBytes = 0
    @Option(help: "Council members to create for the membership methods (needs TONGXIN_AUTH_SECRET).") var councilSize = 60
    @Option(help: "create-person: spread the people over this many towns (each town is one audit chain); county-dashboard: the county's towns.") var towns = 1
    @Option(help: "county-dashboard: ledger items recorded first in each town's village.") var itemsPerVillage = 10
    @Option(help: "Client threads: the client's connections and the calling tasks share this many event loops (so a call never changes threads in the client; 0: Swift's task pool and NIO's shared loops).") var clientThreads = 0
    @Option(help: "list-items: items recorded first (through RecordItem) in the bench's county.") var ledgerSize = 100_000
    @Option(help: "record-item, list-items: membership's port, to register the bench's units there first (0: none, the agenda runs alone).") var membershipPort = 7101
    @Option(help: "cast-vote, get-minutes: agenda's port (the session service's topics and plans come from there).") var agendaPort = 7102
    @Option(help: "cast-vote, get-minutes: members of the meeting, all voters (cast-vote: --concurrency voters at once).") var voters = 200
    @Option(help: "quarterly-report, get-dossier: a database URL that may load supervision's tables in bulk (superuser or supervision_owner).") var seedDatabaseUrl = ""
    @Option(help: "quarterly-report, get-dossier: towns of the seeded county.") var supervisionTowns = 30
    @Option(help: "quarterly-report, get-dossier: implementation cases seeded in the county.") var cases = 100_000
    @Flag(help: "One Health.Ping; exit 0 when answered (readiness probe).") var probe = false
    @Option(help: "The token's audience for the membership methods: membership (direct), or gateway (through the gateway; the default for --port 7100).") var audience: String?

    var effectiveAudience: String { audience ?? (port == 7100 ? "gateway" : "membership") }

    func run() async throws {
        let loops: MultiThreadedEventLoopGroup? = clientThreads > 0 ? MultiThreadedEventLoopGroup(numberOfThreads: clientThreads) : nil
        let executors = loops.map { group in group.makeIterator().map { EventLoopTaskExecutor(eventLoop: $0) } } ?? []
        let client = RPCClient(
            configuration: .init(host: host, port: port, connections: max(1, connections), connectTimeout: .seconds(2)),
            eventLoopGroup: loops ?? MultiThreadedEventLoopGroup.singleton)
        let runner = Task { try await client.run() }
        defer { runner.cancel() }
        if probe {
            _ = try await HealthV1.Health.Client(client).ping(HealthV1.PingRequest(), options: CallOptions(timeout: .seconds(1)))
            await client.close()
            return
        }
        let call = try await makeCall(client)
        _ = try await call()  // fail fast with a clear error before measuring
        let clock = ContinuousClock()
        if warmup > 0 { _ = await load(call, until: clock.now + .milliseconds(Int(warmup * 1000)), on: executors) }
        let start = clock.now
        let result = await load(call, until: start + .milliseconds(Int(duration * 1000)), on: executors)
        let elapsed = clock.now - start
        await client.close()
        try? await loops?.shutdownGracefully()
        report(result, elapsed: elapsed)
    }

    typealias Call = @Sendable () async throws -> Void

    struct Outcome: Sendable {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var errors: [String: Int] = [:]
    }

    /// `concurrency` workers, each with one call in flight, until `deadline`.
    func load(
        _ call: @escaping Call, until deadline: ContinuousClock.Instant, on executors: [EventLoopTaskExecutor] = []
    ) async -> Outcome {
        await withTaskGroup(of: Outcome.self) { group in
            for slot in 0..<max(1, concurrency) {
                let executor: (any TaskExecutor)? = executors.isEmpty ? nil : executors[slot % executors.count]
                group.addTask(executorPreference: executor) {
                    var outcome = Outcome()
                    let clock = ContinuousClock()
                    while clock.now < deadline {
                        let begin = clock.now
                        do {
                            try await call()
                            let micros = (clock.now - begin) / .microseconds(1)
                            _ = outcome.histogram.record(UInt64(max(1, micros.rounded())))
                        } catch let error as RPCError {
                            outcome.errors[error.code.description, default: 0] += 1
                        } catch {
                            outcome.errors["\(type(of: error))", default: 0] += 1
                        }
                    }
                    return outcome
                }
            }
            var total = Outcome()
            for await part in group {
                total.histogram.add(part.histogram)
                total.errors.merge(part.errors, uniquingKeysWith: +)
            }
            return total
        }
    }

    func report(_ outcome: Outcome, elapsed: Duration) {
        let seconds = elapsed / .seconds(1)
        let h = outcome.histogram
        let calls = h.totalCount
        let errors = outcome.errors.values.reduce(0, +)
        let throughput = Double(calls) / seconds
        print("method \(method)  connections \(connections)  in flight \(concurrency)  duration \(String(format: "%.1f", seconds)) s")
        print("calls \(calls)  errors \(errors)\(outcome.errors.isEmpty ? "" : " \(outcome.errors)")  throughput \(String(format: "%.0f", throughput)) calls/s")
        print("latency µs  p50 \(h.valueAtPercentile(50))  p90 \(h.valueAtPercentile(90))  p99 \(h.valueAtPercentile(99))  max \(h.max)")
        print("RESULT {\"method\":\"\(method)\",\"connections\":\(connections),\"concurrency\":\(concurrency),\"seconds\":\(String(format: "%.3f", seconds)),\"calls\":\(calls),\"errors\":\(errors),\"calls_per_second\":\(String(format: "%.1f", throughput)),\"p50_us\":\(h.valueAtPercentile(50)),\"p90_us\":\(h.valueAtPercentile(90)),\"p99_us\":\(h.valueAtPercentile(99)),\"max_us\":\(h.max)}")
    }

    func makeCall(_ client: RPCClient) async throws -> Call {
        switch method {
        case "ping":
            let health = HealthV1.Health.Client(client)
            let request = HealthV1.PingRequest(payload: Array(repeating: 0x5A, count: payloadBytes))
            return { _ = try await health.ping(request) }
        case "check":
            let health = HealthV1.Health.Client(client)
            return { _ = try await health.check(HealthV1.CheckRequest()) }
        case "get-council", "check-composition":
            let fixture = try await CouncilFixture.create(client: client, members: councilSize, audience: effectiveAudience)
            let membership = MembershipV1.Membership.Client(client)
            let options = fixture.options
            if method == "get-council" {
                let request = MembershipV1.GetCouncilRequest(councilId: fixture.councilID)
                return { _ = try await membership.getCouncil(request, options: options) }
            }
            let request = MembershipV1.CheckCompositionRequest(councilId: fixture.councilID, includeNominees: true)
            return { _ = try await membership.checkComposition(request, options: options) }
        case "get-unit":
            // A single-row read: one primary-key SELECT under the caller's scope.
            let units = try await UnitFixture.create(client: client, audience: effectiveAudience)
            let membership = MembershipV1.Membership.Client(client)
            let request = MembershipV1.GetUnitRequest(unit: .init(id: units.village.id))
            let options = units.options
            return { _ = try await membership.getUnit(request, options: options) }
        case "create-person":
            // A single-row write: one INSERT (phone and ID number encrypted and hashed) plus
            // its audit record, committed together.
            let units = try await UnitFixture.create(client: client, towns: towns, audience: effectiveAudience)
            let membership = MembershipV1.Membership.Client(client)
            let options = units.options
            let villages = units.villages.map(\.id)
            let region = String(units.prefix.prefix(6))
            let counter = PersonCounter()
            return {
                let index = counter.next()
                _ = try await membership.createPerson(.init(
                    unit: .init(id: villages[index % villages.count]), name: "居民\(index)", gender: index % 2 == 0 ? .female : .male,
                    birthYear: 1950, phone: "139\(String(format: "%08d", index % 100_000_000))",
                    idNumber: PersonCounter.idNumber(region: region, index: index), household: "户\(index)"
                ), options: options)
            }
        case "record-item":
            // One RecordItem: an INSERT (the contact sealed) plus its audit record (agenda, --port 7102).
            return try await AgendaFixture.create(membershipPort: membershipPort == 0 ? nil : membershipPort, audience: port == 7100 ? "gateway" : "agenda").recordCall(client)
        case "list-items":
            // A page of 50 from a county ledger of --ledger-size items (filled first through RecordItem).
            let fixture = try await AgendaFixture.create(membershipPort: membershipPort == 0 ? nil : membershipPort, audience: port == 7100 ? "gateway" : "agenda")
            let clock = ContinuousClock()
            let start = clock.now
            try await fixture.fill(client, size: ledgerSize)
            print("ledger of \(ledgerSize) items recorded in \(clock.now - start)")
            return fixture.listCall(client)
        case "cast-vote", "get-minutes":
            // The session service (--port 7103): CastVote by --voters members; GetMinutes of their meeting.
            let fixture = try await SessionFixture.create(
                client: client, agendaPort: agendaPort, membershipPort: membershipPort == 0 ? nil : membershipPort, voters: voters,
                opinions: method == "get-minutes" ? 50 : 0, closeVote: method == "get-minutes")
            return method == "cast-vote" ? fixture.castCall(client) : fixture.minutesCall(client)
        case "quarterly-report", "get-dossier":
            // Supervision (--port 7104): a county of --supervision-towns towns and --cases cases seeded by SQL.
            let fixture = try await SupervisionFixture.create(seedURL: seedDatabaseUrl, towns: supervisionTowns, cases: cases)
            return method == "quarterly-report" ? fixture.quarterlyCall(client) : fixture.dossierCall(client)
        case "county-dashboard":
            // The gateway (--port 7100): GetCountyDashboard of a county of --towns towns, fanned out to every routed service.
            let fixture = try await DashboardFixture.create(client: client, towns: towns, itemsPerVillage: itemsPerVillage)
            return fixture.call(client)
        default:
            throw ValidationError("unknown --method \(method): ping | check | get-unit | create-person | get-council | check-composition | record-item | list-items | cast-vote | get-minutes | quarterly-report | get-dossier | county-dashboard")
        }
    }
}

/// Numbers the people `create-person` registers, so each has its own phone and ID number.
final class PersonCounter: Sendable {
    private let value = Atomic<Int>(0)

    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }

    /// A valid resident ID number unique for every index below 36.5 million: the birth date
    /// moves one day per thousand people from 1950-01-01, the sequence number is the rest.
    static func idNumber(region: String, index: Int) -> String {
        var components = DateComponents(calendar: Calendar(identifier: .gregorian), year: 1950, month: 1, day: 1)
        components.timeZone = TimeZone(identifier: "UTC")
        let start = components.date!
        let birthday = start.addingTimeInterval(Double(index / 1000) * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: birthday)
        let body = region + String(format: "%04d%02d%02d%03d", parts.year!, parts.month!, parts.day!, index % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }
}
