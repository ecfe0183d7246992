import AgendaRules
import Foundation
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// Reads one item (row-level security has cut the table to the caller's subtree). Lookups
/// name the caller's county too: it leads the primary key (and routes to one shard when
/// the schema is distributed by county), and every caller's scope lies in one county.
struct ItemStore {
    let tx: PostgresTransaction
    let county: String

    init(scope: CallScope) throws {
        self.tx = scope.tx
        self.county = try Validate.scope(of: scope.caller).countyCode
    }

    func find(_ id: UUID, forUpdate: Bool = false) async throws -> ItemRecord {
        let item = try await tx.queryOne(
            ItemRecord.self,
            "SELECT \(ItemRecord.columns) FROM agenda.items WHERE county_code = $2 AND id = $1\(forUpdate ? " FOR UPDATE" : "")",
            [.uuid(id), .text(county)])
        guard let item else { throw AgendaError.notFound(what: "item") }
        return item
    }
}

/// 问题台账 — record, find, merge, split and answer the problems raised (issue 9 §1).
struct ItemOperations {
    let scope: CallScope
    let vault: PIIVault
    var units = UnitCheck(directory: nil)

    private var tx: PostgresTransaction { scope.tx }
    private var clear: Bool { scope.has(Permission.readPII) }
    private var feed: AppealFeed { AppealFeed(scope: scope) }

    // MARK: Record

    /// Records a problem. An external reference (a government system's 工单号) already
    /// recorded in the county answers the item it created and writes nothing, so twenty
    /// concurrent pushes of one appeal make one item: the insert skips on the unique
    /// (county, reference) key — waiting for a concurrent insert of the same key to commit —
    /// and the existing row is read back.
    func record(_ request: AgendaV1.RecordItemRequest) async throws -> AgendaV1.Item {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let channel: Channel = try Validate.code(request.channel, field: "channel")
        let category: AgendaRules.Category = try Validate.code(request.category, field: "category")
        let text = try Validate.text(request.text, field: "text", required: true)
        let reporter = try Validate.text(request.reporter, field: "reporter", limit: 100)
        let contact = try Validate.text(request.contact, field: "contact", limit: 100)
        let reference = try Validate.text(request.externalRef, field: "external_ref", limit: 128)
        let responder = try Validate.text(request.responder, field: "responder", limit: 100)
        let receivedAt = try request.receivedAt.map { value throws(AgendaError) in try value.instant(field: "received_at") } ?? scope.now
        try await units.require(unit, scope.caller)
        let id = UUID()
        let sealed: PostgresValue = contact.isEmpty ? .null : .bytea(try vault.seal(contact, for: ItemRecord.contactBinding(id)))
        let inserted = try await tx.queryOne(
            ItemRecord.self,
            """
            INSERT INTO agenda.items (county_code, id, unit_path, channel, category, status, text, reporter, contact_sealed,
                                      contact_masked, external_ref, received_at, created_at, updated_at, responder)
            VALUES ($1, $2, $3::ltree, $4, $5, \(ItemStatus.new.rawValue), $6, $7, $8, $9, $10, $11, $12, $12, $13)
            ON CONFLICT (county_code, external_ref) WHERE external_ref <> '' DO NOTHING
            RETURNING \(ItemRecord.columns)
            """,
            [.text(unit.countyCode), .uuid(id), .text(unit.description), channel.postgresValue, category.postgresValue,
             .text(text), .text(reporter), sealed, .text(Self.mask(contact)), .text(reference), .timestamp(receivedAt),
             .timestamp(scope.now), .text(responder)])
        if let inserted {
            try await scope.audit("RecordItem", target: "item/\(id.canonicalText)", unitPath: inserted.unitPath,
                                  ["channel": String(channel.rawValue), "external_ref": reference])
            // 受理: a government system follows its work order from here (AppealFeed).
            if !reference.isEmpty { try await feed.itemChanged(inserted, refs: [reference]) }
            return try inserted.wire(vault: vault, clear: clear)
        }
        let existing = try await tx.queryOne(
            ItemRecord.self,
            "SELECT \(ItemRecord.columns) FROM agenda.items WHERE county_code = $1 AND external_ref = $2",
            [.text(unit.countyCode), .text(reference)])
        guard let existing else {
            // Recorded under a unit outside this caller's subtree.
            throw AgendaError.alreadyExists(
                field: "external_ref", zh: "外部编号 \(reference) 已登记", en: "external reference \(reference) is already recorded")
        }
        return try existing.wire(vault: vault, clear: clear)
    }

    /// 脱敏: all but the last four characters starred, the length kept.
    static func mask(_ value: String) -> String {
        guard value.count > 4 else { return String(repeating: "*", count: value.count) }
        return String(repeating: "*", count: value.count - 4) + String(value.suffix(4))
    }

    // MARK: Read

    func find(_ id: UUID, forUpdate: Bool = false) async throws -> ItemRecord {
        try await ItemStore(scope: scope).find(id, forUpdate: forUpdate)
    }

    func get(_ request: AgendaV1.GetItemRequest) async throws -> AgendaV1.Item {
        let id = try Validate.target(request.itemId, field: "item_id", what: "item")
        let county = PostgresValue.text(try Validate.scope(of: scope.caller).countyCode)
        let rows = try await tx.queries([
            ("SELECT \(ItemRecord.columns) FROM agenda.items WHERE county_code = $2 AND id = $1", [.uuid(id), county]),
            ("SELECT \(ItemRecord.columns) FROM agenda.items WHERE county_code = $2 AND merged_into = $1 ORDER BY received_at, id",
             [.uuid(id), county]),
        ])
        guard let row = rows[0].first else { throw AgendaError.notFound(what: "item") }
        let item = try ItemRecord(row: row)
        let sources = try rows[1].map { try ItemRecord(row: $0).source(vault: vault, clear: clear) }
        return try item.wire(vault: vault, clear: clear, sources: sources)
    }

    /// Newest first, keyed by (received_at, id); every filter is a bind, none is spliced.
    /// The page is read through `agenda.ledger_page` (0002_ledger_page.sql), which walks the
    /// county's index in list order instead of sorting the subtree.
    func list(_ request: AgendaV1.ListItemsRequest) async throws -> AgendaV1.ListItemsResponse {
        let under = request.unitPath.isEmpty
            ? try Validate.scope(of: scope.caller) : try Validate.unit(request.unitPath, caller: scope.caller)
        let page = try KeysetPage(request.page, keyParts: 2)
        if !request.unitPath.isEmpty { try await units.require(under, scope.caller) }
        func codes(_ values: [Int]) -> PostgresValue {
            values.isEmpty ? .null : .intArray(values.map(Int64.init))
        }
        let channels = codes(try request.channels.map { value throws(AgendaError) in (try Validate.code(value, field: "channels") as Channel).rawValue })
        let categories = codes(try request.categories.map { value throws(AgendaError) in (try Validate.code(value, field: "categories") as AgendaRules.Category).rawValue })
        let statuses = codes(try request.statuses.map { value throws(AgendaError) in (try Validate.code(value, field: "statuses") as ItemStatus).rawValue })
        let from = try request.receivedFrom.map { value throws(AgendaError) in try value.instant(field: "received_from") }
        let until = try request.receivedUntil.map { value throws(AgendaError) in try value.instant(field: "received_until") }
        let after = try page.binds([.timestamp, .uuid]) ?? [.null, .null]
        // Counting the total reads the whole list (first page, when asked); a page reads one more row than it shows.
        let limit: PostgresValue = page.countsTotal ? .null : .int(Int64(page.fetchLimit))
        let binds: [PostgresValue] = [
            .text(under.countyCode), .text(under.description), channels, categories, statuses,
            PostgresValue(from), PostgresValue(until), after[0], after[1], limit,
        ]
        let listing = try await tx.listing(
            ItemRecord.self, page: page, key: { [KeysetPage.key($0.receivedAt), $0.id.canonicalText] },
            { columns in
                """
                SELECT \(columns) FROM agenda.ledger_page($1, $2::ltree, $3::smallint[], $4::smallint[], $5::smallint[],
                                                          $6::timestamptz, $7::timestamptz, $8::timestamptz, $9::uuid, $10::integer)
                 LIMIT \(page.fetchLimit)
                """
            }, binds)
        let clear = clear
        return AgendaV1.ListItemsResponse(items: try listing.rows.map { try $0.wire(vault: vault, clear: clear) }, page: listing.info)
    }

    // MARK: Merge, split, answer

    /// 合并: every source becomes MERGED into the target and stays readable as one of its
    /// sources (reporters and contacts kept); items merged into a source move to the target.
    /// Merging a source already merged into this target again changes nothing.
    func merge(_ request: AgendaV1.MergeItemsRequest) async throws -> AgendaV1.Item {
        let targetID = try Validate.target(request.targetId, field: "target_id", what: "item")
        guard !request.sourceIds.isEmpty else { throw AgendaError.missing("source_ids") }
        var sourceIDs: [UUID] = []
        for raw in request.sourceIds {
            let id = try Validate.target(raw, field: "source_ids", what: "item")
            guard id != targetID else {
                throw AgendaError.invalidArgument(field: "source_ids", zh: "不能把问题合并入自身", en: "an item cannot be merged into itself")
            }
            if !sourceIDs.contains(id) { sourceIDs.append(id) }
        }
        let target = try await find(targetID, forUpdate: true)
        guard target.status.isOpen else { throw Self.closed(target, "merge.target_closed") }
        var merged: [UUID] = []
        var sources: [ItemRecord] = []
        for id in sourceIDs {
            let source = try await find(id, forUpdate: true)
            sources.append(source)
            guard source.countyCode == target.countyCode else { throw AgendaError.notFound(what: "item") }
            if source.status == .merged, source.mergedInto == targetID { continue }
            do {
                _ = try ItemLifecycle.transition(from: source.status, to: .merged)
            } catch {
                throw AgendaError.precondition(error)
            }
            merged.append(id)
        }
        if !merged.isEmpty {
            let ids = PostgresValue.textArray(merged.map(\.canonicalText))
            _ = try await tx.execute(
                "UPDATE agenda.items SET merged_into = $1, updated_at = $3 WHERE county_code = $4 AND merged_into = ANY($2::uuid[])",
                [.uuid(targetID), ids, .timestamp(scope.now), .text(target.countyCode)])
            _ = try await tx.execute(
                """
                UPDATE agenda.items SET status = \(ItemStatus.merged.rawValue), merged_into = $1, updated_at = $3
                 WHERE county_code = $4 AND id = ANY($2::uuid[])
                """,
                [.uuid(targetID), ids, .timestamp(scope.now), .text(target.countyCode)])
            try await scope.audit("MergeItems", target: "item/\(targetID.canonicalText)", unitPath: target.unitPath,
                                  ["sources": merged.map(\.canonicalText).joined(separator: ",")])
            // The appeals that followed a source now follow the target: each source as MERGED,
            // then the target as it is (its followers now include the sources' appeals).
            for source in sources where merged.contains(source.id) {
                var moved = source
                moved.status = .merged
                moved.mergedInto = targetID
                try await feed.itemChanged(moved)
            }
            try await feed.itemChanged(target)
        }
        return try await get(AgendaV1.GetItemRequest(itemId: targetID.canonicalText))
    }

    /// 拆分: one item raising several problems becomes one new item per part (same unit,
    /// channel, reporter and contact, `split_from` the original); the original is SPLIT.
    func split(_ request: AgendaV1.SplitItemRequest) async throws -> AgendaV1.SplitItemResponse {
        let id = try Validate.target(request.itemId, field: "item_id", what: "item")
        guard request.parts.count >= 2, request.parts.count <= 20 else {
            throw AgendaError.invalidArgument(field: "parts", zh: "拆分须有2至20个部分", en: "a split has 2 to 20 parts")
        }
        let parts = try request.parts.map { part throws(AgendaError) in
            (category: try Validate.code(part.category, field: "parts.category") as AgendaRules.Category,
             text: try Validate.text(part.text, field: "parts.text", required: true))
        }
        let original = try await find(id, forUpdate: true)
        do {
            _ = try ItemLifecycle.transition(from: original.status, to: .split)
        } catch {
            throw AgendaError.precondition(error)
        }
        let contact = try original.contactSealed.map { try vault.open($0, for: ItemRecord.contactBinding(original.id)) }
        var created: [ItemRecord] = []
        for part in parts {
            let partID = UUID()
            let sealed: PostgresValue = try contact.map { .bytea(try vault.seal($0, for: ItemRecord.contactBinding(partID))) } ?? .null
            let row = try await tx.queryOne(
                ItemRecord.self,
                """
                INSERT INTO agenda.items (county_code, id, unit_path, channel, category, status, text, reporter, contact_sealed,
                                          contact_masked, split_from, received_at, created_at, updated_at, responder)
                VALUES ($1, $2, $3::ltree, $4, $5, \(ItemStatus.new.rawValue), $6, $7, $8, $9, $10, $11, $12, $12, $13)
                RETURNING \(ItemRecord.columns)
                """,
                [.text(original.countyCode), .uuid(partID), .text(original.unitPath), original.channel.postgresValue,
                 part.category.postgresValue, .text(part.text), .text(original.reporter), sealed, .text(original.contactMasked),
                 .uuid(original.id), .timestamp(original.receivedAt), .timestamp(scope.now), .text(original.responder)])
            if let row { created.append(row) }
        }
        let updated = try await tx.queryOne(
            ItemRecord.self,
            "UPDATE agenda.items SET status = \(ItemStatus.split.rawValue), updated_at = $2 WHERE county_code = $3 AND id = $1 RETURNING \(ItemRecord.columns)",
            [.uuid(id), .timestamp(scope.now), .text(original.countyCode)])
        try await scope.audit("SplitItem", target: "item/\(id.canonicalText)", unitPath: original.unitPath,
                              ["parts": created.map(\.id.canonicalText).joined(separator: ",")])
        // The appeals that followed the original follow its parts.
        let followers = try await feed.followers(of: original)
        try await feed.itemChanged(updated ?? original, refs: followers)
        for part in created { try await feed.itemChanged(part, refs: followers) }
        let clear = clear
        return AgendaV1.SplitItemResponse(
            original: try (updated ?? original).wire(vault: vault, clear: clear),
            parts: try created.map { try $0.wire(vault: vault, clear: clear) })
    }

    /// Studies or answers an item (研究中 / 直接答复 / 不属于协商范围) with the answer to its
    /// reporter, and names who is to answer; repeating the same status and answer changes
    /// nothing, the same status with another answer corrects it.
    func answer(_ request: AgendaV1.AnswerItemRequest) async throws -> AgendaV1.Item {
        let id = try Validate.target(request.itemId, field: "item_id", what: "item")
        let status: ItemStatus = try Validate.code(request.status, field: "status")
        guard ItemLifecycle.answerable.contains(status) else {
            throw AgendaError.invalidArgument(
                field: "status", zh: "只能设为研究中、已答复或不属于协商范围",
                en: "status must be under study, answered or not consultable")
        }
        let answer = try Validate.text(request.answer, field: "answer", required: status != .underStudy)
        let responder = try Validate.text(request.responder, field: "responder", limit: 100)
        let item = try await find(id, forUpdate: true)
        if item.status == status, item.answer == answer, responder.isEmpty || responder == item.responder {
            return try item.wire(vault: vault, clear: clear)
        }
        // The same status again corrects the answer or names another responder; a new one moves.
        if item.status != status {
            do {
                _ = try ItemLifecycle.transition(from: item.status, to: status)
            } catch {
                throw AgendaError.precondition(error)
            }
        }
        let answered = status != .underStudy
        let updated = try await tx.queryOne(
            ItemRecord.self,
            """
            UPDATE agenda.items SET status = $2, answer = $3, answered_by = CASE WHEN $4 THEN $5 ELSE answered_by END,
                   answered_at = CASE WHEN $4 THEN $6 ELSE answered_at END, updated_at = $6,
                   responder = COALESCE(NULLIF($8, ''), responder)
             WHERE county_code = $7 AND id = $1 RETURNING \(ItemRecord.columns)
            """,
            [.uuid(id), status.postgresValue, .text(answer), .bool(answered), .text(scope.caller.principal), .timestamp(scope.now),
             .text(item.countyCode), .text(responder)])
        guard let updated else { throw AgendaError.notFound(what: "item") }
        try await scope.audit("AnswerItem", target: "item/\(id.canonicalText)", unitPath: item.unitPath, ["status": String(status.rawValue)])
        try await feed.itemChanged(updated)
        return try updated.wire(vault: vault, clear: clear)
    }

    static func closed(_ item: ItemRecord, _ rule: String) -> AgendaError {
        .failedPrecondition(
            rule: rule, zh: "问题已「\(item.status.nameZH)」，不能再合并", en: "the item is \(item.status.nameEN) and can no longer take merges")
    }
}
