import Foundation
import GatewayRules
import TongxinService

/// 调用方 — who a call comes from, as the gateway established it from its credential:
/// an account with its grants (a session or an API key), or a tooling token (HS256 under
/// the shared secret, `aud: gateway`, for `tongxinctl` and the bench on the server itself).
public struct Identity: Sendable {
    public enum Source: Sendable, Hashable {
        /// A login session; the SHA-256 of its token.
        case session([UInt8])
        case apiKey(UUID)
        /// A token signed for the gateway's audience by tooling on the server.
        case toolToken
    }

    public var account: String
    public var homeUnitPath: String
    public var source: Source
    /// The account's grants (for a tooling token: none, see ``toolScope``).
    var grants: [GrantRecord]
    /// A tooling token's unit and permissions.
    var toolScope: (unit: UnitPath, permissions: Set<String>)?

    /// What the caller may do at `target`: the union of the roles of every grant whose unit
    /// covers it (a grant covers its unit's subtree), plus `gateway.session`. Empty (not
    /// even `gateway.session`) when nothing covers `target`.
    public func permissions(at target: UnitPath) -> Set<String> {
        var permissions: Set<String> = []
        if let toolScope {
            if toolScope.unit.covers(target) { permissions = toolScope.permissions }
        } else {
            for grant in grants where grant.unitPath.covers(target) {
                permissions.formUnion(grant.role.permissions)
            }
        }
        if !permissions.isEmpty { permissions.insert(GatewayPermission.session) }
        return permissions
    }

    /// The unit a call acts for when it names none: the unit of the caller's grants when
    /// they are all at one unit (nil when there are several: the call must say).
    public var defaultUnit: UnitPath? {
        if let toolScope { return toolScope.unit }
        let units = Set(grants.map(\.unitPath))
        return units.count == 1 ? units.first : nil
    }
}

extension Identity {
    /// The `Identity` of the current call, bound by ``GatewayInterceptor``.
    @TaskLocal public static var bound: Identity?
}
