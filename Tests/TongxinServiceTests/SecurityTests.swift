import Crypto
import Foundation
import Testing
@testable import TongxinService

@Suite("Caller tokens and personal-data encryption")
struct SecurityTests {
    let authority = TokenAuthority(secret: Array("0123456789abcdef0123456789abcdef".utf8))
    let caller = Caller(principal: "clerk-01", unitPath: "u330100000000.u330102000000", permissions: ["membership.write"],
                        expiresAt: 1_000, issuedAt: 500, audience: "membership", issuer: "tongxin")

    @Test("a token verifies to the caller it was issued for, claims included")
    func roundTrip() throws {
        #expect(try authority.verify(authority.issue(caller), audience: "membership", now: 999) == caller)
    }

    @Test("a token is refused from the second it expires")
    func expiryBoundary() {
        let token = authority.issue(caller)
        #expect(throws: AuthenticationFailure.expired) { try authority.verify(token, audience: "membership", now: 1_000) }
    }

    @Test("a token whose scope was edited no longer verifies")
    func tamperedScope() throws {
        let token = authority.issue(caller)
        var widened = caller
        widened.unitPath = "u330100000000"
        let forged = authority.issue(widened).split(separator: ".")[2]
        let parts = token.split(separator: ".")
        let tampered = "\(parts[0]).\(parts[1]).\(forged).\(parts[3])"
        #expect(throws: AuthenticationFailure.badSignature) { try authority.verify(tampered, audience: "membership", now: 600) }
    }

    @Test("a token signed with another secret is refused")
    func otherSecret() {
        let other = TokenAuthority(secret: Array("another-secret-another-secret-xx".utf8))
        #expect(throws: AuthenticationFailure.badSignature) { try authority.verify(other.issue(caller), audience: "membership", now: 600) }
    }

    @Test("garbage is malformed, not a crash", arguments: ["", "v1", "v2...", "v1.e30.AA", "v2.e30.e30.AA", "v2.!!!.???.x", "v2.e30"])
    func garbage(token: String) {
        #expect(throws: AuthenticationFailure.self) { try authority.verify(token, audience: "membership", now: 0) }
    }

    @Test("a token for another audience (another service, or the gateway) is refused")
    func wrongAudience() {
        var forGateway = caller
        forGateway.audience = "gateway"
        #expect(throws: AuthenticationFailure.wrongAudience) { try authority.verify(authority.issue(forGateway), audience: "membership", now: 600) }
        #expect(throws: AuthenticationFailure.wrongAudience) { try authority.verify(authority.issue(caller), audience: "agenda", now: 600) }
    }

    @Test("a lifetime (exp − iat) over 12 hours is refused even while the token is unexpired")
    func overLongLifetime() throws {
        var long = caller
        long.issuedAt = 0
        long.expiresAt = 12 * 3600 + 1
        #expect(throws: AuthenticationFailure.lifetimeTooLong) { try authority.verify(authority.issue(long), audience: "membership", now: 10) }
        long.expiresAt = 12 * 3600
        #expect(try authority.verify(authority.issue(long), audience: "membership", now: 10).principal == "clerk-01")
    }

    @Test("a token issued in the future beyond the clock skew is refused")
    func issuedInTheFuture() throws {
        #expect(throws: AuthenticationFailure.notYetValid) { try authority.verify(authority.issue(caller), audience: "membership", now: 400) }
        #expect(try authority.verify(authority.issue(caller), audience: "membership", now: 450).principal == "clerk-01")
    }

    /// A token with `header` in place of the issued one, and `signature` (default: the issued one).
    func reheader(_ token: String, _ header: String, signature: String? = nil) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return "v2." + Base64URL.encode(Data(header.utf8)) + "." + parts[2] + "." + (signature ?? String(parts[3]))
    }

    @Test("alg none, an unknown alg or an unknown kid is refused", arguments: [
        (#"{"alg":"none","kid":"hs1"}"#, AuthenticationFailure.unsupportedAlgorithm),
        (#"{"alg":"RS256","kid":"hs1"}"#, .unsupportedAlgorithm),
        (#"{"alg":"HS256","kid":"hs9"}"#, .unknownKey),
    ])
    func unknownAlgorithmOrKey(header: String, failure: AuthenticationFailure) {
        let token = authority.issue(caller)
        #expect(throws: failure) { try authority.verify(reheader(token, header), audience: "membership", now: 600) }
        #expect(throws: failure) { try authority.verify(reheader(token, header, signature: ""), audience: "membership", now: 600) }
    }

    @Test("EdDSA: the gateway signs with its private key; a service verifies with the public key only and cannot sign")
    func edDSA() throws {
        let gatewayKey = Curve25519.Signing.PrivateKey()
        let gateway = TokenAuthority(signingKeyID: "gw1", signingKey: .edDSA(gatewayKey), issuer: "gateway")
        let service = TokenAuthority(secret: Array("0123456789abcdef0123456789abcdef".utf8))
            .verifying("gw1", .edDSA(gatewayKey.publicKey))
        var forwarded = caller
        forwarded.issuer = ""
        let token = gateway.issue(forwarded)
        #expect(token.hasPrefix("v2." + Base64URL.encode(Data(#"{"alg":"EdDSA","kid":"gw1"}"#.utf8))))
        let verified = try service.verify(token, audience: "membership", now: 600)
        #expect(verified.issuer == "gateway")
        #expect(verified.principal == caller.principal)
        // Algorithm confusion: an HMAC token naming the gateway's kid, or an EdDSA header on the HMAC kid.
        let hmac = service.issue(caller)
        #expect(throws: AuthenticationFailure.unsupportedAlgorithm) {
            try service.verify(reheader(hmac, #"{"alg":"HS256","kid":"gw1"}"#), audience: "membership", now: 600)
        }
        #expect(throws: AuthenticationFailure.unsupportedAlgorithm) {
            try service.verify(reheader(token, #"{"alg":"EdDSA","kid":"hs1"}"#), audience: "membership", now: 600)
        }
        // Another Ed25519 key under the same kid does not verify.
        let impostor = TokenAuthority(signingKeyID: "gw1", signingKey: .edDSA(Curve25519.Signing.PrivateKey()))
        #expect(throws: AuthenticationFailure.badSignature) { try service.verify(impostor.issue(caller), audience: "membership", now: 600) }
    }

    let vault = PIIVault(encryptionKey: Array(repeating: 7, count: 32), hashKey: Array(repeating: 9, count: 32))

    let here = PIIVault.Binding(table: "membership.people", column: "id_number", row: "row-1")

    @Test("personal data opens to the same text, and sealing twice gives different bytes")
    func sealOpen() throws {
        let first = try vault.seal("330102199001011234", for: here)
        let second = try vault.seal("330102199001011234", for: here)
        #expect(first != second)
        #expect(try vault.open(first, for: here) == "330102199001011234")
        #expect(!String(decoding: first, as: UTF8.self).contains("3301021990"))
        #expect(PIIVault.keyID(of: first) == "k1")
    }

    @Test("a flipped ciphertext bit is detected")
    func tamperedCiphertext() throws {
        var sealed = try vault.seal("13812345678", for: here)
        sealed[sealed.count / 2] ^= 0x01
        #expect(throws: PIIVaultError.openFailed) { try vault.open(sealed, for: here) }
    }

    @Test("a ciphertext moved to another row or column, or relabelled with another key id, does not open")
    func boundToRowAndColumn() throws {
        let sealed = try vault.seal("330102199001011234", for: here)
        var otherRow = here
        otherRow.row = "row-2"
        var otherColumn = here
        otherColumn.column = "phone"
        #expect(throws: PIIVaultError.openFailed) { try vault.open(sealed, for: otherRow) }
        #expect(throws: PIIVaultError.openFailed) { try vault.open(sealed, for: otherColumn) }
        let twoKeys = PIIVault(currentKeyID: "k2", keys: ["k1": Array(repeating: 7, count: 32), "k2": Array(repeating: 7, count: 32)],
                               hashKey: Array(repeating: 9, count: 32))
        // The same key bytes under another id: the id is bound too.
        var relabelled = sealed
        relabelled[6] = UInt8(ascii: "2")
        #expect(throws: PIIVaultError.openFailed) { try twoKeys.open(relabelled, for: here) }
    }

    @Test("rotation: old keys and the legacy format still open; new values use the current key")
    func rotation() throws {
        let legacy = try vault.sealLegacy("13812345678", keyID: "k1")
        let old = try vault.seal("13812345678", for: here)
        let rotated = PIIVault(currentKeyID: "k2", keys: ["k1": Array(repeating: 7, count: 32), "k2": Array(repeating: 3, count: 32)],
                               hashKey: Array(repeating: 9, count: 32))
        #expect(try rotated.open(legacy, for: here) == "13812345678")
        #expect(try rotated.open(old, for: here) == "13812345678")
        #expect(rotated.needsRewrap(legacy) && rotated.needsRewrap(old))
        let fresh = try rotated.seal("13812345678", for: here)
        #expect(PIIVault.keyID(of: fresh) == "k2")
        #expect(!rotated.needsRewrap(fresh))
        #expect(Array(fresh.prefix(rotated.currentHeader.count)) == rotated.currentHeader)
        // Without the old key, its values no longer open.
        #expect(throws: PIIVaultError.openFailed) { try vault.open(fresh, for: here) }
    }

    @Test("the search hash ignores case of the X check digit and surrounding spaces, and depends on the key")
    func blindIndex() {
        #expect(vault.blindIndex("11010519491231002x") == vault.blindIndex(" 11010519491231002X "))
        let other = PIIVault(encryptionKey: Array(repeating: 7, count: 32), hashKey: Array(repeating: 8, count: 32))
        #expect(vault.blindIndex("13812345678") != other.blindIndex("13812345678"))
        #expect(vault.blindIndex("13812345678").count == 64)
    }
}

@Suite("Service configuration from the environment")
struct ConfigurationTests {
    let secret = ["TONGXIN_AUTH_SECRET": String(repeating: "s", count: 32)]

    @Test("defaults apply when only the secret is set")
    func defaults() throws {
        let config = try ServiceConfiguration.fromEnvironment(service: "membership", defaultPort: 7101, environment: secret)
        #expect(config.port == 7101)
        #expect(config.host == "127.0.0.1")
        #expect(config.maxFrameSize == 4 << 20)
        #expect(config.databasePoolSize == 8)
    }

    @Test("a missing or short auth secret is refused by name")
    func missingSecret() {
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.fromEnvironment(service: "membership", defaultPort: 1, environment: ["TONGXIN_AUTH_SECRET": "short"])
        }
    }

    @Test("a malformed port names its variable")
    func badPort() {
        var env = secret
        env["TONGXIN_MEMBERSHIP_PORT"] = "70000"
        do {
            _ = try ServiceConfiguration.fromEnvironment(service: "membership", defaultPort: 1, environment: env)
            Issue.record("accepted port 70000")
        } catch let error as ConfigurationError {
            #expect(error.variable == "TONGXIN_MEMBERSHIP_PORT")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a PII key must be 64 hex digits")
    func piiKey() {
        var env = secret
        env["TONGXIN_PII_KEY"] = "abcd"
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.fromEnvironment(service: "membership", defaultPort: 1, environment: env)
        }
        env["TONGXIN_PII_KEY"] = String(repeating: "ab", count: 32)
        #expect((try? ServiceConfiguration.fromEnvironment(service: "membership", defaultPort: 1, environment: env))?.piiKey?.count == 32)
    }
}

@Suite("Metrics and logs")
struct ObservabilityTests {
    @Test("counters and histograms render in Prometheus text format")
    func prometheus() {
        let registry = MetricsRegistry()
        registry.describe("tongxin_calls_total", type: "counter", help: "Calls.")
        registry.increment("tongxin_calls_total", labels: ["method": "/a/B", "code": "OK"])
        registry.increment("tongxin_calls_total", labels: ["method": "/a/B", "code": "OK"])
        registry.observe("tongxin_seconds", labels: ["method": "/a/B"], seconds: 0.0003)
        let text = registry.render()
        #expect(text.contains("# TYPE tongxin_calls_total counter"))
        #expect(text.contains("tongxin_calls_total{code=\"OK\",method=\"/a/B\"} 2"))
        #expect(text.contains("tongxin_seconds_bucket{le=\"0.0005\",method=\"/a/B\"} 1"))
        #expect(text.contains("tongxin_seconds_bucket{le=\"0.00025\",method=\"/a/B\"} 0"))
        #expect(text.contains("tongxin_seconds_count{method=\"/a/B\"} 1"))
    }

    @Test("log lines are one JSON object, with quotes, newlines and Chinese intact")
    func jsonLines() throws {
        let line = JSONLogHandler.encode(["msg": "议事会 \"公示\"\nnext", "level": "info", "ts": "t"])
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(object?["msg"] == "议事会 \"公示\"\nnext")
        #expect(!line.contains("\n"))
    }
}
