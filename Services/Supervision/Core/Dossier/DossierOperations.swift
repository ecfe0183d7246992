import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 一事一档 (seed 004; issue 11 §6): `GetDossier(topic)` assembles the whole path from every
/// source in flow order; a closed matter's dossier is frozen when its last case closes (the
/// canonical JSON stored with its SHA-256) and from then on answered from the stored copy,
/// its hash checked on every read.
struct DossierOperations {
    let scope: CallScope
    let store: CaseStore
    /// Agenda's and session's sources (``SupervisionEnvironment/dossierSources``).
    let sources: [any DossierSource]

    private var tx: PostgresTransaction { scope.tx }

    struct Assembled {
        let content: DossierContent
        let json: String
        let hash: String
        let frozen: Bool
        let verified: Bool
        let at: Date
    }

    func get(_ request: SupervisionV1.GetDossierRequest) async throws -> SupervisionV1.Dossier {
        let dossier = try await load(request.topicId)
        return DossierRendering.wire(dossier.content, assembledAt: dossier.at, frozen: dossier.frozen, hash: dossier.hash, verified: dossier.verified)
    }

    func export(_ request: SupervisionV1.ExportDossierRequest) async throws -> SupervisionV1.DossierDocument {
        let format: SupervisionV1.DossierFormat = request.format == .unspecified ? .json : request.format
        guard format == .json || format == .markdown else {
            throw SupervisionError.invalidArgument(field: "format", zh: "取值无效", en: "unknown value")
        }
        let dossier = try await load(request.topicId)
        if format == .json {
            return SupervisionV1.DossierDocument(contentType: "application/json", content: dossier.json, contentHash: dossier.hash, frozen: dossier.frozen)
        }
        return SupervisionV1.DossierDocument(
            contentType: "text/markdown; charset=utf-8",
            content: DossierRendering.markdown(dossier.content, hash: dossier.hash, frozen: dossier.frozen),
            contentHash: dossier.hash, frozen: dossier.frozen)
    }

    /// The frozen copy when there is one (its hash recomputed), else a fresh assembly. A
    /// topic this service has no case for (in the caller's scope) is NOT_FOUND.
    func load(_ rawTopic: String) async throws -> Assembled {
        let topic = try Validate.target(rawTopic, field: "topic_id", what: "topic")
        let frozen = try await tx.query(
            "SELECT content, content_hash, frozen_at FROM supervision.dossiers WHERE county_code = $1 AND topic_id = $2",
            [.text(try store.county), .uuid(topic)])
        if let row = frozen.first {
            let json = try row["content"].decode(String.self)
            let hash = try row["content_hash"].decode(String.self)
            return Assembled(
                content: try DossierRendering.decode(json: json), json: json, hash: hash, frozen: true,
                verified: DossierRendering.hash(json) == hash, at: try row["frozen_at"].decode(Date.self))
        }
        let content = try await assemble(topic)
        let json = try DossierRendering.canonicalJSON(content)
        return Assembled(content: content, json: json, hash: DossierRendering.hash(json), frozen: false, verified: true, at: scope.now)
    }

    /// Every source's sections, the other services' read concurrently while this service
    /// reads its own, put in the layout's order.
    func assemble(_ topic: UUID) async throws -> DossierContent {
        let own = CaseDossierSource(scope: scope, store: store)
        let cases = try await own.cases(topic: topic)
        guard let first = cases.first else { throw SupervisionError.notFound(what: "topic") }
        let caller = scope.caller
        let sources = sources
        async let external: [[DossierSection]] = withTaskGroup(of: (Int, [DossierSection]).self) { group in
            for (index, source) in sources.enumerated() {
                group.addTask { (index, await source.sections(topic: topic, for: caller)) }
            }
            var results = Array(repeating: [DossierSection](), count: sources.count)
            for await (index, sections) in group { results[index] = sections }
            return results
        }
        let mine = try await own.sections(cases: cases)
        let sections = (await external.flatMap { $0 } + mine)
            .enumerated()
            .sorted { (DossierLayout.position($0.element.key), $0.offset) < (DossierLayout.position($1.element.key), $1.offset) }
            .map(\.element)
        return DossierContent(topicID: topic.canonicalText, title: first.title, caseIDs: cases.map { $0.id.canonicalText }, sections: sections)
    }

    /// 归档: freezes the topic's dossier once none of its cases is open any more; refused
    /// (UNAVAILABLE, and the closing with it) while a configured source does not answer, so
    /// nothing is frozen with a gap that could have been filled. Returns the hash.
    func freezeIfComplete(topic: UUID, unitPath: String) async throws -> String? {
        let county = try store.county
        let open = try await tx.queryValue(
            Int.self,
            "SELECT count(*) FROM supervision.cases WHERE county_code = $1 AND topic_id = $2 AND state <> \(CaseState.closed.rawValue)",
            [.text(county), .uuid(topic)]) ?? 0
        guard open == 0 else { return nil }
        let content = try await assemble(topic)
        if let gap = content.sections.first(where: \.transient) {
            throw SupervisionError.unavailable(
                zh: "「\(gap.titleZH)」暂不可读（\(gap.unavailableReason)），一事一档未能归档，事项未办结",
                en: "the dossier's \(gap.titleEN) cannot be read now (\(gap.unavailableReason)): nothing was archived or closed")
        }
        let json = try DossierRendering.canonicalJSON(content)
        let hash = DossierRendering.hash(json)
        let inserted = try await tx.execute(
            """
            INSERT INTO supervision.dossiers (county_code, topic_id, unit_path, content, content_hash, frozen_at)
            VALUES ($1, $2, $3::ltree, $4, $5, $6) ON CONFLICT DO NOTHING
            """,
            [.text(county), .uuid(topic), .text(unitPath), .text(json), .text(hash), .timestamp(scope.now)])
        guard inserted > 0 else { return nil }
        try await scope.audit("FreezeDossier", target: "dossier/\(topic.canonicalText)", unitPath: unitPath, ["sha256": hash])
        return hash
    }
}

/// 办结: closes a completed case with how far its result was applied, and freezes the
/// topic's dossier when it was the topic's last open case.
struct ClosingOperations {
    let scope: CallScope
    let store: CaseStore
    let dossiers: DossierOperations

    func close(_ request: SupervisionV1.CloseCaseRequest) async throws -> SupervisionV1.ImplementationCase {
        let application: Application = try Validate.code(request.application, field: "application")
        let note = try Validate.text(request.note, field: "note", limit: 2000, required: application != .full)
        let record = try await store.find(request.caseId, forUpdate: true)
        try CaseStore.check(.close, record)
        let next = try CaseStore.transition(record, to: .closed)
        _ = try await scope.tx.execute(
            """
            UPDATE supervision.cases SET state = $3, closed_at = $4, application = $5, closing_note = $6, updated_at = $4
             WHERE county_code = $1 AND id = $2
            """,
            [.text(record.countyCode), .uuid(record.id), next.postgresValue, .timestamp(scope.now), application.postgresValue, .text(note)])
        try await scope.audit("CloseCase", target: "case/\(record.id.canonicalText)", unitPath: record.unitPath,
                              ["application": String(application.rawValue)])
        scope.change("case.closed", subject: "case/\(record.id.canonicalText)", unitPath: record.unitPath, state: "CLOSED",
                     ["topic": record.topicID.canonicalText, "application": "\(application)".uppercased()])
        _ = try await dossiers.freezeIfComplete(topic: record.topicID, unitPath: record.unitPath)
        return store.wire(try await store.find(record.id))
    }
}
