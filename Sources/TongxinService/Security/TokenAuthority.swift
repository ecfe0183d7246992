@preconcurrency import Crypto
import Foundation

/// 调用凭证 — issues and verifies caller tokens.
///
/// Format (base64url without padding, every part):
///
///     v2.<header>.<claims>.<signature>
///
/// - `header` is JSON `{"alg":"HS256"|"EdDSA","kid":"<key id>"}`. The algorithm must be
///   one of the allowed set (`HS256`, `EdDSA`; `none` and everything else are refused) and
///   must be the algorithm of the key `kid` names, so an HMAC key is never used to "verify"
///   an EdDSA token or the other way round (no algorithm confusion).
/// - `claims` is JSON with `iss` (issuer), `aud` (audience), `sub` (principal), `unit`
///   (ltree scope), `perms`, `iat` and `exp` (seconds since the epoch).
/// - `signature` is HMAC-SHA256 (HS256, the shared secret `TONGXIN_AUTH_SECRET`) or
///   Ed25519 (EdDSA) over the ASCII bytes `v2.<header>.<claims>`.
///
/// The verifier refuses (UNAUTHENTICATED) a token that is expired (`exp <= now`), issued in
/// the future beyond ``clockSkew``, lives longer than ``maximumLifetime`` (`exp − iat`,
/// 12 h by default), names an unknown `kid`, or whose `aud` is not the verifying service.
///
/// **Audience (受众)**: a service accepts only tokens whose `aud` is its own name
/// (`membership`); a token for the gateway (`aud: gateway`, what end users hold) is refused
/// by every service. The gateway verifies the user's token and forwards the principal to a
/// service with a new token for that service, signed with its Ed25519 key: services hold only
/// the public key (`TONGXIN_AUTH_ED25519_KEYS`), so a compromised service can verify but
/// cannot mint a county-wide token for another service. HS256 under the shared secret
/// remains for `tongxinctl`, the bench and tests until the gateway exists.
public struct TokenAuthority: Sendable {
    /// The signature algorithms a token may name.
    public enum Algorithm: String, Sendable, CaseIterable, Codable {
        case hs256 = "HS256"
        case edDSA = "EdDSA"
    }

    /// A key that verifies tokens, by algorithm.
    public enum VerificationKey: Sendable {
        case hs256(SymmetricKey)
        case edDSA(Curve25519.Signing.PublicKey)

        var algorithm: Algorithm {
            switch self {
            case .hs256: .hs256
            case .edDSA: .edDSA
            }
        }
    }

    /// A key that signs tokens.
    public enum SigningKey: Sendable {
        case hs256(SymmetricKey)
        case edDSA(Curve25519.Signing.PrivateKey)

        var algorithm: Algorithm {
            switch self {
            case .hs256: .hs256
            case .edDSA: .edDSA
            }
        }

        var verificationKey: VerificationKey {
            switch self {
            case .hs256(let key): .hs256(key)
            case .edDSA(let key): .edDSA(key.publicKey)
            }
        }
    }

    /// The key id of the shared HMAC secret unless configured otherwise.
    public static let defaultSecretKeyID = "hs1"
    /// 12 hours: the longest `exp − iat` a verifier accepts by default.
    public static let defaultMaximumLifetime: Int64 = 12 * 3600

    /// Verification keys by key id.
    public private(set) var keys: [String: VerificationKey]
    /// The key `issue` signs with, and its id (nil: this authority only verifies).
    public let signing: (keyID: String, key: SigningKey)?
    /// The `iss` written into tokens whose caller has none.
    public var issuer: String
    /// The longest lifetime (`exp − iat`) accepted.
    public var maximumLifetime: Int64
    /// How far in the future `iat` may be (clocks of issuer and verifier differ slightly).
    public var clockSkew: Int64

    /// Signs and verifies with the shared HMAC-SHA256 secret under `keyID`.
    public init(secret: [UInt8], keyID: String = TokenAuthority.defaultSecretKeyID, issuer: String = "tongxin",
                maximumLifetime: Int64 = TokenAuthority.defaultMaximumLifetime, clockSkew: Int64 = 60) {
        let key = SymmetricKey(data: secret)
        self.init(signingKeyID: keyID, signingKey: .hs256(key), issuer: issuer,
                  maximumLifetime: maximumLifetime, clockSkew: clockSkew)
    }

    /// Signs with `signingKey` under `signingKeyID` (verifying it too), and verifies `verifying`.
    public init(signingKeyID: String?, signingKey: SigningKey?, verifying: [String: VerificationKey] = [:],
                issuer: String = "tongxin", maximumLifetime: Int64 = TokenAuthority.defaultMaximumLifetime,
                clockSkew: Int64 = 60) {
        var keys = verifying
        if let signingKeyID, let signingKey {
            keys[signingKeyID] = signingKey.verificationKey
            signing = (signingKeyID, signingKey)
        } else {
            signing = nil
        }
        self.keys = keys
        self.issuer = issuer
        self.maximumLifetime = maximumLifetime
        self.clockSkew = clockSkew
    }

    /// The same authority also verifying `key` under `keyID` (e.g. the gateway's Ed25519
    /// public key).
    public func verifying(_ keyID: String, _ key: VerificationKey) -> TokenAuthority {
        var copy = self
        copy.keys[keyID] = key
        return copy
    }

    struct Header: Codable {
        var alg: String
        var kid: String
    }

    struct Claims: Codable {
        var iss: String
        var aud: String
        var sub: String
        var unit: String
        var perms: [String]
        var iat: Int64
        var exp: Int64
    }

    /// A signed token for `caller` (its `audience`, `issuedAt` and `expiresAt`; `iss` is
    /// the caller's issuer or this authority's). Precondition: this authority can sign.
    public func issue(_ caller: Caller) -> String {
        guard let signing else { preconditionFailure("this TokenAuthority holds no signing key") }
        let header = Header(alg: signing.key.algorithm.rawValue, kid: signing.keyID)
        let claims = Claims(
            iss: caller.issuer.isEmpty ? issuer : caller.issuer, aud: caller.audience, sub: caller.principal,
            unit: caller.unitPath, perms: caller.permissions.sorted(), iat: caller.issuedAt, exp: caller.expiresAt)
        let encoder = JSONEncoder.sorted
        let head = "v2." + Base64URL.encode((try? encoder.encode(header)) ?? Data()) + "."
            + Base64URL.encode((try? encoder.encode(claims)) ?? Data())
        let signature: Data
        switch signing.key {
        case .hs256(let key):
            signature = Data(HMAC<SHA256>.authenticationCode(for: Data(head.utf8), using: key))
        case .edDSA(let key):
            signature = (try? key.signature(for: Data(head.utf8))) ?? Data()
        }
        return head + "." + Base64URL.encode(signature)
    }

    /// The caller of an `authorization` metadata value (`Bearer v2.…`, the prefix optional)
    /// for the service `audience`, or why it is refused: the one check every service and
    /// interceptor uses.
    public func verify(authorization header: String?, audience: String, now: Int64) throws(AuthenticationFailure) -> Caller {
        guard let header, !header.isEmpty else { throw .missing }
        let token = header.hasPrefix("Bearer ") ? String(header.dropFirst("Bearer ".count)) : header
        return try verify(token, audience: audience, now: now)
    }

    /// The caller of a token meant for `audience`, or why it is refused.
    public func verify(_ token: String, audience: String, now: Int64) throws(AuthenticationFailure) -> Caller {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "v2",
              let headerBytes = Base64URL.decode(String(parts[1])),
              let payload = Base64URL.decode(String(parts[2])),
              let signature = Base64URL.decode(String(parts[3])),
              let header = try? JSONDecoder().decode(Header.self, from: headerBytes) else {
            throw .malformed
        }
        guard let algorithm = Algorithm(rawValue: header.alg) else { throw .unsupportedAlgorithm }
        guard let key = keys[header.kid] else { throw .unknownKey }
        guard key.algorithm == algorithm else { throw .unsupportedAlgorithm }
        let signed = Data(token.utf8.prefix(parts[0].utf8.count + parts[1].utf8.count + parts[2].utf8.count + 2))
        switch key {
        case .hs256(let key):
            guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed, using: key) else {
                throw .badSignature
            }
        case .edDSA(let key):
            guard key.isValidSignature(signature, for: signed) else { throw .badSignature }
        }
        guard let claims = try? JSONDecoder().decode(Claims.self, from: payload) else { throw .malformed }
        guard !claims.sub.isEmpty, !claims.unit.isEmpty, !claims.iss.isEmpty else { throw .malformed }
        guard claims.exp > now else { throw .expired }
        guard claims.iat <= now + clockSkew else { throw .notYetValid }
        guard claims.exp - claims.iat <= maximumLifetime, claims.exp > claims.iat else { throw .lifetimeTooLong }
        guard claims.aud == audience else { throw .wrongAudience }
        return Caller(
            principal: claims.sub, unitPath: claims.unit, permissions: Set(claims.perms), expiresAt: claims.exp,
            issuedAt: claims.iat, audience: claims.aud, issuer: claims.iss)
    }
}

/// Why a token was refused (all map to UNAUTHENTICATED).
public enum AuthenticationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case missing, malformed, badSignature, expired
    /// `alg` is not HS256 or EdDSA (e.g. `none`), or not the algorithm of the key `kid` names.
    case unsupportedAlgorithm
    /// `kid` names no key this service holds.
    case unknownKey
    /// `iat` lies in the future beyond the allowed clock skew.
    case notYetValid
    /// `exp − iat` exceeds the maximum lifetime.
    case lifetimeTooLong
    /// `aud` is not this service.
    case wrongAudience

    public var description: String {
        switch self {
        case .missing: return "no caller token (metadata \"authorization: Bearer …\")"
        case .malformed: return "the caller token is malformed"
        case .badSignature: return "the caller token's signature does not verify"
        case .expired: return "the caller token has expired"
        case .unsupportedAlgorithm: return "the caller token's algorithm is not allowed"
        case .unknownKey: return "the caller token's key id is unknown"
        case .notYetValid: return "the caller token is issued in the future"
        case .lifetimeTooLong: return "the caller token's lifetime exceeds the maximum"
        case .wrongAudience: return "the caller token is meant for another audience"
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
