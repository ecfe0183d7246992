import Foundation
import Testing
@testable import TongxinService

@Suite("Caller tokens and personal-data encryption")
struct SecurityTests {
    let authority = TokenAuthority(secret: Array("0123456789abcdef0123456789abcdef".utf8))
    let caller = Caller(principal: "clerk-01", unitPath: "u330100000000.u330102000000", permissions: ["membership.write"], expiresAt: 1_000)

    @Test("a token verifies to the caller it was issued for")
    func roundTrip() throws {
        #expect(try authority.verify(authority.issue(caller), now: 999) == caller)
    }

    @Test("a token is refused from the second it expires")
    func expiryBoundary() {
        let token = authority.issue(caller)
        #expect(throws: AuthenticationFailure.expired) { try authority.verify(token, now: 1_000) }
    }

    @Test("a token whose scope was edited no longer verifies")
    func tamperedScope() throws {
        let token = authority.issue(caller)
        var widened = caller
        widened.unitPath = "u330100000000"
        let forged = authority.issue(widened).split(separator: ".")[1]
        let parts = token.split(separator: ".")
        let tampered = "\(parts[0]).\(forged).\(parts[2])"
        #expect(throws: AuthenticationFailure.badSignature) { try authority.verify(tampered, now: 0) }
    }

    @Test("a token signed with another secret is refused")
    func otherSecret() {
        let other = TokenAuthority(secret: Array("another-secret-another-secret-xx".utf8))
        #expect(throws: AuthenticationFailure.badSignature) { try authority.verify(other.issue(caller), now: 0) }
    }

    @Test("garbage is malformed, not a crash", arguments: ["", "v1", "v1..", "v2.e30.AA", "v1.!!!.???", "v1.e30"])
    func garbage(token: String) {
        #expect(throws: AuthenticationFailure.self) { try authority.verify(token, now: 0) }
    }

    let vault = PIIVault(encryptionKey: Array(repeating: 7, count: 32), hashKey: Array(repeating: 9, count: 32))

    @Test("personal data opens to the same text, and sealing twice gives different bytes")
    func sealOpen() throws {
        let first = try vault.seal("330102199001011234")
        let second = try vault.seal("330102199001011234")
        #expect(first != second)
        #expect(try vault.open(first) == "330102199001011234")
        #expect(!String(decoding: first, as: UTF8.self).contains("3301021990"))
    }

    @Test("a flipped ciphertext bit is detected")
    func tamperedCiphertext() throws {
        var sealed = try vault.seal("13812345678")
        sealed[sealed.count / 2] ^= 0x01
        #expect(throws: PIIVaultError.openFailed) { try vault.open(sealed) }
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
