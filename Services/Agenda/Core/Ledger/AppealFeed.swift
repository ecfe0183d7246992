import AgendaRules
import Foundation
import TongxinPostgres
import TongxinService

/// 诉求跟踪 — what agenda records in the change feed (the kit's `CallScope.change`) for
/// the items a government system follows: an appeal (12345 work order) is a ledger item with
/// an external reference, and the hotline follows its handling until it is answered
/// (issue 12 item 6).
///
/// An appeal follows its own item; when that item is merged into another, the item it was
/// merged into; when it is split, its parts; when an item it follows becomes a topic, the
/// topic. So every change of a followed object is recorded once per appeal that follows it,
/// with the appeal's reference as `external_ref`, and the object's state as it is now — the
/// gateway folds one reference's changes into the appeal's closed-loop status. Items nobody
/// outside follows (no reference among their followers) record nothing: the ledger's common
/// path pays no feed write (one county's feed writes are serialized for a commit).
///
/// Kinds: `item.status` (subject `item/<id>`, state the item's status as in agenda.proto
/// without its prefix: `NEW`, `UNDER_STUDY`, `BECAME_TOPIC`, `ANSWERED`, `NOT_CONSULTABLE`,
/// `MERGED`, `SPLIT`; detail `responder` named/none, `topic`, `merged_into`, `split_from`) and
/// `topic.state` (subject `topic/<id>`, state `DRAFT` … `CLOSED`, `REJECTED`; detail `number`).
struct AppealFeed {
    let scope: CallScope
    private var tx: PostgresTransaction { scope.tx }

    /// The references that follow `item`: its own, those of the items merged into it, and —
    /// when it is a part of a split — its original's and those merged into the original.
    func followers(of item: ItemRecord) async throws -> [String] {
        let ids = [item.id] + (item.splitFrom.map { [$0] } ?? [])
        let rows = try await tx.query(
            """
            SELECT DISTINCT external_ref FROM agenda.items
             WHERE county_code = $1 AND external_ref <> '' AND (id = ANY($2::uuid[]) OR merged_into = ANY($2::uuid[]))
             ORDER BY external_ref
            """,
            [.text(item.countyCode), .textArray(ids.map(\.canonicalText))])
        return try rows.map { try $0["external_ref"].decode(String.self) }
    }

    /// Records `item` as it is now for every appeal following it (`refs` when the caller knows them).
    func itemChanged(_ item: ItemRecord, refs known: [String]? = nil) async throws {
        let refs: [String]
        if let known { refs = known } else { refs = try await followers(of: item) }
        guard !refs.isEmpty else { return }
        var detail = ["responder": item.responder.isEmpty ? "none" : "named"]
        if let topic = item.topicID { detail["topic"] = topic.canonicalText }
        if let target = item.mergedInto { detail["merged_into"] = target.canonicalText }
        if let original = item.splitFrom { detail["split_from"] = original.canonicalText }
        for ref in refs {
            scope.change("item.status", subject: "item/\(item.id.canonicalText)", unitPath: item.unitPath,
                         state: item.status.feedName, externalRef: ref, detail)
        }
    }

    /// Records `topic`'s state for every appeal following one of its items.
    func topicMoved(_ topic: TopicRecord) async throws {
        let rows = try await tx.query(
            """
            SELECT DISTINCT f.external_ref FROM agenda.items t
              JOIN agenda.items f ON f.county_code = t.county_code AND f.external_ref <> ''
                                 AND (f.id = t.id OR f.merged_into = t.id OR f.id = t.split_from OR f.merged_into = t.split_from)
             WHERE t.county_code = $1 AND t.topic_id = $2
             ORDER BY f.external_ref
            """,
            [.text(topic.countyCode), .uuid(topic.id)])
        for row in rows {
            scope.change("topic.state", subject: "topic/\(topic.id.canonicalText)", unitPath: topic.unitPath,
                         state: topic.state.feedName, externalRef: try row["external_ref"].decode(String.self),
                         ["number": topic.number])
        }
    }
}

extension ItemStatus {
    /// The status as the feed names it: agenda.proto's enum value without `ITEM_STATUS_`.
    var feedName: String {
        switch self {
        case .new: "NEW"
        case .underStudy: "UNDER_STUDY"
        case .becameTopic: "BECAME_TOPIC"
        case .answered: "ANSWERED"
        case .notConsultable: "NOT_CONSULTABLE"
        case .merged: "MERGED"
        case .split: "SPLIT"
        }
    }
}

extension TopicState {
    /// The state as the feed names it: agenda.proto's enum value without `TOPIC_STATE_`.
    var feedName: String {
        switch self {
        case .draft: "DRAFT"
        case .approved: "APPROVED"
        case .researching: "RESEARCHING"
        case .planned: "PLANNED"
        case .inMeeting: "IN_MEETING"
        case .resolved: "RESOLVED"
        case .escalated: "ESCALATED"
        case .published: "PUBLISHED"
        case .filed: "FILED"
        case .implementing: "IMPLEMENTING"
        case .closed: "CLOSED"
        case .rejected: "REJECTED"
        }
    }
}
