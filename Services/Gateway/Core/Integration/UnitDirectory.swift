import Foundation
import GatewayRules
import MembershipAPI
import Synchronization
import TongxinRPC
import TongxinSchemas

/// 区划代码 → 单位 — government systems address units by their 12-digit official division
/// code (统计用区划代码, DOMAIN.md §"Places"); the services scope by the unit's ltree path,
/// which only membership's tree knows (the deployment's root and every unit between). The
/// gateway asks membership (`GetUnit` by division code) inside the caller's scope, so a code
/// outside it is NOT_FOUND exactly like an unknown one, and remembers paths found for
/// ``ttl`` seconds (a path found for one caller is handed to another only inside that
/// caller's scope). A unit moved by `MoveUnit` is seen at its new place within ``ttl``.
public final class UnitDirectory: Sendable {
    let calls: ServiceCalls
    let ttl: Double
    private let found = Mutex<[String: (path: UnitPath, at: Double)]>([:])
    /// Codes anonymous readers asked for that no root has, remembered for a minute (probing costs calls).
    private let missing = Mutex<[String: Double]>([:])

    init(calls: ServiceCalls, ttl: Double = 300) {
        self.calls = calls
        self.ttl = ttl
    }

    static func notFound() -> RPCError {
        RPCError(code: .notFound, message: "unit not found / 单位不存在",
                 detail: ErrorDetail(field: "division_code", messageZH: "单位不存在", messageEN: "no such unit"))
    }

    static func invalid() -> RPCError {
        RPCError(code: .invalidArgument, message: "division_code must be the unit's 12-digit division code / 区划代码须为12位数字",
                 detail: ErrorDetail(field: "division_code", messageZH: "区划代码须为12位数字", messageEN: "must be a 12-digit division code"))
    }

    /// The path of the unit `code` names inside `scope` (the unit the call acts for).
    func resolve(_ code: String, within scope: UnitPath, principal: String, deadline: ContinuousClock.Instant?,
                 traceID: String?) async throws -> UnitPath {
        guard DivisionCode.isValid(code) else { throw Self.invalid() }
        if scope.labels.last.map({ $0.dropFirst() == code }) == true { return scope }
        if let path = cached(code) {
            guard scope.covers(path) else { throw Self.notFound() }
            return path
        }
        guard let path = try await lookUp(code, in: scope, principal: principal, deadline: deadline, traceID: traceID),
              scope.covers(path) else {
            throw Self.notFound()
        }
        remember(code, path)
        return path
    }

    /// The path of `code` for a caller with no scope (an anonymous reader of open data):
    /// the paths the code would have under each root a deployment may have
    /// (``DivisionCode/candidatePaths(_:)``), asked in turn as the gateway itself, reading
    /// only that unit.
    func resolvePublic(_ code: String, deadline: ContinuousClock.Instant?, traceID: String?) async throws -> UnitPath {
        guard DivisionCode.isValid(code) else { throw Self.invalid() }
        if let path = cached(code) { return path }
        let now = Date().timeIntervalSince1970
        if let at = missing.withLock({ $0[code] }), now - at < 60 { throw Self.notFound() }
        for candidate in DivisionCode.candidatePaths(code) {
            if let path = try await lookUp(code, in: candidate, principal: "anonymous", deadline: deadline, traceID: traceID),
               path == candidate {
                remember(code, path)
                return path
            }
        }
        missing.withLock { missing in
            if missing.count > 10_000 { missing.removeAll() }
            missing[code] = now
        }
        throw Self.notFound()
    }

    private func lookUp(_ code: String, in scope: UnitPath, principal: String, deadline: ContinuousClock.Instant?,
                        traceID: String?) async throws -> UnitPath? {
        do {
            let unit = try await calls.call(
                "membership", MembershipV1.Membership.Method.getUnit, MembershipV1.GetUnitRequest(unit: .init(divisionCode: code)),
                principal: principal, unitPath: scope.description, permissions: [GatewayPermission.membershipRead],
                deadline: deadline, traceID: traceID)
            return UnitPath(unit.path)
        } catch let error as RPCError where error.code == .notFound || error.code == .invalidArgument {
            return nil
        }
    }

    private func cached(_ code: String) -> UnitPath? {
        let now = Date().timeIntervalSince1970
        return found.withLock { found in
            guard let entry = found[code], now - entry.at < ttl else { return nil }
            return entry.path
        }
    }

    private func remember(_ code: String, _ path: UnitPath) {
        let now = Date().timeIntervalSince1970
        found.withLock { found in
            if found.count > 50_000 { found.removeAll() }
            found[code] = (path, now)
        }
    }
}
