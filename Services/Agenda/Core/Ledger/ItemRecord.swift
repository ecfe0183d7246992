import AgendaRules
import Foundation
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 问题台账条目 — one row of `agenda.items`.
struct ItemRecord: PostgresRecord {
    var id: UUID
    var unitPath: String
    var countyCode: String
    var channel: Channel
    var category: AgendaRules.Category
    var status: ItemStatus
    var text: String
    var reporter: String
    var contactSealed: [UInt8]?
    var contactMasked: String
    var externalRef: String
    var mergedInto: UUID?
    var splitFrom: UUID?
    var topicID: UUID?
    var responder: String
    var answer: String
    var answeredBy: String
    var answeredAt: Date?
    var receivedAt: Date
    var updatedAt: Date

    static let columns = """
        id, unit_path::text AS unit_path, county_code, channel, category, status, text, reporter, contact_sealed, \
        contact_masked, external_ref, merged_into, split_from, topic_id, responder, answer, answered_by, answered_at, received_at, updated_at
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        channel = try row["channel"].decode(Channel.self)
        category = try row["category"].decode(AgendaRules.Category.self)
        status = try row["status"].decode(ItemStatus.self)
        text = try row["text"].decode(String.self)
        reporter = try row["reporter"].decode(String.self)
        contactSealed = try row["contact_sealed"].decode([UInt8]?.self)
        contactMasked = try row["contact_masked"].decode(String.self)
        externalRef = try row["external_ref"].decode(String.self)
        mergedInto = try row["merged_into"].decode(UUID?.self)
        splitFrom = try row["split_from"].decode(UUID?.self)
        topicID = try row["topic_id"].decode(UUID?.self)
        responder = try row["responder"].decode(String.self)
        answer = try row["answer"].decode(String.self)
        answeredBy = try row["answered_by"].decode(String.self)
        answeredAt = try row["answered_at"].decode(Date?.self)
        receivedAt = try row["received_at"].decode(Date.self)
        updatedAt = try row["updated_at"].decode(Date.self)
    }

    /// The contact as this caller may see it: in clear with `pii.read`, else masked.
    func contact(vault: PIIVault, clear: Bool) throws -> String {
        guard clear, let contactSealed else { return contactMasked }
        return try vault.open(contactSealed, for: Self.contactBinding(id))
    }

    static func contactBinding(_ id: UUID) -> PIIVault.Binding {
        PIIVault.Binding(table: "agenda.items", column: "contact", row: id.canonicalText)
    }

    func wire(vault: PIIVault, clear: Bool, sources: [AgendaV1.ItemSource] = []) throws -> AgendaV1.Item {
        AgendaV1.Item(
            id: id.canonicalText, unitPath: unitPath, channel: AgendaCore.wire(channel), category: AgendaCore.wire(category),
            status: AgendaCore.wire(status), text: text, reporter: reporter,
            contact: try contact(vault: vault, clear: clear), piiVisible: clear && contactSealed != nil,
            externalRef: externalRef, mergedInto: mergedInto?.canonicalText ?? "", splitFrom: splitFrom?.canonicalText ?? "",
            answer: answer, answeredBy: answeredBy, answeredAt: answeredAt.map(CommonV1.Timestamp.init),
            receivedAt: CommonV1.Timestamp(receivedAt), updatedAt: CommonV1.Timestamp(updatedAt),
            mergedSources: sources, topicId: topicID?.canonicalText ?? "", responder: responder)
    }

    func source(vault: PIIVault, clear: Bool) throws -> AgendaV1.ItemSource {
        AgendaV1.ItemSource(
            itemId: id.canonicalText, channel: AgendaCore.wire(channel), reporter: reporter,
            contact: try contact(vault: vault, clear: clear), externalRef: externalRef, text: text,
            receivedAt: CommonV1.Timestamp(receivedAt))
    }
}
