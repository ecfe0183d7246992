import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One profile (配置): a gateway, the unit calls act for, and the session `login` got there.
/// Several profiles let one person keep, say, the county's test and production gateways apart.
public struct Profile: Codable, Equatable, Sendable {
    /// `host:port` of the gateway.
    public var gateway: String?
    /// The unit calls act for (`x-tenant-unit`), when the account holds grants at several.
    public var actingUnit: String?
    /// The account logged in (for display; the token is what counts).
    public var account: String?
    /// The bearer token: a session (`txs_…`), or a token given to `login --with-token`.
    public var token: String?
    /// Seconds since the epoch when the session ends whatever happens (nil: unknown).
    public var expiresAt: Int64?

    public init(gateway: String? = nil, actingUnit: String? = nil, account: String? = nil, token: String? = nil, expiresAt: Int64? = nil) {
        self.gateway = gateway
        self.actingUnit = actingUnit
        self.account = account
        self.token = token
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case gateway
        case actingUnit = "acting_unit"
        case account
        case token
        case expiresAt = "expires_at"
    }
}

/// The profiles file: `profiles.json` in the user's configuration directory.
public struct ProfileFile: Codable, Equatable, Sendable {
    /// The profile used when neither `--profile` nor `TONGXIN_PROFILE` names one.
    public var current: String?
    public var profiles: [String: Profile]

    public init(current: String? = nil, profiles: [String: Profile] = [:]) {
        self.current = current
        self.profiles = profiles
    }
}

/// Reads and writes `profiles.json` in `$XDG_CONFIG_HOME/tongxin` (or `~/.config/tongxin`).
///
/// The file holds bearer tokens, so it is private: the directory is created 0700, the file
/// is written 0600 (to a new file created with that mode, then renamed over the old one, so
/// it is never readable by others even for a moment and never half written), and a file
/// found readable by group or others is narrowed to 0600 on load (``tightened`` says so).
public final class ProfileStore: @unchecked Sendable {
    public static let fileName = "profiles.json"
    public let directory: String
    /// Set by ``load()`` when it found the file readable by others and narrowed it.
    public private(set) var tightened = false

    public init(directory: String) {
        self.directory = directory
    }

    /// The configuration directory: `$XDG_CONFIG_HOME/tongxin`, else `$HOME/.config/tongxin`.
    public static func defaultDirectory(environment: [String: String]) -> String {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") {
            return base + "/tongxin"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/tongxin"
    }

    public var path: String { directory + "/" + Self.fileName }

    /// The profiles (none when there is no file yet).
    public func load() throws -> ProfileFile {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return ProfileFile() }
            throw CommandFailure(.usage, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_mode & 0o077 != 0 {
            guard chmod(path, 0o600) == 0 else {
                throw CommandFailure(.permission, "\(path) is readable by others and cannot be narrowed to 0600: \(String(cString: strerror(errno)))")
            }
            tightened = true
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            return try JSONDecoder().decode(ProfileFile.self, from: data)
        } catch {
            throw CommandFailure(.usage, "\(path) is not a profiles file (\(error)); fix or remove it")
        }
    }

    /// Writes the profiles: directory 0700, file 0600, atomically.
    public func save(_ file: ProfileFile) throws {
        try makeDirectory()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(file)
        let temporary = path + ".tmp.\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure(.usage, "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        var written = 0
        let ok = data.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result <= 0 { return false }
                written += result
            }
            return true
        }
        // The umask may have narrowed the mode further; never widen it past 0600.
        fchmod(descriptor, 0o600)
        fsync(descriptor)
        close(descriptor)
        guard ok, rename(temporary, path) == 0 else {
            let problem = String(cString: strerror(errno))
            unlink(temporary)
            throw CommandFailure(.usage, "cannot write \(path): \(problem)")
        }
    }

    /// Reads, changes and writes the file.
    public func update(_ change: (inout ProfileFile) throws -> Void) throws {
        var file = try load()
        try change(&file)
        try save(file)
    }

    private func makeDirectory() throws {
        var components: [String] = []
        for part in directory.split(separator: "/") {
            components.append(String(part))
            let prefix = "/" + components.joined(separator: "/")
            var info = stat()
            if stat(prefix, &info) == 0 { continue }
            // Only the last component (tongxin) is ours to make private; parents get 0755
            // as a shell's mkdir -p would make them.
            let mode: mode_t = prefix == directory ? 0o700 : 0o755
            guard mkdir(prefix, mode) == 0 || errno == EEXIST else {
                throw CommandFailure(.usage, "cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
        }
        chmod(directory, 0o700)
    }
}

/// Where each setting of a call comes from: a flag, then the environment, then the profile,
/// then the default (pure, tested).
public struct Settings: Equatable, Sendable {
    public static let defaultGateway = "127.0.0.1:7100"
    public static let defaultProfile = "default"

    public var profileName: String
    public var gateway: String
    public var actingUnit: String?
    public var token: String?
    /// Where the token came from: "TONGXIN_TOKEN" or "profile <name>" (nil without one).
    public var tokenSource: String?
    public var expiresAt: Int64?

    public static func resolve(
        profileFlag: String?, gatewayFlag: String?, actingUnitFlag: String?,
        environment: [String: String], file: ProfileFile
    ) -> Settings {
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let name = profileFlag ?? env("TONGXIN_PROFILE") ?? file.current ?? defaultProfile
        let profile = file.profiles[name] ?? Profile()
        var settings = Settings(
            profileName: name,
            gateway: gatewayFlag ?? env("TONGXIN_GATEWAY") ?? profile.gateway ?? defaultGateway,
            actingUnit: actingUnitFlag ?? env("TONGXIN_ACTING_UNIT") ?? profile.actingUnit)
        if let token = env("TONGXIN_TOKEN") {
            settings.token = token
            settings.tokenSource = "TONGXIN_TOKEN"
        } else if let token = profile.token {
            settings.token = token
            settings.tokenSource = "profile \(name)"
            settings.expiresAt = profile.expiresAt
        }
        return settings
    }

    /// `host:port` split, or nil when malformed.
    public static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        return (host, port)
    }
}
