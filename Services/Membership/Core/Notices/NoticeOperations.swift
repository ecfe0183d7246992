import TongxinService
import Foundation
import MembershipRules
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// 公示 — nominees published for a window (5 days by default, 004), objections filed
/// during it and resolved with a record, and confirmation by the party organisation only
/// after the window with every objection resolved (issue 3 §5).
struct NoticeOperations {
    let scope: CallScope
    let settings: NoticeSettings
    let rules: CompositionDefaults
    /// Term length per kind: a council created without term dates starts its term when it
    /// is constituted (``startTermIfUndated(_:)``).
    let terms: TermLengths
    var councils: CouncilStore { CouncilStore(tx: scope.tx) }
    var today: LocalDate { LocalDate(containing: scope.now, in: settings.timeZone) }

    func publish(_ request: MembershipV1.PublishNoticeRequest) async throws -> MembershipV1.Notice {
        let council = try await councils.find(request.councilId, forUpdate: true)
        try CouncilOperations.refuseIfExpired(council, on: today)
        let days = request.days == 0 ? settings.days : Int(request.days)
        // 公示期 may be lengthened, never shortened below the deployment's period (issue 8 §6;
        // 004: 公示5天).
        guard days >= settings.days else {
            throw MembershipError.failedPrecondition(
                rule: "notice.days_minimum",
                zh: "公示期 \(days) 天，少于规定的 \(settings.days) 天",
                en: "a notice period of \(days) days is shorter than the required \(settings.days)",
                figures: [ErrorDetail.Figure("notice.days_minimum.count", String(days)),
                          ErrorDetail.Figure("notice.days_minimum.minimum", String(settings.days))])
        }
        let period: NoticePeriod
        do {
            period = try NoticePeriod(publishedAt: scope.now, days: days, holidays: settings.holidays, timeZone: settings.timeZone)
        } catch {
            throw MembershipError.invalidArgument(field: "days", zh: error.messageZH, en: error.messageEN)
        }
        if let open = try await openNotice(of: council.id) {
            let count = try await objections(of: open.id).count { $0.outcome == .open }
            guard count == 0 else {
                throw MembershipError.failedPrecondition(
                    rule: "confirmation.objection_open",
                    zh: "原公示还有 \(count) 条异议未处理，不能重新公示", en: "\(count) objection(s) to the open notice are unresolved; it cannot be re-published")
            }
            try await setStatus(open.id, .superseded)
            try await councils.apply(.republish, toSeatsWhere: "s.notice_id = $1", [.uuid(open.id)])
        }
        let nominees = try await councils.seats(of: council.id, in: [.nominated])
        // An elected body publishes the election's results (issue 8 §8): every nominee must
        // have been elected first.
        if ConfirmationPath.of(council.kind) == .election {
            let exOfficio = try await sittingExOfficio(nominees, of: council)
            let unelected = nominees.filter { $0.electionID == nil && !exOfficio.contains($0.personID) }
            guard unelected.isEmpty else {
                throw MembershipError.failedPrecondition(
                    rule: "election.required",
                    zh: "\(council.kind.nameZH)成员由村民会议或村民代表会议推选产生，\(unelected.count) 名候选人尚未经推选，不能公示",
                    en: "members of a \(council.kind.nameEN) are elected by the villagers' assembly or representatives' meeting; \(unelected.count) candidate(s) have not been elected and cannot be published",
                    figures: [ErrorDetail.Figure("election.required.count", String(unelected.count))])
            }
        }
        guard !nominees.isEmpty else {
            throw MembershipError.failedPrecondition(rule: "notice.no_nominees", zh: "没有待公示的提名人选", en: "there are no nominees to publish")
        }
        let id = UUID()
        try await scope.tx.execute(
            """
            INSERT INTO membership.notices (id, council_id, unit_path, status, published_at, first_day, last_day, closes_at,
                                            county_code)
            VALUES ($1, $2, $3::ltree, $4, $5, $6::date, $7::date, $8, $9)
            """,
            [.uuid(id), .uuid(council.id), .text(council.unitPath), NoticeStatus.open.postgresValue, .timestamp(scope.now),
             .text(period.firstDay.sqlText), .text(period.lastDay.sqlText), .timestamp(period.endsAt), .text(council.countyCode)])
        try await councils.apply(.publish, toSeatsWhere: "s.council_id = $1", [.uuid(council.id)], set: "notice_id = $2", [.uuid(id)])
        try await councils.apply(.publishNotice, to: council, now: scope.now)
        try await scope.audit("PublishNotice", target: "notice/\(id.lowercased)", unitPath: council.unitPath,
                              ["council": council.id.lowercased, "nominees": String(nominees.count), "last_day": period.lastDay.sqlText])
        return try await wire(try await find(id))
    }

    func get(_ request: MembershipV1.GetNoticeRequest) async throws -> MembershipV1.Notice {
        try await wire(try await find(try Validate.id(request.noticeId, field: "notice_id")))
    }

    func fileObjection(_ request: MembershipV1.FileObjectionRequest) async throws -> MembershipV1.Objection {
        let name = try Validate.name(request.objectorName, field: "objector_name", limit: 100)
        let reason = try Validate.text(request.reason, field: "reason")
        guard !reason.isEmpty else { throw MembershipError.missing("reason") }
        let objector = request.objectorPersonId.isEmpty ? nil : try Validate.id(request.objectorPersonId, field: "objector_person_id")
        let notice = try await find(try Validate.id(request.noticeId, field: "notice_id"), forUpdate: true)
        guard notice.isOpen, notice.acceptsObjections(at: scope.now) else {
            throw MembershipError.failedPrecondition(
                rule: "notice.closed", zh: "公示期已于 \(notice.lastDay) 24时结束，不再受理异议",
                en: "the notice period ended with \(notice.lastDay); objections are no longer accepted")
        }
        var seat: UUID?
        if !request.seatId.isEmpty {
            let id = try Validate.id(request.seatId, field: "seat_id")
            let found = try await scope.tx.queryValue(
                Int.self, "SELECT 1 FROM membership.seats WHERE id = $1 AND notice_id = $2", [.uuid(id), .uuid(notice.id)])
            guard found != nil else { throw MembershipError.notFound(what: "seat") }
            seat = id
        }
        let id = UUID()
        let filed = try await scope.tx.queryOne(
            ObjectionRecord.self,
            """
            INSERT INTO membership.objections (id, notice_id, unit_path, seat_id, objector_name, objector_person_id, reason, filed_at,
                                               county_code)
            VALUES ($1, $2, $3::ltree, $4, $5, $6, $7, $8, $9)
            RETURNING \(ObjectionRecord.columns)
            """,
            [.uuid(id), .uuid(notice.id), .text(notice.unitPath), PostgresValue(seat), .text(name), PostgresValue(objector),
             .text(reason), .timestamp(scope.now), .text(notice.countyCode)])
        try await scope.audit("FileObjection", target: "notice/\(notice.id.lowercased)", unitPath: notice.unitPath,
                              ["objection": id.lowercased, "seat": seat?.lowercased ?? ""])
        guard let filed else { throw ServiceFailure.internal(reference: "insert returned no row") }
        return filed.wire
    }

    func resolve(_ request: MembershipV1.ResolveObjectionRequest) async throws -> MembershipV1.Objection {
        let id = try Validate.id(request.objectionId, field: "objection_id")
        guard request.outcome == .upheld || request.outcome == .dismissed else {
            throw MembershipError.invalidArgument(field: "outcome", zh: "处理结果应为成立或不成立", en: "outcome must be UPHELD or DISMISSED")
        }
        let resolution = try Validate.text(request.resolution, field: "resolution")
        guard !resolution.isEmpty else { throw MembershipError.missing("resolution") }
        let found = try await scope.tx.queryOne(
            ObjectionRecord.self,
            "SELECT \(ObjectionRecord.columns) FROM membership.objections WHERE id = $1 FOR UPDATE", [.uuid(id)])
        guard let objection = found else { throw MembershipError.notFound(what: "objection") }
        let upheld = request.outcome == .upheld
        // The same outcome again is an idempotent retry; anything else is MembershipRules'
        // refusal to resolve a resolved objection.
        if objection.outcome == (upheld ? .upheld : .dismissed) { return objection.wire }
        let outcome: Objection.Status
        do { outcome = try objection.rulesObjection.resolved(upheld: upheld).status } catch { throw MembershipError.precondition(error) }
        let updated = try await scope.tx.queryOne(
            ObjectionRecord.self,
            """
            UPDATE membership.objections SET outcome = $2, resolution = $3, resolved_by = $4, resolved_at = $5
             WHERE id = $1 RETURNING \(ObjectionRecord.columns)
            """,
            [.uuid(id), outcome.postgresValue, .text(resolution), .text(scope.caller.principal), .timestamp(scope.now)])
        if request.outcome == .upheld {
            // An upheld objection withdraws its nominee (or, against the whole list, every nominee).
            let condition = objection.seatID == nil ? "s.notice_id = $1" : "s.id = $2"
            try await councils.endSeats(
                where: condition, [.uuid(objection.noticeID), PostgresValue(objection.seatID)],
                reason: "objection upheld", now: scope.now)
        }
        let notice = try await find(objection.noticeID)
        try await scope.audit("ResolveObjection", target: "notice/\(notice.id.lowercased)", unitPath: notice.unitPath,
                              ["objection": id.lowercased, "outcome": request.outcome == .upheld ? "upheld" : "dismissed"])
        guard let updated else { throw ServiceFailure.internal(reference: "update returned no row") }
        return updated.wire
    }

    func confirm(_ request: MembershipV1.ConfirmNoticeRequest) async throws -> MembershipV1.Council {
        let notice = try await find(try Validate.id(request.noticeId, field: "notice_id"), forUpdate: true)
        let council = try await councils.find(notice.councilID, forUpdate: true)
        if notice.status == .confirmed { return council.wire(seats: try await councils.seats(of: council.id), today: today) }
        // 确认 (issue 8 §9): the party organisation's deciding meeting and date — or, for an
        // elected body, the election that is its decision (§8).
        try CouncilOperations.refuseIfExpired(council, on: today)
        let path = ConfirmationPath.of(council.kind)
        let meeting = try Validate.text(request.decisionMeeting, field: "decision_meeting", limit: 200)
        let decidedOn = try request.decidedOn?.localDate(field: "decided_on")
        if path == .partyOrganisation {
            guard !meeting.isEmpty else { throw MembershipError.missing("decision_meeting") }
            guard decidedOn != nil else { throw MembershipError.missing("decided_on") }
        }
        let acceptance = try Validate.text(request.advisoryAcceptance, field: "advisory_acceptance", limit: 1000)
        guard notice.isOpen else {
            throw MembershipError.failedPrecondition(
                rule: "notice.superseded", zh: "该公示已被新的公示取代", en: "this notice was superseded by a later one")
        }
        // MembershipRules' ConfirmationGate, read against the window as it was published (its
        // last day already moved past any holiday). The nominees are the seats still in
        // notice: one an upheld objection withdrew is no longer among them.
        let nominees = try await councils.seats(of: council.id, in: [.inNotice]).filter { $0.noticeID == notice.id }
        let refusals = ConfirmationGate.check(
            list: nominees.map(\.id.lowercased), endsAt: notice.closesAt, lastDay: notice.lastDay,
            objections: try await objections(of: notice.id).map(\.rulesObjection), at: scope.now)
        if let refusal = refusals.first { throw MembershipError.precondition(refusal) }
        let guardian = ConstitutedCouncilGuard(scope: scope, rules: rules)
        let before = try await guardian.violations([council])
        try await councils.apply(
            .confirm, toSeatsWhere: "s.notice_id = $1", [.uuid(notice.id)], set: "seated_at = $2", [.timestamp(scope.now)])
        // Binding rules refuse; advisory ones (004's 原则上/一般) are accepted with a reason and
        // recorded (issue 8 §1). A constituted council answers only for what this list changes.
        let after = try await guardian.check(council, includeNominees: false)
        let new = after.filter { !(before[council.id] ?? []).contains($0) }
        let gate = ConfirmationGate.composition(new, acceptance: acceptance)
        guard gate.binding.isEmpty else { throw MembershipError.composition(gate.binding) }
        if let refusal = gate.refusal {
            throw MembershipError.failedPrecondition(
                rule: refusal.rule, zh: refusal.messageZH, en: refusal.messageEN,
                figures: gate.advisories.flatMap(MembershipError.figures(of:)))
        }
        var election: UUID?
        if path == .election {
            let elections = Set(nominees.compactMap(\.electionID))
            let exOfficio = try await sittingExOfficio(nominees, of: council)
            guard !elections.isEmpty, nominees.allSatisfy({ $0.electionID != nil || exOfficio.contains($0.personID) }) else {
                throw MembershipError.failedPrecondition(
                    rule: "election.required", zh: "\(council.kind.nameZH)成员须经推选产生", en: "members of a \(council.kind.nameEN) must be elected")
            }
            election = elections.sorted { $0.lowercased < $1.lowercased }.last
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let advisoriesJSON = String(decoding: try encoder.encode(gate.advisories), as: UTF8.self)
        try await councils.apply(
            .constitute, to: council, constitutedAt: council.status == .constituted ? nil : scope.now, now: scope.now)
        try await startTermIfUndated(council)
        try await scope.tx.execute(
            """
            UPDATE membership.notices
               SET status = $2, confirmed_at = $3, confirmed_by = $4, decision_meeting = $5, decided_on = $6::date,
                   election_id = $7, accepted_advisories = $8::jsonb, advisory_acceptance = $9
             WHERE county_code = $10 AND id = $1
            """,
            [.uuid(notice.id), NoticeStatus.confirmed.postgresValue, .timestamp(scope.now), .text(scope.caller.principal),
             .text(meeting), PostgresValue(decidedOn?.sqlText), PostgresValue(election), .text(advisoriesJSON),
             .text(gate.advisories.isEmpty ? "" : acceptance), .text(notice.countyCode)])
        try await scope.audit("ConfirmNotice", target: "notice/\(notice.id.lowercased)", unitPath: notice.unitPath,
                              ["council": council.id.lowercased, "decided_on": decidedOn?.sqlText ?? "",
                               "election": election?.lowercased ?? "",
                               "accepted_advisories": gate.advisories.map(\.rule).joined(separator: ",")])
        let confirmed = try await councils.find(council.id)
        return confirmed.wire(seats: try await councils.seats(of: council.id), today: today)
    }

    /// 任期自组成之日起算 (issue 8 §7): a council created without term dates (CreateCouncil's
    /// `term_starts_on` is optional: the villagers' committee's dates, which 004 makes the
    /// council's own — 协商会每届任期与村委会任期相同 — may not be known when it is set up) starts
    /// its term on the day it is constituted, the day the party organisation's confirmation
    /// (or, for an elected body, the confirmation of the election's result) takes effect here,
    /// as ``Term/startsOn`` reads it: "the election or confirmation day". Its last day is
    /// counted from there by the kind's length (five years, Organic Law art. 11), so every
    /// constituted council has an end date and expires by itself; one that is never
    /// constituted has no members to act and needs none. Not at creation: a council may be
    /// forming for months, and its term would run down before anyone is seated. The day is
    /// read in the deployment's zone; a term with either date given keeps it. Later terms
    /// are dated by EndTerm.
    func startTermIfUndated(_ council: CouncilRecord) async throws {
        guard council.termStartsOn == nil, council.termEndsOn == nil else { return }
        let term = terms.term(council.kind, startsOn: today)
        try await scope.tx.execute(
            """
            UPDATE membership.terms SET starts_on = $3::date, ends_on = $4::date
             WHERE county_code = $1 AND council_id = $2 AND number = $5 AND starts_on IS NULL AND ends_on IS NULL
            """,
            [.text(council.countyCode), .uuid(council.id), .text(term.startsOn.sqlText), .text(term.lastDay.sqlText),
             .int(Int64(council.termNumber))])
    }

    // MARK: - Reading

    /// The nominees who sit by office and are not elected to this body (MembershipRules'
    /// ``ConfirmationPath/sitsExOfficio(_:posts:)``: the villagers' committee on the
    /// representatives' meeting, art. 25).
    func sittingExOfficio(_ seats: [SeatRecord], of council: CouncilRecord) async throws -> Set<UUID> {
        guard !seats.isEmpty else { return [] }
        let rows = try await scope.tx.query(
            "SELECT id, posts FROM membership.people WHERE county_code = $1 AND id = ANY($2::uuid[])",
            [.text(council.countyCode), .textArray(seats.map(\.personID.lowercased))])
        var result: Set<UUID> = []
        for row in rows where ConfirmationPath.sitsExOfficio(council.kind, posts: Set(try row["posts"].decode([Post].self))) {
            result.insert(try row["id"].decode(UUID.self))
        }
        return result
    }

    func find(_ id: UUID, forUpdate: Bool = false) async throws -> NoticeRecord {
        let notice = try await scope.tx.queryOne(
            NoticeRecord.self,
            "SELECT \(NoticeRecord.columns) FROM membership.notices WHERE id = $1\(forUpdate ? " FOR UPDATE" : "")", [.uuid(id)])
        guard let notice else { throw MembershipError.notFound(what: "notice") }
        return notice
    }

    func openNotice(of council: UUID) async throws -> NoticeRecord? {
        try await scope.tx.queryOne(
            NoticeRecord.self,
            "SELECT \(NoticeRecord.columns) FROM membership.notices WHERE council_id = $1 AND status = $2 FOR UPDATE",
            [.uuid(council), NoticeStatus.open.postgresValue])
    }

    func setStatus(_ notice: UUID, _ status: NoticeStatus) async throws {
        try await scope.tx.execute("UPDATE membership.notices SET status = $2 WHERE id = $1", [.uuid(notice), status.postgresValue])
    }

    func objections(of notice: UUID) async throws -> [ObjectionRecord] {
        try await scope.tx.query(
            ObjectionRecord.self,
            "SELECT \(ObjectionRecord.columns) FROM membership.objections WHERE notice_id = $1 ORDER BY filed_at, id", [.uuid(notice)])
    }

    func wire(_ notice: NoticeRecord) async throws -> MembershipV1.Notice {
        let seats = try await scope.tx.query(
            SeatRecord.self,
            "SELECT \(SeatRecord.columns) FROM \(SeatRecord.from) WHERE s.notice_id = $1 ORDER BY s.nominated_at, s.id",
            [.uuid(notice.id)])
        return MembershipV1.Notice(
            id: notice.id.lowercased, councilId: notice.councilID.lowercased,
            status: notice.status.wire,
            publishedAt: CommonV1.Timestamp(notice.publishedAt), firstDay: CommonV1.Date(notice.firstDay),
            lastDay: CommonV1.Date(notice.lastDay), closesAt: CommonV1.Timestamp(notice.closesAt),
            nominees: seats.map(\.wire),
            objections: try await objections(of: notice.id).map(\.wire),
            confirmation: notice.confirmation)
    }
}
