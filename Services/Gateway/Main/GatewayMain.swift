@preconcurrency import Crypto
import Foundation
import GatewayCore
import GatewayRules
import TongxinService

/// `tongxin-gateway`: the one entry of a deployment (issue 12). Besides the variables of
/// `ServiceConfiguration` it reads:
/// - `TONGXIN_GATEWAY_SIGNING_KEY` (required): `kid:64-hex`, the Ed25519 private key that
///   signs the tokens forwarded to services; only the gateway holds it. `tongxin-gateway
///   public-key` prints `kid:hex` of its public key for the services' `TONGXIN_AUTH_ED25519_KEYS`.
/// - `TONGXIN_GATEWAY_ROUTES` (required): `membership=127.0.0.1:7101[|host:port…][,…]`.
/// - `TONGXIN_GATEWAY_TENANT_RATE` / `_BURST` / `_IN_FLIGHT` (200 / 400 / 64): per-town limits.
/// - `TONGXIN_GATEWAY_SESSION_SECONDS` (28800), `TONGXIN_GATEWAY_IDLE_SECONDS` (900),
///   `TONGXIN_GATEWAY_MAX_FAILED_LOGINS` (5), `TONGXIN_GATEWAY_LOCK_SECONDS` (900).
/// - `TONGXIN_AUTH_ACCEPT_HS256` (1): whether tooling tokens (HS256, `aud: gateway`) are accepted.
@main
struct GatewayMain {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        if CommandLine.arguments.dropFirst().first == "public-key" {
            do {
                let (keyID, key) = try signingKey(environment)
                print("\(keyID):\(key.publicKey.rawRepresentation.map { String(format: "%02x", $0) }.joined())")
            } catch {
                FileHandle.standardError.write(Data("tongxin-gateway: \(error)\n".utf8))
                exit(78)
            }
            return
        }
        await ServiceRunner.main(
            service: "gateway", defaultPort: 7100, defaultMetricsPort: 9100,
            migrations: { try GatewayMigrations.all() }
        ) { context in
            guard let pool = context.pool else {
                throw ConfigurationError(variable: "TONGXIN_GATEWAY_DATABASE_URL", problem: "must be set")
            }
            let (keyID, key) = try signingKey(environment)
            guard let routesText = environment["TONGXIN_GATEWAY_ROUTES"], !routesText.isEmpty else {
                throw ConfigurationError(variable: "TONGXIN_GATEWAY_ROUTES", problem: "must be set, e.g. membership=127.0.0.1:7101")
            }
            func number(_ name: String, _ fallback: Double) throws -> Double {
                guard let text = environment[name], !text.isEmpty else { return fallback }
                guard let value = Double(text), value > 0 else { throw ConfigurationError(variable: name, problem: "must be a positive number") }
                return value
            }
            let policy = LoginPolicy(
                maxFailures: Int(try number("TONGXIN_GATEWAY_MAX_FAILED_LOGINS", 5)),
                lockSeconds: Int64(try number("TONGXIN_GATEWAY_LOCK_SECONDS", 900)),
                sessionLifetime: Int64(try number("TONGXIN_GATEWAY_SESSION_SECONDS", 28800)),
                idleTimeout: Int64(try number("TONGXIN_GATEWAY_IDLE_SECONDS", 900)))
            let options = GatewayAssembly.Options(
                routes: try Routes.parse(routesText), signingKeyID: keyID, signingKey: key,
                // Tooling tokens: HS256 under the shared secret only (never the services' EdDSA keys).
                tooling: context.configuration.authAcceptHS256
                    ? TokenAuthority(secret: context.configuration.authSecret, keyID: context.configuration.authKeyID) : nil,
                policy: policy,
                tenantLimits: (try number("TONGXIN_GATEWAY_TENANT_RATE", 200), try number("TONGXIN_GATEWAY_TENANT_BURST", 400),
                               Int(try number("TONGXIN_GATEWAY_TENANT_IN_FLIGHT", 64))))
            return try GatewayAssembly.make(options: options, pool: pool, clock: context.clock, logger: context.logger)
        }
    }

    static func signingKey(_ environment: [String: String]) throws -> (String, Curve25519.Signing.PrivateKey) {
        let problem = ConfigurationError(variable: "TONGXIN_GATEWAY_SIGNING_KEY", problem: "must be kid:64-hex-digits (an Ed25519 private key)")
        guard let text = environment["TONGXIN_GATEWAY_SIGNING_KEY"] else { throw problem }
        let pair = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard pair.count == 2, !pair[0].isEmpty, pair[1].utf8.count == 64 else { throw problem }
        var bytes: [UInt8] = []
        var index = pair[1].startIndex
        while index < pair[1].endIndex {
            let next = pair[1].index(index, offsetBy: 2)
            guard let byte = UInt8(pair[1][index..<next], radix: 16) else { throw problem }
            bytes.append(byte)
            index = next
        }
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else { throw problem }
        return (pair[0], key)
    }
}
