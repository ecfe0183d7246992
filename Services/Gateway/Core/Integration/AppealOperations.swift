import AgendaAPI
import Foundation
import GatewayRules
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 诉求受理 — appeals (12345 hotline and government service platform work orders) pushed
/// by integration clients, with the closed loop the hotline expects as their status
/// (issue 12 item 6).
///
/// **Where each piece lives, by who owns the data:**
/// - The **problem and its handling** belong to the agenda ledger (问题台账 takes 12345
///   appeals like any channel, DOMAIN.md §2): the appeal becomes one ledger item (channel
///   GOVERNMENT_HOTLINE, reference `<account>:<work order id>`), and the unit's staff name who
///   answers it, study it, merge it, split it, take it up as a topic and answer it there.
///   Agenda records each of those moves of an item some appeal follows in the change feed
///   under the appeal's reference (`AgendaCore.AppealFeed`).
/// - **Who pushed which work order where** (account, work order id, division code, the item it
///   became) and **the hotline's own acts on its work order** — 督办, 办结, 回访, 评价 — are not
///   the ledger's: they are the government system's dealings with this deployment, kept in
///   the gateway's schema (`gateway.appeals`, `gateway.appeal_events`), audited and recorded
///   in the gateway's own feed.
/// - The **status** is derived, never stored: ``AppealStatus`` folds agenda's changes and the
///   gateway's events with ``AppealLoop``, so it cannot disagree with the ledger.
///
/// **Exactly once**: the gateway's row is keyed by (county, account, work order id) and the
/// ledger's item by (county, reference); a push finds the row, or asks agenda for the item
/// (which answers the existing one for a known reference, also for twenty concurrent pushes)
/// and then inserts the row `ON CONFLICT DO NOTHING`. A retry after any failure — before or
/// after agenda answered — lands on the same item and the same row; only the push that
/// inserted the row audits it and records it in the feed.
struct AppealOperations {
    let kit: ServiceKit
    let calls: ServiceCalls
    let units: UnitDirectory
    var status: AppealStatus { AppealStatus(calls: calls) }

    func submit(_ request: GatewayV1.SubmitAppealRequest, context: ServerCallContext) async throws -> GatewayV1.Appeal {
        let caller = try Caller.current()
        let externalID = try Self.externalID(request.externalId)
        guard (1...14).contains(request.category.rawValue) else { throw Self.invalid("category", "one of the ledger's categories") }
        guard let scope = UnitPath(caller.unitPath) else { throw UnitDirectory.notFound() }
        let unit = try await units.resolve(request.divisionCode, within: scope, principal: caller.principal,
                                           deadline: context.deadline, traceID: context.traceID)
        let reference = AppealRecord.reference(source: caller.principal, externalID: externalID)
        let calls = calls
        let base = try await kit.handle(request, context) { scope in
            let store = AppealStore(tx: scope.tx)
            if let existing = try await store.find(county: unit.countyCode, source: caller.principal, externalID: externalID) {
                return try await Self.withEvents(existing, store)
            }
            let item = try await calls.call(
                "agenda", AgendaV1.Agenda.Method.recordItem,
                AgendaV1.RecordItemRequest(
                    unitPath: unit.description, channel: .governmentHotline, category: request.category, text: request.text,
                    reporter: request.reporter, contact: request.contact, externalRef: reference, receivedAt: request.receivedAt,
                    responder: request.responder),
                principal: caller.principal, unitPath: caller.unitPath, permissions: [GatewayPermission.agendaWrite],
                deadline: context.deadline, traceID: context.traceID)
            guard let itemID = UUID(uuidString: item.id) else {
                throw RPCError(code: .internalError, message: "the agenda service answered an item without an id")
            }
            let inserted = try await scope.tx.queryOne(
                AppealRecord.self,
                """
                INSERT INTO gateway.appeals (county_code, source, external_id, unit_path, division_code, category, item_id, accepted_at)
                VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING \(AppealRecord.columns)
                """,
                [.text(unit.countyCode), .text(caller.principal), .text(externalID), .text(unit.description),
                 .text(request.divisionCode), .int(Int64(request.category.rawValue)), .uuid(itemID), .timestamp(scope.now)])
            guard let inserted else {
                // A concurrent push of the same work order won: answer its row.
                guard let existing = try await store.find(county: unit.countyCode, source: caller.principal, externalID: externalID) else {
                    throw RPCError(code: .aborted, message: "a concurrent push of the work order did not commit; retry / 并发冲突，请重试")
                }
                return try await Self.withEvents(existing, store)
            }
            try await scope.audit("SubmitAppeal", target: "appeal/\(reference)", unitPath: inserted.unitPath,
                                  ["item": item.id, "division_code": inserted.divisionCode, "category": String(inserted.category)])
            scope.change("appeal.accepted", subject: "appeal/\(reference)", unitPath: inserted.unitPath,
                         state: AppealStage.accepted.name, externalRef: reference, ["item": item.id])
            return inserted.wire
        }
        return try await complete(base, reference: reference, caller: caller, context: context)
    }

    func get(_ request: GatewayV1.GetAppealRequest, context: ServerCallContext) async throws -> GatewayV1.Appeal {
        let caller = try Caller.current()
        let externalID = try Self.externalID(request.externalId)
        let source = request.source.isEmpty ? caller.principal : request.source
        guard UnitPath.isAccountName(source) else { throw Self.invalid("source", "an account name") }
        guard let scope = UnitPath(caller.unitPath) else { throw Self.notFound() }
        let base = try await kit.handle(request, context) { tx in
            guard let (appeal, events) = try await AppealStore(tx: tx.tx).load(county: scope.countyCode, source: source, externalID: externalID)
            else { throw Self.notFound() }
            var wire = appeal.wire
            wire.events = events.map(\.wire)
            return wire
        }
        return try await complete(base, reference: AppealRecord.reference(source: source, externalID: externalID),
                                  caller: caller, context: context)
    }

    /// 督办, 办结, 回访, 评价 of the caller's own work order. A repeat of an event id is answered
    /// unchanged; an event the loop does not allow yet is FAILED_PRECONDITION naming the rule.
    func record(_ request: GatewayV1.RecordAppealEventRequest, context: ServerCallContext) async throws -> GatewayV1.Appeal {
        let caller = try Caller.current()
        let externalID = try Self.externalID(request.externalId)
        guard let kind = AppealLoop.EventKind(rawValue: Int(request.kind.rawValue)) else {
            throw Self.invalid("kind", "SUPERVISE, CLOSE, REVISIT or RATE")
        }
        guard Self.isVisibleASCII(request.eventId, max: 64) else { throw Self.invalid("event_id", "1–64 visible ASCII characters") }
        guard request.note.count <= 2000 else { throw Self.invalid("note", "at most 2000 characters") }
        let satisfaction = Int(request.satisfaction.rawValue)
        if kind == .rate {
            guard (1...3).contains(satisfaction) else { throw Self.invalid("satisfaction", "SATISFIED, BASICALLY_SATISFIED or DISSATISFIED") }
        } else if satisfaction != 0 {
            throw Self.invalid("satisfaction", "given only with RATE")
        }
        guard let scope = UnitPath(caller.unitPath) else { throw Self.notFound() }
        let reference = AppealRecord.reference(source: caller.principal, externalID: externalID)
        // The handling as agenda has it now (read before the transaction: no connection is
        // held across the call); the events are re-read under the appeal's lock below.
        let observations = try await status.observations(
            reference: reference, scope: caller.unitPath, principal: caller.principal, deadline: context.deadline, traceID: context.traceID)
        let base = try await kit.handle(request, context) { call in
            let store = AppealStore(tx: call.tx)
            guard let appeal = try await store.find(county: scope.countyCode, source: caller.principal, externalID: externalID, locked: true)
            else { throw Self.notFound() }
            var events = try await store.events(of: appeal)
            if let earlier = events.first(where: { $0.eventID == request.eventId }) {
                guard earlier.kind == kind else {
                    throw Self.invalid("event_id", "a new id: this one was recorded for another kind of event")
                }
            } else {
                let handling = AppealLoop.handling(observations, acceptedAt: appeal.acceptedAt)
                let loopEvents = events.map(\.loopEvent)
                do {
                    try AppealLoop.check(kind, progress: AppealLoop.progress(handling, events: loopEvents), events: loopEvents)
                } catch let violation as AppealLoop.Violation {
                    throw RPCError(code: .failedPrecondition, message: "\(violation.en) / \(violation.zh)",
                                   detail: ErrorDetail(rule: violation.rule, messageZH: violation.zh, messageEN: violation.en))
                }
                let inserted = try await call.tx.queryOne(
                    AppealEventRecord.self,
                    """
                    INSERT INTO gateway.appeal_events (county_code, source, external_id, event_id, unit_path, kind, satisfaction, note,
                                                       recorded_by, recorded_at)
                    VALUES ($1, $2, $3, $4, $5::ltree, $6, $7, $8, $9, $10) RETURNING \(AppealEventRecord.columns)
                    """,
                    [.text(appeal.countyCode), .text(appeal.source), .text(appeal.externalID), .text(request.eventId),
                     .text(appeal.unitPath), .int(Int64(kind.rawValue)), .int(Int64(satisfaction)), .text(request.note),
                     .text(caller.principal), .timestamp(call.now)])
                if let inserted { events.append(inserted) }
                var detail = ["event": kind.stage.name]
                if satisfaction > 0 { detail["satisfaction"] = String(satisfaction) }
                try await call.audit("RecordAppealEvent", target: "appeal/\(reference)", unitPath: appeal.unitPath, detail)
                call.change("appeal.event", subject: "appeal/\(reference)", unitPath: appeal.unitPath,
                            state: kind.stage.name, externalRef: reference, detail)
            }
            var wire = appeal.wire
            wire.events = events.map(\.wire)
            return wire
        }
        return try await status.complete(base, observations: observations, scope: caller.unitPath, principal: caller.principal,
                                          deadline: context.deadline, traceID: context.traceID)
    }

    private func complete(_ base: GatewayV1.Appeal, reference: String, caller: Caller,
                          context: ServerCallContext) async throws -> GatewayV1.Appeal {
        let observations = try await status.observations(
            reference: reference, scope: caller.unitPath, principal: caller.principal, deadline: context.deadline, traceID: context.traceID)
        return try await status.complete(base, observations: observations, scope: caller.unitPath, principal: caller.principal,
                                         deadline: context.deadline, traceID: context.traceID)
    }

    private static func withEvents(_ appeal: AppealRecord, _ store: AppealStore) async throws -> GatewayV1.Appeal {
        var wire = appeal.wire
        wire.events = try await store.events(of: appeal).map(\.wire)
        return wire
    }

    // MARK: Validation

    static func externalID(_ text: String) throws -> String {
        guard isVisibleASCII(text, max: 63) else { throw invalid("external_id", "1–63 visible ASCII characters (the work order id)") }
        return text
    }

    static func isVisibleASCII(_ text: String, max: Int) -> Bool {
        !text.isEmpty && text.utf8.count <= max && text.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    static func invalid(_ field: String, _ expected: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "\(field) must be \(expected) / 字段 \(field) 无效",
                 detail: ErrorDetail(rule: "gateway.invalid_field", field: field, messageZH: "字段 \(field) 无效", messageEN: "\(field) must be \(expected)"))
    }

    static func notFound() -> RPCError {
        RPCError(code: .notFound, message: "appeal not found / 诉求不存在")
    }
}
