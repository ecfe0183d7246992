import AgendaAPI
import ChangesAPI
import Foundation
import GatewayRules
import TongxinRPC
import TongxinSchemas
import TongxinService

/// An appeal's closed-loop status, put together from its two owners: agenda's changes under
/// the appeal's reference (the handling: 受理 … 回复, read through agenda's kit feed filtered by
/// the reference, so its merges, splits and topic are followed without a copy of the ledger)
/// and the events the gateway recorded (督办, 办结, 回访, 评价), folded by ``AppealLoop``.
struct AppealStatus {
    let calls: ServiceCalls

    /// agenda's observations of the objects the appeal follows, in feed order. `scope` is the
    /// unit the call acts for (an item the appeal was merged into may lie in a neighbouring
    /// village of it).
    func observations(reference: String, scope: String, principal: String, deadline: ContinuousClock.Instant?,
                      traceID: String?) async throws -> [AppealLoop.Observation] {
        var observations: [AppealLoop.Observation] = []
        var after: Int64 = 0
        // A work order's history is a handful of changes; ten pages of a thousand is a bound, not a plan.
        for _ in 0..<10 {
            let page = try await calls.call(
                "agenda", ChangesV1.Changes.Method.listChanges,
                ChangesV1.ListChangesRequest(unitPath: scope, afterSeq: after, limit: 1000, externalRef: reference),
                principal: principal, unitPath: scope, permissions: [GatewayPermission.changesRead],
                deadline: deadline, traceID: traceID)
            observations += page.changes.compactMap(Self.observation)
            after = page.lastSeq
            if !page.more { break }
        }
        return observations
    }

    /// One agenda change as the loop reads it (`item.status`, `topic.state`; anything else is
    /// not the handling's).
    static func observation(_ change: ChangesV1.Change) -> AppealLoop.Observation? {
        let at = change.occurredAt.map { Date(timeIntervalSince1970: Double($0.seconds) + Double($0.nanos) / 1e9) } ?? .distantPast
        let id = String(change.subject.split(separator: "/", maxSplits: 1).last ?? "")
        let attribute = { (key: String) in change.attributes.first { $0.key == key }?.value }
        switch change.kind {
        case "item.status":
            return .init(.item(id: id, status: change.state, responderNamed: attribute("responder") == "named", topic: attribute("topic")), at: at)
        case "topic.state":
            return .init(.topic(id: id, state: change.state), at: at)
        default:
            return nil
        }
    }

    /// `base` (the gateway's row and events) with the loop's stage and steps, and the replies
    /// of the items it follows (read from agenda: the answer is the ledger's).
    func complete(_ base: GatewayV1.Appeal, observations: [AppealLoop.Observation], scope: String, principal: String,
                  deadline: ContinuousClock.Instant?, traceID: String?) async throws -> GatewayV1.Appeal {
        let acceptedAt = base.acceptedAt.map { Date(timeIntervalSince1970: Double($0.seconds) + Double($0.nanos) / 1e9) } ?? .distantPast
        let handling = AppealLoop.handling(observations, acceptedAt: acceptedAt)
        let events = base.events.compactMap { event -> AppealLoop.Event? in
            guard let kind = AppealLoop.EventKind(rawValue: Int(event.kind.rawValue)), let at = event.recordedAt else { return nil }
            return AppealLoop.Event(kind, at: Date(timeIntervalSince1970: Double(at.seconds) + Double(at.nanos) / 1e9))
        }
        let progress = AppealLoop.progress(handling, events: events)
        var appeal = base
        appeal.stage = GatewayV1.AppealStage(rawValue: Int32(progress.stage.rawValue))
        appeal.steps = progress.steps.map {
            GatewayV1.AppealStep(stage: GatewayV1.AppealStage(rawValue: Int32($0.stage.rawValue)), reachedAt: ChangeFeed.timestamp($0.at))
        }
        appeal.replies = try await replies(handling: handling, observations: observations, scope: scope, principal: principal,
                                           deadline: deadline, traceID: traceID)
        return appeal
    }

    /// The answers of the items the appeal follows that have one (answered, not consultable,
    /// or taken up by a topic whose result is published), read from agenda.
    private func replies(handling: AppealLoop.Handling, observations: [AppealLoop.Observation], scope: String, principal: String,
                         deadline: ContinuousClock.Instant?, traceID: String?) async throws -> [GatewayV1.AppealReply] {
        var latest: [String: (status: String, topic: String?)] = [:]
        var topics: [String: String] = [:]
        for observation in observations {
            switch observation.object {
            case .item(let id, let status, _, let topic): latest[id] = (status, topic)
            case .topic(let id, let state): topics[id] = state
            }
        }
        let answered = handling.items.filter { id in
            guard let item = latest[id] else { return false }
            return item.status == "ANSWERED" || item.status == "NOT_CONSULTABLE"
                || (item.status == "BECAME_TOPIC" && AppealLoop.publishedTopicStates.contains(item.topic.flatMap { topics[$0] } ?? ""))
        }
        var replies: [GatewayV1.AppealReply] = []
        for id in answered {
            let item = try await calls.call(
                "agenda", AgendaV1.Agenda.Method.getItem, AgendaV1.GetItemRequest(itemId: id),
                principal: principal, unitPath: scope, permissions: [GatewayPermission.agendaRead], deadline: deadline, traceID: traceID)
            let topicState = item.topicId.isEmpty ? nil : topics[item.topicId]
            replies.append(GatewayV1.AppealReply(
                itemId: item.id, status: item.status, answer: item.answer, answeredAt: item.answeredAt, topicId: item.topicId,
                topicState: topicState.map(Self.topicState) ?? .unspecified))
        }
        return replies
    }

    static func topicState(_ name: String) -> AgendaV1.TopicState {
        let names = ["DRAFT", "APPROVED", "RESEARCHING", "PLANNED", "IN_MEETING", "RESOLVED", "ESCALATED", "PUBLISHED", "FILED",
                     "IMPLEMENTING", "CLOSED", "REJECTED"]
        return names.firstIndex(of: name).map { AgendaV1.TopicState(rawValue: Int32($0 + 1)) } ?? .unspecified
    }
}
