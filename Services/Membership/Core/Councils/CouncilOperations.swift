import TongxinService
import Foundation
import MembershipRules
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// 议事会管理 — councils bound to a unit, and the seats on them (issue 3 §3).
struct CouncilOperations {
    let scope: CallScope
    let rules: CompositionDefaults
    /// The deployment's zone, in which "today" is read (issue 8 §11).
    let timeZone: TimeZone
    /// Term length per kind (issue 8 §7).
    let terms: TermLengths
    var store: CouncilStore { CouncilStore(tx: scope.tx) }
    var today: LocalDate { LocalDate(containing: scope.now, in: timeZone) }

    func create(_ request: MembershipV1.CreateCouncilRequest) async throws -> MembershipV1.Council {
        let kind = try CouncilKind(wire: request.kind)
        let name = try Validate.name(request.name)
        let startsOn = try request.termStartsOn?.localDate(field: "term_starts_on")
        var endsOn = try request.termEndsOn?.localDate(field: "term_ends_on")
        if let startsOn, endsOn == nil { endsOn = terms.term(kind, startsOn: startsOn).lastDay }
        if let startsOn, let endsOn, endsOn < startsOn {
            throw MembershipError.invalidArgument(field: "term_ends_on", zh: "任期结束日早于开始日", en: "the term ends before it starts")
        }
        let unit = try await UnitStore(tx: scope.tx).find(request.unit)
        guard !unit.isRetired else { throw UnitOperations.retired(unit) }
        guard unit.level == kind.unitLevel else {
            throw MembershipError.invalidArgument(
                field: "unit", zh: "\(kind.nameZH)应设在\(kind.unitLevel.nameZH)一级", en: "a \(kind.nameEN) belongs to a \(kind.unitLevel.nameEN)")
        }
        let id = UUID()
        try await scope.tx.execute(
            """
            INSERT INTO membership.councils (id, unit_id, unit_path, kind, name, status, term_number, created_at, updated_at,
                                             county_code)
            VALUES ($1, $2, $3::ltree, $4, $5, $6, 1, $7, $7, $8)
            """,
            [.uuid(id), .uuid(unit.id), .text(unit.path), kind.postgresValue, .text(name), CouncilState.forming.postgresValue,
             .timestamp(scope.now), .text(unit.countyCode)])
        try await scope.tx.execute(
            """
            INSERT INTO membership.terms (council_id, number, unit_path, starts_on, ends_on, county_code)
            VALUES ($1, 1, $2::ltree, $3::date, $4::date, $5)
            """,
            [.uuid(id), .text(unit.path), PostgresValue(startsOn?.sqlText), PostgresValue(endsOn?.sqlText), .text(unit.countyCode)])
        try await scope.audit("CreateCouncil", target: "council/\(id.lowercased)", unitPath: unit.path,
                              ["kind": kind.rawValue, "unit": unit.id.lowercased])
        return try await store.find(id).wire(today: today)
    }

    /// The council with its open seats, in one round trip: both statements depend only on
    /// the requested id, so they travel together (`PostgresTransaction.queries`).
    func get(_ request: MembershipV1.GetCouncilRequest) async throws -> MembershipV1.Council {
        let (council, seats) = try await store.findWithSeats(try Validate.id(request.councilId, field: "council_id"))
        return council.wire(seats: seats, today: today)
    }

    /// Councils under a unit (the caller's by default), keyset-paged by
    /// `(unit_path, created_at, id)`. `total_count` is computed on the first page only (no
    /// page token) and 0 on later pages.
    func list(_ request: MembershipV1.ListCouncilsRequest) async throws -> MembershipV1.ListCouncilsResponse {
        var root = scope.caller.unitPath
        if let ref = request.unit, !(ref.id.isEmpty && ref.divisionCode.isEmpty) {
            root = try await UnitStore(tx: scope.tx).find(ref).path
        }
        let page = try KeysetPage(request.page, keyParts: 3)
        var binds: [PostgresValue] = [.text(root)]
        var after = ""
        if let key = try page.binds([.text, .timestamp, .uuid]) {
            // Refused here rather than failing the ltree cast in SQL.
            guard UnitOperations.isUnitPath(page.after?[0] ?? "", under: root) else { throw KeysetPage.invalidToken }
            binds += key
            after = " AND (c.unit_path, c.created_at, c.id) > ($2::ltree, $3::timestamptz, $4::uuid)"
        }
        let listing = try await scope.tx.listing(
            CouncilRecord.self, page: page, key: { [$0.unitPath, KeysetPage.key($0.createdAt), $0.id.lowercased] },
            { columns in
                """
                SELECT \(columns) FROM \(CouncilRecord.from)
                 WHERE c.unit_path <@ $1::ltree\(after) ORDER BY c.unit_path, c.created_at, c.id
                 LIMIT \(page.fetchLimit)
                """
            }, binds)
        return MembershipV1.ListCouncilsResponse(councils: listing.rows.map { $0.wire(today: today) }, page: listing.info)
    }

    func nominate(_ request: MembershipV1.NominateMemberRequest) async throws -> MembershipV1.Seat {
        let role = try CouncilRole(wire: request.role)
        let topic = try Validate.text(request.topicId, field: "topic_id", limit: 100)
        if role == .adHocMember, topic.isEmpty { throw MembershipError.missing("topic_id") }
        if role != .adHocMember, !topic.isEmpty {
            throw MembershipError.invalidArgument(field: "topic_id", zh: "只有列席/特邀成员关联议题", en: "only ad-hoc members are bound to a topic")
        }
        let note = try Validate.text(request.note, field: "note", limit: 1000)
        let council = try await store.find(request.councilId, forUpdate: true)
        guard council.status.acceptsNominations else {
            throw MembershipError.failedPrecondition(rule: "council.dissolved", zh: "议事会已撤销", en: "the council is dissolved")
        }
        try Self.refuseIfExpired(council, on: today)
        let person = try await PersonStore(tx: scope.tx).find(try Validate.id(request.personId, field: "person_id"))
        // Checked once the council and person are known to exist (NOT_FOUND first, as everywhere).
        let source = try NominationSource(wire: request.source)
        if NominationSource.isRequired(for: role), source == .unrecorded {
            throw MembershipError.invalidArgument(
                field: "source", zh: "\(role.nameZH)须写明提名来源（村民小组推荐、村党组织推荐、个人自荐或上级推荐）",
                en: "a \(role.nameEN) needs the source of the nomination (villager group, party organisation, self or higher level)")
        }
        try await refuseIfOutsider(person, role: role, council: council)
        let id = UUID()
        let status = MembershipState.initial(needsNotice: role.needsNotice)
        do {
            try await scope.tx.execute(
                """
                INSERT INTO membership.seats (id, council_id, person_id, unit_path, role, topic_id, status, term_number,
                                              note, nominated_at, seated_at, county_code, source)
                VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                """,
                [.uuid(id), .uuid(council.id), .uuid(person.id), .text(council.unitPath), role.postgresValue,
                 .text(topic), status.postgresValue, .int(Int64(council.termNumber)), .text(note),
                 .timestamp(scope.now), status == .seated ? .timestamp(scope.now) : .null, .text(council.countyCode),
                 source.postgresValue])
        } catch let error as PostgresError where error.kind == .uniqueViolation {
            throw MembershipError.alreadyExists(
                field: "person_id", zh: "此人已在该议事会担任此角色", en: "the person already holds this role on the council")
        }
        try await scope.audit("NominateMember", target: "council/\(council.id.lowercased)", unitPath: council.unitPath,
                              ["seat": id.lowercased, "person": person.id.lowercased, "role": role.rawValue, "topic": topic,
                               "source": source.rawValue])
        return try await store.seat(id).wire
    }

    func remove(_ request: MembershipV1.RemoveMemberRequest) async throws -> MembershipV1.Seat {
        let reason = try Validate.text(request.reason, field: "reason", limit: 1000)
        let seat = try await store.seat(try Validate.id(request.seatId, field: "seat_id"), forUpdate: true)
        guard seat.status.isOpen else { return seat.wire }
        let council = try await store.find(seat.councilID, forUpdate: true)
        let guardian = ConstitutedCouncilGuard(scope: scope, rules: rules)
        let before = try await guardian.violations([council])
        try await store.endSeats(where: "s.id = $1", [.uuid(seat.id)], reason: reason.isEmpty ? "removed" : reason, now: scope.now)
        try await guardian.refuseNewViolations([council], before: before)
        try await scope.audit("RemoveMember", target: "council/\(council.id.lowercased)", unitPath: council.unitPath,
                              ["seat": seat.id.lowercased, "reason": reason.isEmpty ? "none" : "recorded on the seat"])
        return try await store.seat(seat.id).wire
    }

    func endTopic(_ request: MembershipV1.EndTopicRequest) async throws -> MembershipV1.EndTopicResponse {
        let topic = try Validate.text(request.topicId, field: "topic_id", limit: 100)
        guard !topic.isEmpty else { throw MembershipError.missing("topic_id") }
        let council = try await store.find(request.councilId, forUpdate: true)
        let ended = try await store.endSeats(
            where: "s.council_id = $1 AND s.role = $2 AND s.topic_id = $3",
            [.uuid(council.id), CouncilRole.adHocMember.postgresValue, .text(topic)],
            reason: "topic ended", now: scope.now)
        if ended > 0 {
            try await scope.audit("EndTopic", target: "council/\(council.id.lowercased)", unitPath: council.unitPath,
                                  ["topic": topic, "ended": String(ended)])
        }
        return MembershipV1.EndTopicResponse(ended: Int32(ended))
    }

    func checkComposition(_ request: MembershipV1.CheckCompositionRequest) async throws -> MembershipV1.CheckCompositionResponse {
        let council = try await store.find(request.councilId)
        let effective = try await EffectiveRules.load(kind: council.kind, unitPath: council.unitPath, defaults: rules, tx: scope.tx)
        let roster = try await RosterLoader(tx: scope.tx).composition(of: council, includeNominees: request.includeNominees)
        let violations = CompositionChecker.check(roster: roster, rules: effective.rules)
        return MembershipV1.CheckCompositionResponse(
            satisfied: violations.isEmpty, violations: violations.map(\.wire),
            countedMembers: Int64(roster.members(in: .standingMembers).count),
            bindingSatisfied: violations.allSatisfy { !$0.isBinding })
    }

    /// 撤销 (issue 8 §10): every open seat ends (seated ones leave office, nominees are
    /// withdrawn), an open notice is superseded, and the council is dissolved for good —
    /// MembershipRules' ``CouncilState`` refuses a second dissolution (a retry of the same
    /// call answers the dissolved council). Audited with ids and counts; the reason stays on
    /// the council.
    func dissolve(_ request: MembershipV1.DissolveCouncilRequest) async throws -> MembershipV1.Council {
        let reason = try Validate.text(request.reason, field: "reason", limit: 1000)
        guard !reason.isEmpty else { throw MembershipError.missing("reason") }
        let council = try await store.find(request.councilId, forUpdate: true)
        if council.status == .dissolved { return council.wire(seats: [], today: today) }
        try await scope.tx.execute(
            "UPDATE membership.notices SET status = $2 WHERE county_code = $3 AND council_id = $1 AND status = $4",
            [.uuid(council.id), NoticeStatus.superseded.postgresValue, .text(council.countyCode), NoticeStatus.open.postgresValue])
        let ended = try await store.endSeats(
            where: "s.council_id = $1", [.uuid(council.id)], reason: "council dissolved", now: scope.now)
        try await store.apply(.dissolve, to: council, now: scope.now)
        try await scope.tx.execute(
            "UPDATE membership.councils SET dissolved_at = $2, dissolution_reason = $3 WHERE county_code = $4 AND id = $1",
            [.uuid(council.id), .timestamp(scope.now), .text(reason), .text(council.countyCode)])
        try await scope.audit("DissolveCouncil", target: "council/\(council.id.lowercased)", unitPath: council.unitPath,
                              ["council": council.id.lowercased, "seats_ended": String(ended)])
        return try await store.find(council.id).wire(seats: [], today: today)
    }

    /// 任期届满 (issue 8 §7): a council past its term's last day takes no new business.
    static func refuseIfExpired(_ council: CouncilRecord, on today: LocalDate) throws {
        guard council.hasExpired(on: today) else { return }
        let last = council.termEndsOn?.sqlText ?? ""
        throw MembershipError.failedPrecondition(
            rule: "council.term_expired",
            zh: "议事会第 \(council.termNumber) 届任期已于 \(last) 届满，须先换届（EndTerm）",
            en: "the council's term \(council.termNumber) ended on \(last); start the next term (EndTerm) first",
            figures: [ErrorDetail.Figure("council.term_expired.term_ends_on", last)])
    }

    /// 属地 (issue 8 §4): someone from outside the council's unit subtree may take the seat
    /// only as the effective ``ResidenceRule`` allows (observers, 004's honorary chair, ad-hoc
    /// experts and departments); otherwise FAILED_PRECONDITION naming the person and the unit.
    func refuseIfOutsider(_ person: PersonRecord, role: CouncilRole, council: CouncilRecord) async throws {
        guard !UnitOperations.isUnitPath(person.unitPath, under: council.unitPath) else { return }
        let effective = try await EffectiveRules.load(kind: council.kind, unitPath: council.unitPath, defaults: rules, tx: scope.tx)
        for case .residence(let rule) in effective.rules.rules where !rule.admitsOutsider(role: role, sector: person.sector) {
            let unit = String(council.unitPath.split(separator: ".").last?.dropFirst() ?? "")
            // Named as GetPerson and GetRoster name them to this caller (who found the person
            // under row-level security), the council's unit by its name too.
            let unitName = try? await UnitStore(tx: scope.tx).find(id: council.unitID).name
            let violation = CompositionChecker.residenceViolation(
                rule, person: person.id.lowercased, name: person.name, role: role, unit: unit, unitName: unitName)
            throw MembershipError.failedPrecondition(
                rule: violation.rule, zh: violation.messageZH, en: violation.messageEN,
                figures: [ErrorDetail.Figure("\(violation.rule).subject", person.id.lowercased),
                          ErrorDetail.Figure("\(violation.rule).name", person.name),
                          ErrorDetail.Figure("\(violation.rule).unit", unit)])
        }
    }
}

extension RuleViolation {
    var wire: MembershipV1.RuleViolation {
        MembershipV1.RuleViolation(
            ruleId: rule, message: CommonV1.LocalizedText(zh: messageZH, en: messageEN),
            count: Int64(count ?? 0), of: Int64(base ?? 0),
            minimum: minimum.map { CommonV1.Int64Value(value: Int64($0)) },
            maximum: maximum.map { CommonV1.Int64Value(value: Int64($0)) },
            subject: subject ?? "", severity: severity.wire, field: field ?? "")
    }
}
