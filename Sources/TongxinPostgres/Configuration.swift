/// Where and as whom a pool connects.
///
/// Kept as plain fields (not a libpq conninfo string) so services can assemble it from
/// their own configuration without string escaping, and so secrets never pass through
/// string interpolation. `init(url:)` accepts the `postgres://` form used by
/// `TONGXIN_*_DATABASE_URL` variables and `Scripts/postgres.sh url`.
public struct PostgresConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var database: String
    /// Shown in `pg_stat_activity`, so operators can tell which service holds a session.
    public var applicationName: String
    public var connectTimeoutSeconds: Int
    /// libpq `sslmode` (`disable`, `prefer`, `require`, `verify-full`...); nil leaves libpq's default.
    public var sslMode: String?
    /// libpq `sslrootcert`: the CA file that `sslmode=verify-ca`/`verify-full` check the
    /// server's certificate against; nil leaves libpq's default (~/.postgresql/root.crt).
    public var sslRootCert: String?

    public init(
        host: String = "127.0.0.1", port: Int = 5432, user: String, password: String,
        database: String, applicationName: String = "tongxin", connectTimeoutSeconds: Int = 10
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.sslMode = nil
        self.sslRootCert = nil
    }

    /// Parses `postgres://user:password@host:port/database?application_name=..&connect_timeout=..&sslmode=..`
    /// (`postgresql://` too). User, password and database are percent-decoded.
    public init(url: String) throws {
        func bad(_ why: String) -> PostgresError {
            PostgresError(kind: .invalidInput, message: "invalid PostgreSQL URL: \(why)")
        }
        var rest = Substring(url)
        if rest.hasPrefix("postgres://") {
            rest = rest.dropFirst("postgres://".count)
        } else if rest.hasPrefix("postgresql://") {
            rest = rest.dropFirst("postgresql://".count)
        } else {
            throw bad("expected the postgres:// scheme")
        }

        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user = "postgres"
        var password = ""
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.percentDecode(userInfo[..<colon]) ?? { throw bad("bad escape in user") }()
                password = try Self.percentDecode(userInfo[userInfo.index(after: colon)...])
                    ?? { throw bad("bad escape in password") }()
            } else {
                user = try Self.percentDecode(userInfo) ?? { throw bad("bad escape in user") }()
            }
        }
        var host = "127.0.0.1"
        var port = 5432
        var hostPart = rest
        if hostPart.hasPrefix("[") {  // IPv6 literal
            guard let close = hostPart.firstIndex(of: "]") else { throw bad("unclosed [ in host") }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            hostPart = hostPart[hostPart.index(after: close)...]
            if hostPart.hasPrefix(":") {
                guard let p = Int(hostPart.dropFirst()), (1...65535).contains(p) else { throw bad("bad port") }
                port = p
            } else if !hostPart.isEmpty {
                throw bad("unexpected text after host")
            }
        } else {
            if let colon = hostPart.lastIndex(of: ":") {
                guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
                    throw bad("bad port")
                }
                port = p
                hostPart = hostPart[..<colon]
            }
            if !hostPart.isEmpty { host = String(hostPart) }
        }
        let database = path.isEmpty ? user : (try Self.percentDecode(path) ?? { throw bad("bad escape in database") }())

        self.init(host: host, port: port, user: user, password: password, database: database)
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = parts.count > 1 ? (Self.percentDecode(parts[1]) ?? "") : ""
            switch key {
            case "application_name": applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds >= 0 else { throw bad("bad connect_timeout") }
                connectTimeoutSeconds = seconds
            case "sslmode": sslMode = value
            case "sslrootcert": sslRootCert = value
            default: throw bad("unsupported parameter \(key)")
            }
        }
    }

    /// The URL form, with the password masked, for logs.
    public var redactedURL: String {
        "postgres://\(user):***@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }

    private static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
