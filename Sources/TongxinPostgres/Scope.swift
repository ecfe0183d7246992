/// Which part of the unit tree a transaction may see, plus other per-request settings.
///
/// Row-level-security policies read these through `current_setting('app.scope', true)`.
/// They are set with `set_config(name, value, true)` inside the transaction only, so a
/// pooled connection never carries one caller's scope into the next caller's work.
public struct TenantScope: Sendable, Hashable {
    /// The `ltree` path of the unit whose subtree is visible, e.g. `"c330000.t330100"`.
    public var unitPath: String
    /// Extra transaction-local settings (names need a dot, e.g. `"app.principal"`).
    public var settings: [String: String]

    public init(unitPath: String, settings: [String: String] = [:]) {
        self.unitPath = unitPath
        self.settings = settings
    }

    /// The setting the policies read.
    public static let settingName = "app.scope"
}

/// The isolation a transaction runs under. Serializable transactions can fail with 40001;
/// `PostgresPool.transaction` retries those.
public enum IsolationLevel: Sendable, Hashable {
    case readCommitted, repeatableRead, serializable

    func beginSQL(readOnly: Bool) -> String {
        let level: String
        switch self {
        case .readCommitted: level = "BEGIN ISOLATION LEVEL READ COMMITTED"
        case .repeatableRead: level = "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: level = "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
        return readOnly ? level + " READ ONLY" : level
    }
}
