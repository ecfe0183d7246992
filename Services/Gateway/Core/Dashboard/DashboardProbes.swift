import AgendaAPI
import Foundation
import GatewayRules
import SessionAPI
import SupervisionAPI
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinWire

/// The calls behind a dashboard's sections — five per town: agenda's open items (a
/// `ListItems` count, `include_total` on a page of one) and `CountTopics` (topics by state),
/// session's `CountActivity` (meetings and filed results), supervision's `GetWarningLedger`
/// and `GetIndex` — each a count or a small answer, run concurrently per service (at most
/// ``perService`` in flight for each), every one with the section's deadline.
struct DashboardProbes: Sendable {
    let calls: ServiceCalls
    let principal: String
    let quarter: DashboardQuarter
    let deadline: ContinuousClock.Instant
    let traceID: String?
    let perService: Int

    /// What one call asks.
    enum Probe: Hashable, Sendable {
        case openItems
        case topics
        case activity
        case warnings
        case index

        var service: String {
            switch self {
            case .openItems, .topics: "agenda"
            case .activity: "session"
            case .warnings, .index: "supervision"
            }
        }

        var permission: String {
            switch self {
            case .openItems, .topics: GatewayPermission.agendaRead
            case .activity: GatewayPermission.sessionRead
            case .warnings, .index: GatewayPermission.supervisionRead
            }
        }
    }

    /// What one call answered.
    enum Answer: Sendable {
        case count(Int64)
        case topics(AgendaV1.CountTopicsResponse)
        case activity(SessionV1.ActivityCounts)
        case warnings(SupervisionV1.UnitLevel?)
        case index(Int32)
    }

    /// Why a call has no answer: the status the service answered (or the gateway decided) and why.
    struct Failure: Error, Sendable {
        var status: Status.Code
        var reason: String
    }

    struct Key: Hashable, Sendable {
        var town: Int
        var probe: Probe
    }

    /// Every probe of every town, `towns` with the permissions the caller's grants give there.
    func read(_ towns: [(path: UnitPath, permissions: Set<String>)]) async -> Sections {
        var byService: [String: [(Key, UnitPath)]] = [:]
        var answers: [Key: Result<Answer, Failure>] = [:]
        let probes: [Probe] = [.openItems, .topics, .activity, .warnings, .index]
        for (index, town) in towns.enumerated() {
            for probe in probes {
                let key = Key(town: index, probe: probe)
                if town.permissions.contains(probe.permission) {
                    byService[probe.service, default: []].append((key, town.path))
                } else {
                    answers[key] = .failure(Failure(
                        status: .permissionDenied, reason: "the caller's grants do not give \(probe.permission) at \(town.path.description)"))
                }
            }
        }
        let services = byService
        let read = await withTaskGroup(of: [(Key, Result<Answer, Failure>)].self) { group in
            for (service, work) in services {
                group.addTask { await self.run(service, work) }
            }
            var all: [(Key, Result<Answer, Failure>)] = []
            for await part in group { all += part }
            return all
        }
        for (key, answer) in read { answers[key] = answer }
        return Sections(answers: answers, quarter: quarter)
    }

    /// One service's probes, at most ``perService`` in flight; once the service answered
    /// UNAVAILABLE or DEADLINE_EXCEEDED (or the deadline passed) the rest are not asked.
    private func run(_ service: String, _ work: [(Key, UnitPath)]) async -> [(Key, Result<Answer, Failure>)] {
        await withTaskGroup(of: (Key, Result<Answer, Failure>).self) { group in
            var results: [(Key, Result<Answer, Failure>)] = []
            var pending = work[...]
            var inFlight = 0
            var tripped: Failure?
            while true {
                while inFlight < perService, let next = pending.popFirst() {
                    let (key, town) = next
                    if let tripped {
                        results.append((key, .failure(tripped)))
                    } else if ContinuousClock.now >= deadline {
                        results.append((key, .failure(Failure(
                            status: .deadlineExceeded, reason: "the \(service) service was not asked: the section's time ran out"))))
                    } else {
                        inFlight += 1
                        group.addTask { (key, await self.ask(key.probe, at: town)) }
                    }
                }
                guard let done = await group.next() else { break }
                let (key, result) = done
                inFlight -= 1
                results.append((key, result))
                if tripped == nil, case .failure(let failure) = result, [.unavailable, .deadlineExceeded].contains(failure.status) {
                    tripped = failure
                }
            }
            return results
        }
    }

    private func ask(_ probe: Probe, at town: UnitPath) async -> Result<Answer, Failure> {
        let service = probe.service
        do {
            return .success(try await answer(probe, at: town))
        } catch let error as RPCError where error.code == .deadlineExceeded {
            return .failure(Failure(status: .deadlineExceeded, reason: "the \(service) service did not answer within the section's time"))
        } catch let error as RPCError where error.code == .unavailable {
            // The gateway's own message names the service (down, or not routed).
            return .failure(Failure(status: .unavailable, reason: error.message))
        } catch let error as RPCError {
            return .failure(Failure(status: error.code, reason: "the \(service) service answered \(error.code): \(error.message)"))
        } catch {
            return .failure(Failure(status: .internalError, reason: "the \(service) service's answer could not be read: \(error)"))
        }
    }

    private func answer(_ probe: Probe, at town: UnitPath) async throws -> Answer {
        let unit = town.description
        let countOnly = CommonV1.PageRequest(pageSize: 1, includeTotal: true)
        switch probe {
        case .openItems:
            let page = try await call(probe, at: town, AgendaV1.Agenda.Method.listItems,
                                      AgendaV1.ListItemsRequest(unitPath: unit, statuses: [.new, .underStudy], page: countOnly))
            return .count(page.page?.totalCount ?? 0)
        case .topics:
            return .topics(try await call(probe, at: town, AgendaV1.Agenda.Method.countTopics, AgendaV1.CountTopicsRequest(unitPath: unit)))
        case .activity:
            return .activity(try await call(probe, at: town, SessionV1.Session.Method.countActivity,
                                            SessionV1.CountActivityRequest(unitPath: unit, from: CommonV1.Timestamp(quarter.start),
                                                                          until: CommonV1.Timestamp(quarter.end))))
        case .warnings:
            return .warnings(try await call(probe, at: town, SupervisionV1.Supervision.Method.getWarningLedger,
                                            SupervisionV1.GetWarningLedgerRequest(unitPath: unit)).unit)
        case .index:
            return .index(try await call(probe, at: town, SupervisionV1.Supervision.Method.getIndex,
                                         SupervisionV1.GetIndexRequest(unitPath: unit, year: Int32(quarter.year))).score)
        }
    }

    /// `method` of the probe's service, as the caller acting at the town with the probe's permission.
    private func call<Request: WireMessage, Response: WireMessage>(
        _ probe: Probe, at town: UnitPath, _ method: RPCMethod<Request, Response>, _ request: Request
    ) async throws -> Response {
        try await calls.call(probe.service, method, request, principal: principal, unitPath: town.description,
                             permissions: [probe.permission], deadline: deadline, traceID: traceID)
    }
}

/// The answers of a dashboard's probes, made into each town's sections.
struct Sections: Sendable {
    let answers: [DashboardProbes.Key: Result<DashboardProbes.Answer, DashboardProbes.Failure>]
    let quarter: DashboardQuarter

    struct Row {
        var wire: GatewayV1.TownDashboard
        var states: [GatewayV1.DashboardSectionState]
    }

    func row(_ index: Int, town: DashboardTowns.Town) -> Row {
        func answer(_ probe: DashboardProbes.Probe) -> Result<DashboardProbes.Answer, DashboardProbes.Failure> {
            answers[DashboardProbes.Key(town: index, probe: probe)]
                ?? .failure(DashboardProbes.Failure(status: .internalError, reason: "not read"))
        }
        func state(_ service: String, _ results: [Result<DashboardProbes.Answer, DashboardProbes.Failure>]) -> GatewayV1.DashboardSectionState {
            for result in results {
                if case .failure(let failure) = result {
                    return GatewayV1.DashboardSectionState(available: false, service: service, status: failure.status.description, reason: failure.reason)
                }
            }
            return GatewayV1.DashboardSectionState(available: true, service: service)
        }
        func count(_ result: Result<DashboardProbes.Answer, DashboardProbes.Failure>) -> Int64 {
            if case .success(.count(let value)) = result { return value }
            return 0
        }

        let items = answer(.openItems)
        let ledger = GatewayV1.DashboardLedger(state: state("agenda", [items]), openItems: count(items))

        let counted = answer(.topics)
        var topics = GatewayV1.DashboardTopics(state: state("agenda", [counted]))
        if case .success(.topics(let response)) = counted {
            topics.byState = response.byState
            topics.total = response.total
        }

        let activity = answer(.activity)
        let activityState = state("session", [activity])
        var meetings = GatewayV1.DashboardMeetings(state: activityState)
        var results = GatewayV1.DashboardResults(state: activityState)
        if case .success(.activity(let counts)) = activity {
            meetings.meetings = counts.meetings
            meetings.closed = counts.meetingsClosed
            results.filed = counts.resultsFiled
            results.filedTotal = counts.resultsFiledTotal
        }

        let ledgerLevel = answer(.warnings)
        var warnings = GatewayV1.DashboardWarnings(state: state("supervision", [ledgerLevel]))
        if case .success(.warnings(let level?)) = ledgerLevel {
            warnings.level = level.level
            warnings.cases = level.counts ?? SupervisionV1.LevelCounts()
        }

        let score = answer(.index)
        var index = GatewayV1.DashboardIndex(state: state("supervision", [score]), year: Int32(quarter.year))
        if case .success(.index(let value)) = score { index.score = value }

        let wire = GatewayV1.TownDashboard(
            unitPath: town.path.description, divisionCode: town.code, name: town.name, ledger: ledger, topics: topics, meetings: meetings,
            results: results, warnings: warnings, index: index)
        return Row(wire: wire, states: [ledger.state, topics.state, meetings.state, results.state, warnings.state, index.state].compactMap { $0 })
    }
}
