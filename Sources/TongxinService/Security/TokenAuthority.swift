@preconcurrency import Crypto
import Foundation

/// Issues and verifies caller tokens: `v1.<payload>.<mac>`, base64url, where the payload
/// is the JSON of a `Caller` and the MAC is HMAC-SHA256 under the deployment's secret.
///
/// The gateway (and `tongxinctl` for administrators) issues them; every service verifies
/// them on every call, so a service reached directly still knows the caller's scope.
public struct TokenAuthority: Sendable {
    private let key: SymmetricKey

    public init(secret: [UInt8]) {
        self.key = SymmetricKey(data: secret)
    }

    public func issue(_ caller: Caller) -> String {
        let payload = (try? JSONEncoder.sorted.encode(caller)) ?? Data()
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return "v1." + Base64URL.encode(payload) + "." + Base64URL.encode(Data(mac))
    }

    /// The caller of an `authorization` metadata value (`Bearer v1.…`, the prefix optional),
    /// or why it is refused: the one check every service and interceptor uses.
    public func verify(authorization header: String?, now: Int64) throws(AuthenticationFailure) -> Caller {
        guard let header, !header.isEmpty else { throw .missing }
        let token = header.hasPrefix("Bearer ") ? String(header.dropFirst("Bearer ".count)) : header
        return try verify(token, now: now)
    }

    /// The caller of a token, or why it is refused.
    public func verify(_ token: String, now: Int64) throws(AuthenticationFailure) -> Caller {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1",
              let payload = Base64URL.decode(String(parts[1])),
              let mac = Base64URL.decode(String(parts[2])) else {
            throw .malformed
        }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key) else {
            throw .badSignature
        }
        guard let caller = try? JSONDecoder().decode(Caller.self, from: payload) else { throw .malformed }
        guard caller.expiresAt > now else { throw .expired }
        guard !caller.principal.isEmpty, !caller.unitPath.isEmpty else { throw .malformed }
        return caller
    }
}

/// Why a token was refused (all map to UNAUTHENTICATED).
public enum AuthenticationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case missing, malformed, badSignature, expired

    public var description: String {
        switch self {
        case .missing: return "no caller token (metadata \"authorization: Bearer …\")"
        case .malformed: return "the caller token is malformed"
        case .badSignature: return "the caller token's signature does not verify"
        case .expired: return "the caller token has expired"
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

/// RFC 4648 §5 base64url without padding.
public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
