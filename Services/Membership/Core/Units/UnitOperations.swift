import TongxinService
import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 单元管理 — create, rename, move, retire and list administrative units (issue 3 §1).
struct UnitOperations {
    let scope: CallScope
    var store: UnitStore { UnitStore(tx: scope.tx) }

    func create(_ request: MembershipV1.CreateUnitRequest) async throws -> MembershipV1.Unit {
        let code = try Validate.divisionCode(request.divisionCode)
        let name = try Validate.name(request.name)
        let households = try Validate.count(request.householdCount, field: "household_count")
        let level = try Self.level(declared: request.level, code: code)
        var parent: UnitRecord?
        if let ref = request.parent, !(ref.id.isEmpty && ref.divisionCode.isEmpty) {
            parent = try await store.find(ref, what: "parent unit")
        }
        try Self.checkPlacement(level: level, code: code, parent: parent)
        guard let unit = try await store.insert(
            id: UUID(), code: code.value, name: name, level: level, parent: parent, households: households, now: scope.now)
        else {
            throw MembershipError.alreadyExists(
                field: "division_code", zh: "区划代码 \(code.value) 已登记", en: "division code \(code.value) is already registered")
        }
        try await scope.audit("CreateUnit", target: "unit/\(unit.id.lowercased)", unitPath: unit.path,
                              ["division_code": unit.code])
        return unit.wire
    }

    func get(_ request: MembershipV1.GetUnitRequest) async throws -> MembershipV1.Unit {
        try await store.find(request.unit).wire
    }

    func update(_ request: MembershipV1.UpdateUnitRequest) async throws -> MembershipV1.Unit {
        let name = try request.name.map { value throws(MembershipError) in try Validate.name(value.value) }
        let households = try request.householdCount.map { value throws(MembershipError) in
            try Validate.count(value.value, field: "household_count")
        }
        let unit = try await store.find(request.unit, forUpdate: true)
        guard name != nil || households != nil else { return unit.wire }
        let updated = try await store.update(unit.id, name: name, households: households, now: scope.now)
        var detail: [String: String] = [:]
        if name != nil { detail["name"] = "changed" }
        if let households { detail["household_count"] = String(households) }
        try await scope.audit("UpdateUnit", target: "unit/\(unit.id.lowercased)", unitPath: updated.path, detail)
        return updated.wire
    }

    func move(_ request: MembershipV1.MoveUnitRequest) async throws -> MembershipV1.Unit {
        let unit = try await store.find(request.unit, forUpdate: true)
        let parent = try await store.find(request.newParent, what: "parent unit", forUpdate: true)
        if unit.parentID == parent.id { return unit.wire }
        guard !parent.path.hasPrefix(unit.path + "."), parent.id != unit.id else {
            throw MembershipError.failedPrecondition(
                rule: "place.move.into_own_subtree",
                zh: "不能把单元迁入它自己的下级", en: "a unit cannot be moved under its own subtree")
        }
        guard !parent.isRetired else { throw Self.retired(parent) }
        guard unit.level.canBeChild(of: parent.level) else {
            throw Self.wrongLevel(unit.level, under: parent.level)
        }
        // A subtree never changes county: `county_code` is the distribution key of every row
        // in it (0006_county_distribution.sql) and is never rewritten.
        guard parent.countyCode == unit.countyCode else {
            throw MembershipError.failedPrecondition(
                rule: "place.move.across_county",
                zh: "不能把单元迁到另一个县（市、区）", en: "a unit cannot be moved into another county")
        }
        let newPath = "\(parent.path).\(UnitRecord.label(code: unit.code))"
        let newTenant = UnitRecord.tenantPath(level: unit.level, path: newPath, parent: parent)
        do {
            try await SubtreeMove(tx: scope.tx).move(from: unit.path, to: newPath, newTenant: newTenant, now: scope.now)
        } catch let error as PostgresError where error.kind == .uniqueViolation {
            throw MembershipError.failedPrecondition(
                rule: "place.move.person_conflict",
                zh: "迁入的人员与目标乡镇已登记人员的身份证号或手机号重复",
                en: "a person in the moved subtree has the ID number or phone of someone already registered in the destination town")
        }
        try await scope.tx.execute(
            "UPDATE membership.units SET parent_id = $2, updated_at = $3 WHERE id = $1",
            [.uuid(unit.id), .uuid(parent.id), .timestamp(scope.now)])
        let moved = try await store.find(id: unit.id)
        try await scope.audit("MoveUnit", target: "unit/\(unit.id.lowercased)", unitPath: moved.path,
                              ["from": unit.path, "to": moved.path])
        return moved.wire
    }

    func retire(_ request: MembershipV1.RetireUnitRequest) async throws -> MembershipV1.Unit {
        let reason = try Validate.text(request.reason, field: "reason")
        let unit = try await store.find(request.unit, forUpdate: true)
        if unit.isRetired { return unit.wire }
        let children = try await store.activeChildren(of: unit.id)
        guard children == 0 else {
            throw MembershipError.failedPrecondition(
                rule: "place.retire.active_children",
                zh: "该单元还有 \(children) 个未撤销的下级单元", en: "the unit still has \(children) active child units")
        }
        let retired = try await store.retire(unit.id, reason: reason, now: scope.now)
        try await scope.audit("RetireUnit", target: "unit/\(unit.id.lowercased)", unitPath: unit.path,
                              ["reason": reason.isEmpty ? "none" : "recorded on the unit"])
        return retired.wire
    }

    /// The subtree under `root` (the caller's unit by default), keyset-paged by unit path.
    /// `total_count` is computed on the first page only (no page token) and 0 on later pages.
    func list(_ request: MembershipV1.ListUnitsRequest) async throws -> MembershipV1.ListUnitsResponse {
        let root: String
        if let ref = request.root, !(ref.id.isEmpty && ref.divisionCode.isEmpty) {
            root = try await store.find(ref).path
        } else {
            root = scope.caller.unitPath
        }
        let page = try KeysetPage(request.page, keyParts: 1)
        // The key is the last unit path of the previous page; anything else is refused here
        // rather than failing the ltree cast in SQL.
        if let after = page.after?.first, !Self.isUnitPath(after, under: root) { throw KeysetPage.invalidToken }
        let listing = try await store.list(under: root, includeRetired: request.includeRetired, page: page)
        return MembershipV1.ListUnitsResponse(units: listing.rows.map(\.wire), page: listing.info)
    }

    /// A unit path (`u<code>` labels joined by dots) inside `root`'s subtree.
    static func isUnitPath(_ text: String, under root: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let wellFormed = labels.allSatisfy { label in
            label.count > 1 && label.count <= 32 && label.first == "u" && label.dropFirst().allSatisfy(\.isASCII) && label.dropFirst().allSatisfy(\.isNumber)
        }
        return wellFormed && (text == root || text.hasPrefix(root + "."))
    }

    // MARK: - Rules of placement

    /// The level a request declares must be the one its code implies (统计用区划代码 encodes
    /// the level in its trailing digits); an unspecified level takes the implied one.
    static func level(declared: MembershipV1.UnitLevel, code: DivisionCode) throws -> AdministrativeLevel {
        guard let level = try AdministrativeLevel(wire: declared) else { return code.impliedLevel }
        guard level == code.impliedLevel else {
            throw MembershipError.invalidArgument(
                field: "level",
                zh: "层级为\(level.nameZH)，但区划代码 \(code.value) 表示\(code.impliedLevel.nameZH)",
                en: "level \(level.nameEN) does not match division code \(code.value), which names a \(code.impliedLevel.nameEN)")
        }
        return level
    }

    /// A unit hangs one level below its parent, inside its parent's code; a root is a
    /// county or city.
    static func checkPlacement(level: AdministrativeLevel, code: DivisionCode, parent: UnitRecord?) throws {
        guard let parent else {
            guard level == .countyCity else {
                throw MembershipError.missing("parent")
            }
            return
        }
        guard !parent.isRetired else { throw retired(parent) }
        guard level.canBeChild(of: parent.level) else { throw wrongLevel(level, under: parent.level) }
        if let parentCode = try? DivisionCode(parent.code), !parentCode.contains(code) {
            throw MembershipError.invalidArgument(
                field: "division_code",
                zh: "区划代码 \(code.value) 不在上级单元 \(parent.code) 的范围内",
                en: "division code \(code.value) does not lie under the parent's code \(parent.code)")
        }
    }

    static func wrongLevel(_ level: AdministrativeLevel, under parent: AdministrativeLevel) -> MembershipError {
        .invalidArgument(
            field: "level",
            zh: "\(level.nameZH)不能设在\(parent.nameZH)之下", en: "a \(level.nameEN) cannot be placed under a \(parent.nameEN)")
    }

    static func retired(_ unit: UnitRecord) -> MembershipError {
        .failedPrecondition(rule: "place.retired", zh: "单元 \(unit.name) 已撤销", en: "unit \(unit.name) is retired")
    }
}
