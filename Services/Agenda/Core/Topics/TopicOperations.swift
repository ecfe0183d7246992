import AgendaRules
import Foundation
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 议题 — create from the ledger or from above, list, adopt by the two-committee meeting,
/// revise a rejected one, and move along the lifecycle for the session and supervision
/// services (issue 9 §3, §4, §8).
struct TopicOperations {
    let scope: CallScope
    let scales: ScaleRules
    let timeZone: TimeZone
    var units = UnitCheck(directory: nil)

    private var tx: PostgresTransaction { scope.tx }
    private var store: TopicStore { TopicStore(scope: scope) }

    func create(_ request: AgendaV1.CreateTopicRequest) async throws -> AgendaV1.Topic {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let title = try Validate.text(request.title, field: "title", limit: 200, required: true)
        let description = try Validate.text(request.description, field: "description", limit: 8000)
        let category: AgendaRules.Category = try Validate.code(request.category, field: "category")
        let scale: Scale = try Validate.code(request.scale, field: "scale")
        let source: TopicSource = try Validate.code(request.source, field: "source")
        let form: MeetingForm = request.form.rawValue == 0 ? scales[scale].defaultForm : try Validate.code(request.form, field: "form")
        let spanned = try request.spannedUnitPaths.map { raw throws(AgendaError) in
            try Validate.unit(raw, field: "spanned_unit_paths", caller: scope.caller)
        }
        do {
            try TopicOwnership.check(owner: unit, spanned: spanned)
        } catch {
            throw AgendaError.precondition(error)
        }
        for path in [unit] + spanned { try await units.require(path, scope.caller) }
        var itemIDs: [UUID] = []
        for raw in request.itemIds {
            let id = try Validate.target(raw, field: "item_ids", what: "item")
            if !itemIDs.contains(id) { itemIDs.append(id) }
        }
        if source == .ledger, itemIDs.isEmpty {
            throw AgendaError.invalidArgument(
                field: "item_ids", zh: "来自问题台账的议题须列出所依据的问题", en: "a topic from the ledger names the items it takes up")
        }
        // 负面清单: the entry in force (the unit's own or the nearest above) refuses the category.
        do {
            try ScopeLists.check(category, at: unit, entries: try await ScopeOperations(scope: scope, units: units).entries(at: unit))
        } catch let violation as DomainViolation {
            throw AgendaError.precondition(violation)
        }
        let id = UUID()
        _ = try await tx.execute(
            """
            INSERT INTO agenda.topics (county_code, id, unit_path, title, description, category, scale, source, form, state,
                                       spanned_unit_paths, created_at, updated_at)
            VALUES ($1, $2, $3::ltree, $4, $5, $6, $7, $8, $9, \(TopicState.draft.rawValue), $10, $11, $11)
            """,
            [.text(unit.countyCode), .uuid(id), .text(unit.description), .text(title), .text(description), category.postgresValue,
             scale.postgresValue, source.postgresValue, form.postgresValue, .textArray(Set(spanned).map(\.description).sorted()),
             .timestamp(scope.now)])
        let items = try ItemStore(scope: scope)
        var takenUp: [ItemRecord] = []
        for itemID in itemIDs {
            let item = try await items.find(itemID, forUpdate: true)
            guard let itemPath = try? UnitPath(item.unitPath), itemPath.isWithin(unit) else {
                throw AgendaError.invalidArgument(
                    field: "item_ids", zh: "问题 \(itemID.canonicalText) 不属于议题所在单元", en: "item \(itemID.canonicalText) lies outside the topic's unit")
            }
            do {
                _ = try ItemLifecycle.transition(from: item.status, to: .becameTopic)
            } catch {
                throw AgendaError.precondition(error)
            }
            _ = try await tx.execute(
                "UPDATE agenda.items SET status = \(ItemStatus.becameTopic.rawValue), topic_id = $2, updated_at = $3 WHERE county_code = $4 AND id = $1",
                [.uuid(itemID), .uuid(id), .timestamp(scope.now), .text(unit.countyCode)])
            var taken = item
            taken.status = .becameTopic
            taken.topicID = id
            takenUp.append(taken)
        }
        _ = try await tx.execute(
            """
            INSERT INTO agenda.topic_events (county_code, id, topic_id, unit_path, from_state, to_state, principal, at)
            VALUES ($1, $2, $3, $4::ltree, NULL, \(TopicState.draft.rawValue), $5, $6)
            """,
            [.text(unit.countyCode), .uuid(UUID()), .uuid(id), .text(unit.description), .text(scope.caller.principal), .timestamp(scope.now)])
        try await scope.audit("CreateTopic", target: "topic/\(id.canonicalText)", unitPath: unit.description,
                              ["category": String(category.rawValue), "scale": String(scale.rawValue), "source": String(source.rawValue)])
        let topic = try await store.find(id)
        // Appeals among the items now follow the topic.
        let feed = AppealFeed(scope: scope)
        for item in takenUp { try await feed.itemChanged(item) }
        if !takenUp.isEmpty { try await feed.topicMoved(topic) }
        return topic.wire
    }

    func get(_ request: AgendaV1.GetTopicRequest) async throws -> AgendaV1.Topic {
        try await store.find(request.topicId).wire
    }

    /// Newest first, keyed by (created_at, id).
    func list(_ request: AgendaV1.ListTopicsRequest) async throws -> AgendaV1.ListTopicsResponse {
        let under = request.unitPath.isEmpty
            ? try Validate.scope(of: scope.caller) : try Validate.unit(request.unitPath, caller: scope.caller)
        let page = try KeysetPage(request.page, keyParts: 2)
        var binds: [PostgresValue] = [.text(under.description), .text(under.countyCode)]
        var filters = ["t.county_code = $2", "t.unit_path <@ $1::ltree"]
        if !request.states.isEmpty {
            let states = try request.states.map { value throws(AgendaError) in Int64((try Validate.code(value, field: "states") as TopicState).rawValue) }
            binds.append(.intArray(states))
            filters.append("t.state = ANY($\(binds.count)::smallint[])")
        }
        if let after = try page.binds([.timestamp, .uuid]) {
            binds += after
            filters.append("(t.created_at, t.id) < ($\(binds.count - 1), $\(binds.count))")
        }
        let listing = try await tx.listing(
            TopicRecord.self, page: page, key: { [KeysetPage.key($0.createdAt), $0.id.canonicalText] },
            { columns in
                "SELECT \(columns) FROM agenda.topics t WHERE \(filters.joined(separator: " AND ")) ORDER BY t.county_code, t.created_at DESC, t.id DESC LIMIT \(page.fetchLimit)"
            }, binds)
        return AgendaV1.ListTopicsResponse(topics: listing.rows.map(\.wire), page: listing.info)
    }

    /// 议题统计: the subtree's topics by state, every state listed (zeros included), counted
    /// in one statement under the caller's scope.
    func count(_ request: AgendaV1.CountTopicsRequest) async throws -> AgendaV1.CountTopicsResponse {
        let under = request.unitPath.isEmpty
            ? try Validate.scope(of: scope.caller) : try Validate.unit(request.unitPath, caller: scope.caller)
        let rows = try await tx.query(
            "SELECT t.state, count(*) AS n FROM agenda.topics t WHERE t.county_code = $2 AND t.unit_path <@ $1::ltree GROUP BY t.state",
            [.text(under.description), .text(under.countyCode)])
        var counts: [Int: Int64] = [:]
        for row in rows { counts[try row["state"].decode(Int.self)] = try row["n"].decode(Int64.self) }
        let byState = TopicState.allCases.map {
            AgendaV1.TopicStateCount(state: AgendaV1.TopicState(rawValue: Int32($0.rawValue)), count: counts[$0.rawValue] ?? 0)
        }
        return AgendaV1.CountTopicsResponse(unitPath: under.description, byState: byState, total: byState.reduce(0) { $0 + $1.count })
    }

    /// 两委会审议: records who was present, the members entitled to vote (when given) and each
    /// vote, applies the unit's rule (半数以上 of those present unless the unit says otherwise;
    /// a unit whose base is all members counts every recorded member, present or not), and
    /// adopts — numbering the topic per unit and year — or rejects. A ballot by someone absent,
    /// a second ballot, someone present who is not a recorded member, or no members recorded
    /// under an all-members rule is INVALID_ARGUMENT and nothing is recorded.
    func approve(_ request: AgendaV1.ApproveTopicRequest) async throws -> AgendaV1.ApproveTopicResponse {
        guard let day = request.meetingOn else { throw AgendaError.missing("meeting_on") }
        let meetingOn = try Validate.date(day, field: "meeting_on")
        let present = try request.present.map { value throws(AgendaError) in try Validate.text(value, field: "present", limit: 100) }
        let ballots = try request.ballots.map { ballot throws(AgendaError) in
            Ballot(voter: try Validate.text(ballot.voter, field: "ballots.voter", limit: 100, required: true),
                   vote: try Validate.code(ballot.vote, field: "ballots.vote"))
        }
        let members = try request.members.map { value throws(AgendaError) in try Validate.text(value, field: "members", limit: 100) }
        guard present.count <= 500 else {
            throw AgendaError.invalidArgument(field: "present", zh: "与会人员不超过500人", en: "at most 500 present")
        }
        guard members.count <= 500 else {
            throw AgendaError.invalidArgument(field: "members", zh: "成员不超过500人", en: "at most 500 members")
        }
        let topic = try await store.find(request.topicId, forUpdate: true)
        // Only a draft is voted on: anything else is refused naming its state and "approved".
        _ = try TopicStore.transition(topic, to: .approved)
        let rule = try await ScopeOperations(scope: scope, units: units).approvalRule(at: try topic.path)
        let result: ApprovalResult
        do {
            result = try TopicApproval.count(present: present, ballots: ballots, threshold: rule.threshold, base: rule.base, members: members)
        } catch {
            throw AgendaError.invalid(error)
        }
        let threshold = rule.threshold
        let ballotJSON = "[" + ballots.map { "{\"voter\":\(Self.json($0.voter)),\"vote\":\($0.vote.rawValue)}" }.joined(separator: ",") + "]"
        _ = try await tx.execute(
            """
            INSERT INTO agenda.approvals (county_code, id, topic_id, unit_path, meeting_on, present, ballots, in_favour, against,
                                          abstaining, numerator, denominator, inclusive, adopted, recorded_at, base, members)
            VALUES ($1, $2, $3, $4::ltree, $5::date, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            """,
            [.text(topic.countyCode), .uuid(UUID()), .uuid(topic.id), .text(topic.unitPath), .text(meetingOn.sqlText),
             .textArray(present), .jsonb(ballotJSON), .int(Int64(result.inFavour)), .int(Int64(result.against)),
             .int(Int64(result.abstaining)), .int(Int64(threshold.numerator)), .int(Int64(threshold.denominator)),
             .bool(threshold.comparison == .atLeast), .bool(result.adopted), .timestamp(scope.now),
             .int(Int64(result.base.rawValue)), .textArray(members)])
        let moved: TopicRecord
        if result.adopted {
            let sequence = try await tx.queryValue(
                Int.self,
                """
                INSERT INTO agenda.topic_numbers AS n (county_code, unit_path, year, last) VALUES ($1, $2::ltree, $3, 1)
                ON CONFLICT (county_code, unit_path, year) DO UPDATE SET last = n.last + 1
                RETURNING last
                """,
                [.text(topic.countyCode), .text(topic.unitPath), .int(Int64(meetingOn.year))]) ?? 1
            let number = TopicApproval.number(year: meetingOn.year, sequence: sequence)
            let due = scales.meetingDue(adoptedOn: meetingOn, scale: topic.scale)
            moved = try await store.move(
                topic, to: .approved, note: result.descriptionZH,
                set: "number = $5, approved_at = $3, meeting_due_on = $6::date", [.text(number), .text(due.sqlText)])
        } else {
            moved = try await store.move(topic, to: .rejected, note: result.descriptionZH)
        }
        let outcome = AgendaV1.ApprovalOutcome(
            adopted: result.adopted, inFavour: Int32(result.inFavour), against: Int32(result.against),
            abstaining: Int32(result.abstaining), present: Int32(result.present),
            threshold: CommonV1.Fraction(numerator: Int64(threshold.numerator), denominator: Int64(threshold.denominator)),
            inclusive: threshold.comparison == .atLeast,
            explanation: CommonV1.LocalizedText(zh: result.descriptionZH, en: result.descriptionEN),
            countedAgainst: wire(result.base), baseCount: Int32(result.outcome.base), members: Int32(result.members))
        return AgendaV1.ApproveTopicResponse(topic: moved.wire, outcome: outcome)
    }

    /// A rejected topic, revised, goes back to draft for another vote.
    func revise(_ request: AgendaV1.ReviseTopicRequest) async throws -> AgendaV1.Topic {
        let title = try Validate.text(request.title, field: "title", limit: 200)
        let description = try Validate.text(request.description, field: "description", limit: 8000)
        let topic = try await store.find(request.topicId, forUpdate: true)
        if topic.state == .draft { return topic.wire }
        return try await store.move(
            topic, to: .draft, set: "title = COALESCE(NULLIF($5, ''), title), description = COALESCE(NULLIF($6, ''), description)",
            [.text(title), .text(description)]).wire
    }

    /// 议题流转 for the session service (in meeting, resolved, escalated, published, filed) and
    /// the supervision service (implementing, closed). Idempotent: a topic already in `to`
    /// is answered unchanged, so a retried delivery from an outbox is harmless.
    func advance(_ request: AgendaV1.AdvanceTopicRequest) async throws -> AgendaV1.Topic {
        let to: TopicState = try Validate.code(request.to, field: "to")
        guard TopicLifecycle.advanceable.contains(to) else {
            throw AgendaError.invalidArgument(
                field: "to", zh: "「\(to.nameZH)」由议题审议、调研和议事方案决定，不能直接流转",
                en: "\(to.nameEN) is reached through approval, research and the meeting plan, not AdvanceTopic")
        }
        let note = try Validate.text(request.note, field: "note", limit: 1000)
        let topic = try await store.find(request.topicId, forUpdate: true)
        if topic.state == to { return topic.wire }
        return try await store.move(topic, to: to, note: note).wire
    }

    /// A JSON string literal.
    static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
