import ChangesAPI
import Foundation
import GatewayRules
import Logging
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 变更订阅 — the change feed a government system polls: every service's changes in a unit's
/// subtree (appeal status changes, published results, filings, warning changes …) behind one
/// opaque cursor that a system offline for a day resumes from, missing nothing.
///
/// Each service keeps its own feed with positions in commit order (the kit's
/// `Changes/ListChanges`, served by every service); the gateway reads every routed service's
/// feed and its own (the appeals' events) concurrently, each after its own position in the
/// cursor, and merges them by time. The merge takes each service's changes in that
/// service's order (a k-way merge), so what it hands out of a service is always a prefix of
/// that service's page, and the cursor moves each service to the last change handed out — or,
/// when a service's page was handed out whole, to the end of its feed as the caller may see
/// it. A service that cannot be read now is named in `unavailable` and keeps its position,
/// so its changes come later, never lost.
struct ChangeFeedMerge {
    let calls: ServiceCalls
    let units: UnitDirectory
    /// The gateway's own feed (appeal events), read in-process.
    let own: ChangesService
    let logger: Logger
    static let defaultLimit = 100
    static let maxLimit = 1000

    func list(_ request: GatewayV1.ListChangesRequest, context: ServerCallContext) async throws -> GatewayV1.ListChangesResponse {
        let caller = try Caller.current()
        guard let scope = UnitPath(caller.unitPath) else { throw UnitDirectory.notFound() }
        let unit = request.divisionCode.isEmpty
            ? scope
            : try await units.resolve(request.divisionCode, within: scope, principal: caller.principal,
                                      deadline: context.deadline, traceID: context.traceID)
        guard request.limit >= 0 else { throw AppealOperations.invalid("limit", "0 or more") }
        let limit = request.limit == 0 ? Self.defaultLimit : min(Int(request.limit), Self.maxLimit)
        let cursor: FeedCursor
        do {
            cursor = try FeedCursor(decoding: request.cursor, unit: unit.description)
        } catch {
            throw AppealOperations.invalid("cursor", error == .otherUnit
                ? "a cursor issued for this unit (this one was issued for another)" : "a next_cursor this gateway issued")
        }
        let sources = calls.services + ["gateway"]
        let pages = await withTaskGroup(of: (String, Result<ChangesV1.ListChangesResponse, any Error>).self) { group in
            for service in sources {
                let page = ChangesV1.ListChangesRequest(unitPath: unit.description, afterSeq: cursor.position(service), limit: Int32(limit))
                group.addTask {
                    do {
                        if service == "gateway" {
                            return (service, .success(try await own.listChanges(page, context: context)))
                        }
                        return (service, .success(try await calls.call(
                            service, ChangesV1.Changes.Method.listChanges, page, principal: caller.principal, unitPath: caller.unitPath,
                            permissions: [GatewayPermission.changesRead], deadline: context.deadline, traceID: context.traceID)))
                    } catch {
                        return (service, .failure(error))
                    }
                }
            }
            var pages: [String: Result<ChangesV1.ListChangesResponse, any Error>] = [:]
            for await (service, page) in group { pages[service] = page }
            return pages
        }
        var read: [String: ChangesV1.ListChangesResponse] = [:]
        var unavailable: [String] = []
        for service in sources {
            switch pages[service] {
            case .success(let page)?: read[service] = page
            case .failure(let error)?:
                unavailable.append(service)
                logger.warning("a service's change feed could not be read", metadata: ["service": "\(service)", "error": "\(error)"])
            case nil: unavailable.append(service)
            }
        }
        let merged = Self.merge(read, cursor: cursor, limit: limit)
        return GatewayV1.ListChangesResponse(
            changes: merged.changes.map(Self.annotated), nextCursor: merged.cursor.encoded, more: merged.more, unavailable: unavailable)
    }

    /// The k-way merge of the services' pages by time (each service's changes in its own
    /// order), cut at `limit`, and the cursor after what was handed out.
    static func merge(
        _ pages: [String: ChangesV1.ListChangesResponse], cursor: FeedCursor, limit: Int
    ) -> (changes: [ChangesV1.Change], cursor: FeedCursor, more: Bool) {
        let services = pages.keys.sorted()
        var taken = Dictionary(uniqueKeysWithValues: services.map { ($0, 0) })
        var out: [ChangesV1.Change] = []
        func key(_ change: ChangesV1.Change) -> (Int64, Int32) {
            (change.occurredAt?.seconds ?? 0, change.occurredAt?.nanos ?? 0)
        }
        while out.count < limit {
            var best: String?
            for service in services {
                guard let page = pages[service], let index = taken[service], index < page.changes.count else { continue }
                if let current = best, let chosen = pages[current], let chosenIndex = taken[current] {
                    if key(page.changes[index]) < key(chosen.changes[chosenIndex]) { best = service }
                } else {
                    best = service
                }
            }
            guard let service = best, let page = pages[service], let index = taken[service] else { break }
            out.append(page.changes[index])
            taken[service] = index + 1
        }
        var next = cursor
        var more = false
        for service in services {
            guard let page = pages[service], let count = taken[service] else { continue }
            if count == page.changes.count {
                // The whole page went out: resume where the service said (its feed's end when it reached it).
                next.positions[service] = max(cursor.position(service), page.lastSeq)
                more = more || page.more
            } else {
                if count > 0 { next.positions[service] = page.changes[count - 1].seq }
                more = true
            }
        }
        return (out, next, more)
    }

    /// A change that concerns an appeal (its reference is `<account>:<work order id>`) names
    /// the account and the work order, so a hotline picks out its own.
    static func annotated(_ change: ChangesV1.Change) -> ChangesV1.Change {
        guard let colon = change.externalRef.firstIndex(of: ":") else { return change }
        let source = String(change.externalRef[..<colon])
        let id = String(change.externalRef[change.externalRef.index(after: colon)...])
        guard UnitPath.isAccountName(source), !id.isEmpty else { return change }
        var change = change
        change.attributes.append(.init(key: "appeal_source", value: source))
        change.attributes.append(.init(key: "appeal_external_id", value: id))
        return change
    }
}
