import Foundation
import MembershipRules
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 人员管理 — register people, change the attributes rules count, search them by keyed
/// hash, and record close-relative links (issue 3 §2).
struct PersonOperations {
    let scope: CallScope
    let vault: PIIVault
    /// Limits searches by phone or ID number per principal (nil: unlimited).
    var searchLimiter: RateLimiter? = nil

    /// The vault when the caller may see personal data unmasked, else nil.
    var revealing: PIIVault? { scope.has(MembershipPermission.readPII) ? vault : nil }

    func create(_ request: MembershipV1.CreatePersonRequest) async throws -> MembershipV1.Person {
        let name = try Validate.name(request.name, limit: 100)
        let phone = try Self.phone(request.phone)
        let idNumber = try Self.idNumber(request.idNumber)
        guard var gender = Gender(code: Int(request.gender.rawValue)) else {
            throw MembershipError.invalidArgument(field: "gender", zh: "性别无效", en: "unknown gender")
        }
        var birthYear = Int(request.birthYear)
        if let idNumber {
            let fromID = idNumber.genderFromID
            if gender == .unspecified { gender = fromID }
            guard gender == fromID else {
                throw MembershipError.invalidArgument(field: "gender", zh: "性别与身份证号码不符", en: "the gender does not match the ID number")
            }
            if birthYear == 0 { birthYear = idNumber.birthYear }
            guard birthYear == idNumber.birthYear else {
                throw MembershipError.invalidArgument(field: "birth_year", zh: "出生年份与身份证号码不符", en: "the birth year does not match the ID number")
            }
        }
        guard birthYear == 0 || (1900...2200).contains(birthYear) else {
            throw MembershipError.invalidArgument(field: "birth_year", zh: "出生年份无效", en: "not a plausible birth year")
        }
        let sector = try Self.sector(request.sector)
        let posts = try Self.posts(request.posts)
        let household = try Validate.text(request.household, field: "household", limit: 50)
        // The unit is read by the INSERT itself (one round trip): a unit that is missing,
        // outside the caller's scope or retired inserts nothing, and only then is it looked
        // up again to say which.
        guard let unitRef = request.unit, !(unitRef.id.isEmpty && unitRef.divisionCode.isEmpty) else {
            throw MembershipError.missing("unit")
        }
        let unitCondition: (sql: String, bind: PostgresValue)
        if !unitRef.id.isEmpty {
            guard let unitID = UUID(canonicalText: unitRef.id) else { throw MembershipError.notFound(what: "unit") }
            unitCondition = ("u.id = $17", .uuid(unitID))
        } else {
            unitCondition = ("u.division_code = $17", .text(unitRef.divisionCode))
        }
        let id = UUID()
        let inserted: PersonRecord?
        do {
            inserted = try await scope.tx.queryOne(
                PersonRecord.self,
                """
                INSERT INTO membership.people AS p (id, unit_id, unit_path, tenant_path, name, gender, birth_year,
                    phone_cipher, phone_hash, phone_masked, id_cipher, id_hash, id_masked, household,
                    party_member, grassroots_cadre, sector, posts, created_at, updated_at, county_code)
                SELECT $1, u.id, u.unit_path, u.tenant_path, $2::text, $3::smallint, $4::integer, $5::bytea, $6::text, $7::text,
                       $8::bytea, $9::text, $10::text, $11::text, $12::boolean, $13::boolean, $14::text, $15::text[],
                       $16::timestamptz, $16::timestamptz, u.county_code
                  FROM membership.units AS u
                 WHERE \(unitCondition.sql) AND u.retired_at IS NULL
                RETURNING \(PersonRecord.columns)
                """,
                [.uuid(id), .text(name), gender.postgresValue,
                 birthYear == 0 ? .null : .int(Int64(birthYear)),
                 try phone.map { .bytea(try vault.seal($0.value, for: PersonRecord.binding(id, "phone"))) } ?? .null,
                 phone.map { .text(Self.phoneIndex(vault, $0)) } ?? .null, .text(phone?.masked ?? ""),
                 try idNumber.map { .bytea(try vault.seal($0.value, for: PersonRecord.binding(id, "id_number"))) } ?? .null,
                 idNumber.map { .text(Self.idIndex(vault, $0)) } ?? .null, .text(idNumber?.masked ?? ""),
                 .text(household), .bool(request.partyMember), .bool(request.grassrootsCadre), .text(sector.rawValue),
                 .textArray(posts.map(\.rawValue)), .timestamp(scope.now), unitCondition.bind]
            )
        } catch let error as PostgresError where error.kind == .uniqueViolation {
            throw Self.duplicate(error)
        }
        guard let person = inserted else {
            let unit = try await UnitStore(tx: scope.tx).find(request.unit)
            if unit.isRetired { throw UnitOperations.retired(unit) }
            throw ServiceFailure.internal(reference: "insert returned no row")
        }
        let unit = (id: person.unitID, path: person.unitPath)
        // Audit details hold ids and codes, never a name, phone or ID number: the audit log is
        // immutable, the person row is where a name lives (and can be erased, PIPL art. 47).
        try await scope.audit("CreatePerson", target: "person/\(id.lowercased)", unitPath: unit.path,
                              ["unit": unit.id.lowercased, "phone": phone == nil ? "absent" : "set",
                               "id_number": idNumber == nil ? "absent" : "set", "pii_shown": String(revealing != nil)])
        return try person.wire(revealingWith: revealing)
    }

    func get(_ request: MembershipV1.GetPersonRequest) async throws -> MembershipV1.Person {
        let person = try await PersonStore(tx: scope.tx).find(try Validate.id(request.personId, field: "person_id"))
        let wire = try person.wire(revealingWith: revealing)
        try await auditReveal([person], unitPath: person.unitPath)
        return wire
    }

    /// 查阅个人信息留痕 — a read that showed phone or ID numbers unmasked (`pii.read`) is
    /// audited: who saw whose (ids only), with the read's own entry (`ReadPII`).
    func auditReveal(_ people: [PersonRecord], unitPath: String) async throws {
        guard revealing != nil else { return }
        let shown = people.filter(\.hasPII)
        guard !shown.isEmpty else { return }
        let target = shown.count == 1 ? "person/\(shown[0].id.lowercased)" : "people"
        try await scope.audit("ReadPII", target: target, unitPath: unitPath,
                              ["people": shown.map { $0.id.lowercased }.joined(separator: ","), "method": scope.method])
    }

    /// Searching by phone or ID number (人员检索) needs `people.search` or `pii.read` (the
    /// method itself only `membership.read`: a name search stays open to readers), and at
    /// most ``searchLimiter``'s searches per principal — a brake on enumerating numbers.
    func authorizeSearch() throws {
        guard scope.has(Permission.searchPeople) || scope.has(Permission.readPII) else {
            throw RPCError(
                code: .permissionDenied,
                message: "permission \"\(Permission.searchPeople)\" or \"\(Permission.readPII)\" is required to search by phone or ID number / 按手机号码或身份证号码检索需要权限 \(Permission.searchPeople) 或 \(Permission.readPII)")
        }
        if let searchLimiter, !searchLimiter.admit(scope.caller.principal) {
            let wait = Int(searchLimiter.retryAfter(scope.caller.principal).rounded(.up))
            throw RPCError(
                code: .resourceExhausted,
                message: "too many searches by phone or ID number (at most \(searchLimiter.limit) per \(Int(searchLimiter.window)) s); retry in \(wait) s / 按号码检索过于频繁（每\(Int(searchLimiter.window))秒至多\(searchLimiter.limit)次），请\(wait)秒后再试")
        }
    }

    func update(_ request: MembershipV1.UpdatePersonRequest, rules: CompositionDefaults) async throws -> MembershipV1.Person {
        let id = try Validate.id(request.personId, field: "person_id")
        let name = try request.name.map { value throws(MembershipError) in try Validate.name(value.value, limit: 100) }
        let phone = try request.phone.map { value throws(MembershipError) in try Self.phone(value.value) }
        let household = try request.household.map { value throws(MembershipError) in
            try Validate.text(value.value, field: "household", limit: 50)
        }
        let sector = try request.sector.map { value throws(MembershipError) in try Self.sector(value.value) }
        let posts = request.replacePosts ? try Self.posts(request.posts) : nil
        let store = PersonStore(tx: scope.tx)
        let before = try await store.find(id, forUpdate: true)
        let guardian = ConstitutedCouncilGuard(scope: scope, rules: rules)
        let councils = try await guardian.councilsAffected(by: [id])
        let violationsBefore = try await guardian.violations(councils)
        var binds: [PostgresValue] = [.uuid(id), .timestamp(scope.now)]
        var sets: [String] = ["updated_at = $2"]
        func set(_ column: String, _ value: PostgresValue) {
            binds.append(value)
            sets.append("\(column) = $\(binds.count)")
        }
        if let name { set("name", .text(name)) }
        if let phone {
            if let phone {
                set("phone_cipher", .bytea(try vault.seal(phone.value, for: PersonRecord.binding(id, "phone"))))
                set("phone_hash", .text(Self.phoneIndex(vault, phone)))
                set("phone_masked", .text(phone.masked))
            } else {
                set("phone_cipher", .null)
                set("phone_hash", .null)
                set("phone_masked", .text(""))
            }
        }
        if let household { set("household", .text(household)) }
        if let party = request.partyMember { set("party_member", .bool(party.value)) }
        if let cadre = request.grassrootsCadre { set("grassroots_cadre", .bool(cadre.value)) }
        if let sector { set("sector", .text(sector.rawValue)) }
        if let posts { set("posts", .textArray(posts.map(\.rawValue))) }
        let updated: PersonRecord?
        do {
            updated = try await scope.tx.queryOne(
                PersonRecord.self,
                "UPDATE membership.people AS p SET \(sets.joined(separator: ", ")) WHERE id = $1 RETURNING \(PersonRecord.columns)",
                binds)
        } catch let error as PostgresError where error.kind == .uniqueViolation {
            throw Self.duplicate(error)
        }
        guard let person = updated else { throw MembershipError.notFound(what: "person") }
        try await guardian.refuseNewViolations(councils, before: violationsBefore)
        var detail: [String: String] = [:]
        if name != nil { detail["name"] = "changed" }
        if phone != nil { detail["phone"] = "changed" }
        if let party = request.partyMember { detail["party_member"] = String(party.value) }
        if let cadre = request.grassrootsCadre { detail["grassroots_cadre"] = String(cadre.value) }
        if let sector { detail["sector"] = sector.rawValue }
        if let posts { detail["posts"] = posts.map(\.rawValue).joined(separator: ",") }
        if revealing != nil, person.hasPII { detail["pii_shown"] = "true" }
        try await scope.audit("UpdatePerson", target: "person/\(id.lowercased)", unitPath: before.unitPath, detail)
        return try person.wire(revealingWith: revealing)
    }

    /// People under a unit (the caller's by default), by phone, ID number or name prefix,
    /// keyset-paged by `(name, id)`. `total_count` is computed on the first page only (no
    /// page token) and 0 on later pages.
    func find(_ request: MembershipV1.FindPeopleRequest) async throws -> MembershipV1.FindPeopleResponse {
        var root = scope.caller.unitPath
        if let ref = request.unit, !(ref.id.isEmpty && ref.divisionCode.isEmpty) {
            root = try await UnitStore(tx: scope.tx).find(ref).path
        }
        var conditions = ["p.unit_path <@ $1::ltree"]
        var binds: [PostgresValue] = [.text(root)]
        let phone = try Self.phone(request.phone)
        let idNumber = try Self.idNumber(request.idNumber)
        var searched: [String: String] = [:]
        if phone != nil || idNumber != nil { try authorizeSearch() }
        if let phone {
            let hash = Self.phoneIndex(vault, phone)
            binds.append(.text(hash))
            conditions.append("p.phone_hash = $\(binds.count)")
            searched["phone_hash"] = hash
        }
        if let idNumber {
            let hash = Self.idIndex(vault, idNumber)
            binds.append(.text(hash))
            conditions.append("p.id_hash = $\(binds.count)")
            searched["id_hash"] = hash
        }
        if !request.namePrefix.isEmpty {
            binds.append(.text(try Validate.name(request.namePrefix, field: "name_prefix", limit: 100)))
            conditions.append("starts_with(p.name, $\(binds.count))")
        }
        let page = try KeysetPage(request.page, keyParts: 2)
        if let key = try page.binds([.text, .uuid]) {
            binds += key
            conditions.append("(p.name, p.id) > ($\(binds.count - 1), $\(binds.count))")
        }
        let listing = try await scope.tx.listing(PersonRecord.self, page: page, key: { [$0.name, $0.id.lowercased] }, { columns in
            """
            SELECT \(columns) FROM membership.people AS p
             WHERE \(conditions.joined(separator: " AND "))
             ORDER BY p.name, p.id LIMIT \(page.fetchLimit)
            """
        }, binds)
        let people = try listing.rows.map { try $0.wire(revealingWith: revealing) }
        if !searched.isEmpty {
            // Who searched for what: the keyed hash, never the number (a dump of the audit
            // log reveals no more than a dump of the table).
            searched["found"] = String(listing.rows.count)
            searched["people"] = listing.rows.map { $0.id.lowercased }.joined(separator: ",")
            try await scope.audit("SearchPeople", target: "people/search", unitPath: root, searched)
        }
        try await auditReveal(listing.rows, unitPath: root)
        return MembershipV1.FindPeopleResponse(people: people, page: listing.info)
    }

    func addKinship(_ request: MembershipV1.AddKinshipRequest, rules: CompositionDefaults) async throws -> MembershipV1.AddKinshipResponse {
        let personID = try Validate.id(request.personId, field: "person_id")
        let relativeID = try Validate.id(request.relativeId, field: "relative_id")
        guard personID != relativeID else {
            throw MembershipError.invalidArgument(field: "relative_id", zh: "不能与本人建立亲属关系", en: "a person is not their own relative")
        }
        guard let relation = KinshipRelation(rawValue: request.relation) else {
            throw MembershipError.invalidArgument(
                field: "relation", zh: "亲属关系无效", en: "relation must be one of \(KinshipRelation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let store = PersonStore(tx: scope.tx)
        let person = try await store.find(personID)
        let relative: PersonRecord
        do { relative = try await store.find(relativeID) } catch MembershipError.notFound { throw MembershipError.notFound(what: "relative") }
        // A new close-relative link can break a constituted supervision committee (art. 32).
        let guardian = ConstitutedCouncilGuard(scope: scope, rules: rules)
        let councils = try await guardian.councilsAffected(by: [personID, relativeID])
        let violationsBefore = try await guardian.violations(councils)
        for (a, b, rel) in [(person, relative, relation), (relative, person, relation.inverse)] {
            try await scope.tx.execute(
                """
                INSERT INTO membership.kinships (person_id, relative_id, relation, unit_path, created_at, county_code)
                VALUES ($1, $2, $3, $4::ltree, $5, $6)
                ON CONFLICT (county_code, person_id, relative_id) DO UPDATE SET relation = EXCLUDED.relation
                """,
                [.uuid(a.id), .uuid(b.id), .text(rel.rawValue), .text(a.unitPath), .timestamp(scope.now), .text(a.countyCode)])
        }
        try await guardian.refuseNewViolations(councils, before: violationsBefore)
        try await scope.audit("AddKinship", target: "person/\(personID.lowercased)", unitPath: person.unitPath,
                              ["relative": relativeID.lowercased, "relation": relation.rawValue])
        return MembershipV1.AddKinshipResponse()
    }

    /// 密钥轮换 — re-encrypts, under the vault's current key, the phone and ID numbers of
    /// up to `batch_size` people of the subtree whose values are in the legacy format or
    /// under an old key (selected in SQL by the v2 header of the current key), in one round
    /// trip of updates; answers how many remain. Audited with counts and the key id only.
    func rotate(_ request: MembershipV1.RotatePIIKeyRequest) async throws -> MembershipV1.RotatePIIKeyResponse {
        var root = scope.caller.unitPath
        if let ref = request.unit, !(ref.id.isEmpty && ref.divisionCode.isEmpty) {
            root = try await UnitStore(tx: scope.tx).find(ref).path
        }
        let batch = request.batchSize == 0 ? 200 : Int(request.batchSize)
        guard (1...1000).contains(batch) else {
            throw MembershipError.invalidArgument(field: "batch_size", zh: "批量大小应为1至1000", en: "batch_size is 1–1000")
        }
        let header = PostgresValue.bytea(vault.currentHeader)
        let stale = """
            p.unit_path <@ $1::ltree
            AND ((p.phone_cipher IS NOT NULL AND substring(p.phone_cipher FROM 1 FOR length($2::bytea)) <> $2::bytea)
              OR (p.id_cipher IS NOT NULL AND substring(p.id_cipher FROM 1 FOR length($2::bytea)) <> $2::bytea))
            """
        let rows = try await scope.tx.query(
            "SELECT p.id, p.phone_cipher, p.id_cipher FROM membership.people AS p WHERE \(stale) ORDER BY p.id LIMIT \(batch) FOR UPDATE",
            [.text(root), header])
        var updates: [(sql: String, binds: [PostgresValue])] = []
        for row in rows {
            let id = try row["id"].decode(UUID.self)
            func rewrap(_ column: String, _ sealed: [UInt8]?) throws -> PostgresValue {
                guard let sealed else { return .null }
                guard vault.needsRewrap(sealed) else { return .bytea(sealed) }
                do {
                    let plain = try vault.open(sealed, for: PersonRecord.binding(id, column))
                    return .bytea(try vault.seal(plain, for: PersonRecord.binding(id, column)))
                } catch {
                    throw MembershipError.failedPrecondition(
                        rule: "pii.key_missing",
                        zh: "人员 \(id.lowercased) 的加密数据无法用现有密钥解密，请先配置旧密钥（TONGXIN_PII_OLD_KEYS）",
                        en: "a value of person \(id.lowercased) opens with none of the configured keys; add the old key to TONGXIN_PII_OLD_KEYS")
                }
            }
            updates.append((
                "UPDATE membership.people SET phone_cipher = $2, id_cipher = $3 WHERE id = $1",
                [.uuid(id), try rewrap("phone", try row["phone_cipher"].decode([UInt8]?.self)),
                 try rewrap("id_number", try row["id_cipher"].decode([UInt8]?.self))]))
        }
        // The updates and the count of what remains, in one round trip.
        let results = try await scope.tx.queries(updates + [(
            "SELECT count(*) AS n FROM membership.people AS p WHERE \(stale)", [.text(root), header])])
        let remaining = try results.last?.first?["n"].decode(Int64.self) ?? 0
        if !rows.isEmpty {
            try await scope.audit("RotatePIIKey", target: "people/pii", unitPath: root,
                                  ["key_id": vault.currentKeyID, "rewrapped": String(rows.count), "remaining": String(remaining)])
        }
        return MembershipV1.RotatePIIKeyResponse(keyId: vault.currentKeyID, rewrapped: Int64(rows.count), remaining: remaining)
    }

    // MARK: - Field rules

    static func phone(_ raw: String) throws(MembershipError) -> MobilePhone? {
        guard !raw.isEmpty else { return nil }
        do { return try MobilePhone(raw) } catch { throw .invalid(error) }
    }

    static func idNumber(_ raw: String) throws(MembershipError) -> ChineseIDNumber? {
        guard !raw.isEmpty else { return nil }
        do { return try ChineseIDNumber(raw) } catch { throw .invalid(error) }
    }

    static func sector(_ raw: String) throws(MembershipError) -> Sector {
        guard !raw.isEmpty else { return .resident }
        guard let sector = Sector(rawValue: raw) else {
            throw .invalidArgument(field: "sector", zh: "界别无效", en: "unknown sector \(raw)")
        }
        return sector
    }

    static func posts(_ raw: [String]) throws(MembershipError) -> [Post] {
        var posts: [Post] = []
        for value in raw {
            guard let post = Post(rawValue: value) else {
                throw .invalidArgument(field: "posts", zh: "职务无效", en: "unknown post \(value)")
            }
            if !posts.contains(post) { posts.append(post) }
        }
        return posts
    }

    /// Keyed hashes, with a domain prefix so a phone and an ID number never share an index value.
    static func phoneIndex(_ vault: PIIVault, _ phone: MobilePhone) -> String { vault.blindIndex("phone:" + phone.value) }
    static func idIndex(_ vault: PIIVault, _ id: ChineseIDNumber) -> String { vault.blindIndex("id:" + id.value) }

    static func duplicate(_ error: PostgresError) -> MembershipError {
        if error.constraint == "people_phone_hash_per_tenant" {
            return .alreadyExists(field: "phone", zh: "本乡镇已有人员使用该手机号码", en: "a person of this town already has this phone number")
        }
        return .alreadyExists(field: "id_number", zh: "本乡镇已登记该身份证号码", en: "a person of this town already has this ID number")
    }
}

extension KinshipRelation {
    /// What the person is to the relative, when the relative is `self` to the person.
    var inverse: KinshipRelation {
        switch self {
        case .spouse: .spouse
        case .parent: .child
        case .child: .parent
        case .sibling: .sibling
        case .grandparent: .grandchild
        case .grandchild: .grandparent
        case .parentInLaw: .childInLaw
        case .childInLaw: .parentInLaw
        case .siblingInLaw: .siblingInLaw
        case .uncleOrAunt: .nephewOrNiece
        case .nephewOrNiece: .uncleOrAunt
        case .cousin: .cousin
        }
    }
}
