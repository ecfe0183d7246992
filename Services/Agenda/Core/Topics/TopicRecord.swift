import AgendaRules
import Foundation
import TongxinPostgres
import TongxinSchemas

/// 议题 — one row of `agenda.topics` (alias `t`), with the ids of the ledger items it took
/// up and the number of its research records.
struct TopicRecord: PostgresRecord {
    var id: UUID
    var unitPath: String
    var countyCode: String
    var number: String
    var title: String
    var description: String
    var category: AgendaRules.Category
    var scale: Scale
    var source: TopicSource
    var form: MeetingForm
    var state: TopicState
    var spannedUnitPaths: [String]
    var meetingDueOn: LocalDate?
    var approvedAt: Date?
    var createdAt: Date
    var updatedAt: Date
    var itemIDs: [String]
    var researchCount: Int

    static let columns = """
        t.id, t.unit_path::text AS unit_path, t.county_code, t.number, t.title, t.description, t.category, t.scale, t.source, \
        t.form, t.state, t.spanned_unit_paths, t.meeting_due_on::text AS meeting_due_on, t.approved_at, t.created_at, t.updated_at, \
        ARRAY(SELECT i.id::text FROM agenda.items i WHERE i.county_code = t.county_code AND i.topic_id = t.id ORDER BY i.id) AS item_ids, \
        (SELECT count(*) FROM agenda.research_records r WHERE r.county_code = t.county_code AND r.topic_id = t.id) AS research_count
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        number = try row["number"].decode(String.self)
        title = try row["title"].decode(String.self)
        description = try row["description"].decode(String.self)
        category = try row["category"].decode(AgendaRules.Category.self)
        scale = try row["scale"].decode(Scale.self)
        source = try row["source"].decode(TopicSource.self)
        form = try row["form"].decode(MeetingForm.self)
        state = try row["state"].decode(TopicState.self)
        spannedUnitPaths = try row["spanned_unit_paths"].decode([String].self)
        meetingDueOn = try row.localDate("meeting_due_on")
        approvedAt = try row["approved_at"].decode(Date?.self)
        createdAt = try row["created_at"].decode(Date.self)
        updatedAt = try row["updated_at"].decode(Date.self)
        itemIDs = try row["item_ids"].decode([String].self)
        researchCount = try row["research_count"].decode(Int.self)
    }

    var path: UnitPath {
        get throws { try UnitPath(unitPath) }
    }

    var wire: AgendaV1.Topic {
        AgendaV1.Topic(
            id: id.canonicalText, unitPath: unitPath, number: number, title: title, description: description,
            category: AgendaCore.wire(category), scale: AgendaCore.wire(scale), source: AgendaCore.wire(source),
            form: AgendaCore.wire(form), state: AgendaCore.wire(state), itemIds: itemIDs, spannedUnitPaths: spannedUnitPaths,
            meetingDueOn: meetingDueOn.map(CommonV1.Date.init), approvedAt: approvedAt.map(CommonV1.Timestamp.init),
            createdAt: CommonV1.Timestamp(createdAt), updatedAt: CommonV1.Timestamp(updatedAt), researchCount: Int32(researchCount))
    }
}
