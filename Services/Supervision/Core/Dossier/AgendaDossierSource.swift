import AgendaAPI
import Foundation
import SupervisionRules
import TongxinRPC
import TongxinSchemas
import TongxinService

/// The agenda service's part of the dossier, read over its RPC (ARCHITECTURE.md principle 3:
/// a service never reads another's tables): the ledger items the topic took up (reporters
/// masked), the topic, its approval, research and meeting plan.
///
/// Each call carries a one-minute token for audience `agenda` with the caller's principal and
/// scope and only `agenda.read` — so agenda's row-level security answers exactly what the
/// caller may see, and contacts come masked (no `pii.read`).
public struct AgendaDossierSource: DossierSource {
    let api: AgendaV1.Agenda.Client
    let tokens: TokenAuthority
    let clock: any ServiceClock

    public init(client: RPCClient, tokens: TokenAuthority, clock: any ServiceClock = SystemClock()) {
        self.api = AgendaV1.Agenda.Client(client)
        self.tokens = tokens
        self.clock = clock
    }

    private func options(for caller: Caller) -> CallOptions {
        let token = tokens.issue(Caller(
            principal: caller.principal, unitPath: caller.unitPath, permissions: ["agenda.read"], audience: "agenda",
            now: Int64(clock.now().timeIntervalSince1970), lifetime: 60, issuer: "supervision"))
        var metadata = Metadata()
        metadata.authorization = "Bearer " + token
        return CallOptions(timeout: .seconds(5), metadata: metadata)
    }

    public func sections(topic id: UUID, for caller: Caller) async -> [DossierSection] {
        let options = options(for: caller)
        let specs = Dictionary(uniqueKeysWithValues: DossierLayout.agenda.map { ($0.key, $0) })
        let topic: AgendaV1.Topic
        do {
            topic = try await api.getTopic(AgendaV1.GetTopicRequest(topicId: id.canonicalText), options: options)
        } catch {
            return DossierLayout.agenda.map { Self.failed($0, error) }
        }
        var sections: [DossierSection] = []
        // 问题台账: every item the topic took up, reporters masked.
        do {
            var entries: [DossierEntry] = []
            for itemID in topic.itemIds {
                let item = try await api.getItem(AgendaV1.GetItemRequest(itemId: itemID), options: options)
                entries.append(DossierEntry(
                    at: item.receivedAt?.date, kind: "item", summary: item.text,
                    fields: [("id", item.id), ("unit", item.unitPath), ("channel", Self.name(item.channel.rawValue, Channel.self)),
                             ("category", Self.category(item.category.rawValue)), ("reporter", Self.mask(item.reporter)),
                             ("contact", item.contact), ("external_ref", item.externalRef), ("answer", item.answer)]))
            }
            if entries.isEmpty {
                entries.append(DossierEntry(at: nil, kind: "none", summary: "议题不源自问题台账 / the topic took up no ledger item",
                                            fields: [("source", Self.name(topic.source.rawValue, TopicSource.self))]))
            }
            sections.append(DossierSection(specs["ledger"]!, entries: entries))
        } catch {
            sections.append(Self.failed(specs["ledger"]!, error))
        }
        // 议题.
        sections.append(DossierSection(specs["topic"]!, entries: [DossierEntry(
            at: topic.createdAt?.date, kind: "topic", summary: topic.title,
            fields: [("id", topic.id), ("unit", topic.unitPath), ("number", topic.number), ("description", topic.description),
                     ("category", Self.category(topic.category.rawValue)), ("scale", Self.name(topic.scale.rawValue, Scale.self)),
                     ("source", Self.name(topic.source.rawValue, TopicSource.self)),
                     ("form", Self.name(topic.form.rawValue, MeetingForm.self)), ("state", Self.state(topic.state.rawValue))])]))
        // 两委会审议: agenda answers the adoption (number, date, meeting deadline); it keeps the
        // ballots but its API does not return them, which the entry says.
        let approval: DossierEntry
        if let approvedAt = topic.approvedAt {
            approval = DossierEntry(
                at: approvedAt.date, kind: "adopted", summary: "两委会通过，编号 \(topic.number) / adopted by the two committees as \(topic.number)",
                fields: [("number", topic.number), ("meeting_due_on", topic.meetingDueOn.map { "\(LocalDate(Int($0.year), Int($0.month), Int($0.day)))" } ?? ""),
                         ("ballots", "表决明细存于议题服务，其接口未提供 / the ballots are kept by agenda, whose API does not return them")])
        } else {
            approval = DossierEntry(at: nil, kind: "not_adopted", summary: "议题未经两委会通过 / the topic was not adopted",
                                    fields: [("state", Self.state(topic.state.rawValue))])
        }
        sections.append(DossierSection(specs["approval"]!, entries: [approval]))
        // 议前调研.
        do {
            let records = try await api.listResearchRecords(AgendaV1.ListResearchRecordsRequest(topicId: topic.id), options: options).records
            var entries = records.map { record in
                DossierEntry(at: record.recordedAt?.date, kind: Self.name(record.kind.rawValue, ResearchKind.self), summary: record.summary,
                             fields: [("conducted_on", record.conductedOn.map { "\($0.year)-\($0.month)-\($0.day)" } ?? ""),
                                      ("attachments", record.attachments.joined(separator: ", "))])
            }
            if entries.isEmpty { entries.append(DossierEntry(at: nil, kind: "none", summary: "无议前调研记录 / no research recorded")) }
            sections.append(DossierSection(specs["research"]!, entries: entries))
        } catch {
            sections.append(Self.failed(specs["research"]!, error))
        }
        // 议事方案.
        do {
            let plan = try await api.getMeetingPlan(AgendaV1.GetMeetingPlanRequest(topicId: topic.id), options: options)
            sections.append(DossierSection(specs["meeting_plan"]!, entries: [DossierEntry(
                at: plan.publishedAt?.date, kind: "plan", summary: "\(plan.place) \(plan.meetingAt.map { DossierEntry.format($0.date) } ?? "")",
                fields: [("meeting_at", plan.meetingAt.map { DossierEntry.format($0.date) } ?? ""), ("place", plan.place),
                         ("form", Self.name(plan.form.rawValue, MeetingForm.self)),
                         ("participants", plan.participants.map { "\(Self.mask($0.person))(\(Self.name($0.role.rawValue, ParticipantRole.self)))" }.joined(separator: ", ")),
                         ("agenda", plan.agenda.joined(separator: "; ")), ("lead_days", String(plan.leadDays))])]))
        } catch let error as RPCError where error.code == .notFound {
            sections.append(DossierSection(specs["meeting_plan"]!, entries: [
                DossierEntry(at: nil, kind: "none", summary: "未发布议事方案 / no meeting plan was published")]))
        } catch {
            sections.append(Self.failed(specs["meeting_plan"]!, error))
        }
        return sections
    }

    /// A section agenda did not answer: the reason, transient unless agenda answered that
    /// the caller may not see it.
    static func failed(_ spec: DossierLayout.Spec, _ error: any Error) -> DossierSection {
        guard let error = error as? RPCError else {
            return .unavailable(spec, reason: "unavailable: agenda service: \(error)", transient: true)
        }
        let settled: Set<Status.Code> = [.notFound, .permissionDenied, .invalidArgument]
        return .unavailable(spec, reason: "unavailable: agenda service answered \(error.code): \(error.message)",
                            transient: !settled.contains(error.code))
    }

    /// 张三 → 张*: a reporter's name is masked in the dossier; anonymous stays anonymous.
    static func mask(_ name: String) -> String {
        guard let first = name.first else { return "匿名" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }

    static func name<Value: RawRepresentable<Int>>(_ raw: Int32, _: Value.Type) -> String {
        Value(rawValue: Int(raw)).map { "\($0)" } ?? "unspecified"
    }

    static func category(_ raw: Int32) -> String {
        AgendaRules.Category(rawValue: Int(raw)).map { "\($0.nameZH) / \($0)" } ?? "unspecified"
    }

    static func state(_ raw: Int32) -> String {
        TopicState(rawValue: Int(raw)).map { "\($0.nameZH) / \($0.nameEN)" } ?? "unspecified"
    }
}
