import TongxinSchemas

/// Key–value pairs that travel with a call (on the request) or with its status (on the
/// response): the bearer token, the trace id, the idempotency key, the acting unit.
///
/// As in gRPC, order is kept and a key may repeat; keys are lower-case ASCII, so
/// `add("X-Trace-Id", …)` and `self["x-trace-id"]` name the same entry. Values are
/// strings — binary values are base64-encoded by whoever needs them.
public struct Metadata: Sendable, Hashable {
    /// One entry.
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: String
    }

    private var entries: [Entry]

    public init() {
        self.entries = []
    }

    public var count: Int { self.entries.count }
    public var isEmpty: Bool { self.entries.isEmpty }

    /// Appends an entry, keeping any earlier entries with the same key.
    public mutating func add(_ key: String, _ value: String) {
        self.entries.append(Entry(key: Self.normalize(key), value: value))
    }

    /// Replaces every entry for `key` by a single one (or removes them all when `value`
    /// is nil).
    public subscript(key: String) -> String? {
        get {
            let key = Self.normalize(key)
            return self.entries.first { $0.key == key }?.value
        }
        set {
            let key = Self.normalize(key)
            if let newValue {
                if let index = self.entries.firstIndex(where: { $0.key == key }) {
                    self.entries[index].value = newValue
                    var seen = false
                    self.entries.removeAll { entry in
                        guard entry.key == key else { return false }
                        defer { seen = true }
                        return seen
                    }
                } else {
                    self.entries.append(Entry(key: key, value: newValue))
                }
            } else {
                self.entries.removeAll { $0.key == key }
            }
        }
    }

    /// Every value of `key`, in order.
    public func values(forKey key: String) -> [String] {
        let key = Self.normalize(key)
        return self.entries.compactMap { $0.key == key ? $0.value : nil }
    }

    /// Removes every entry of `key`.
    public mutating func removeAll(forKey key: String) {
        self[key] = nil
    }

    /// Appends all entries of `other`.
    public mutating func add(contentsOf other: Metadata) {
        self.entries.append(contentsOf: other.entries)
    }

    private static func normalize(_ key: String) -> String {
        key.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) ? key.lowercased() : key
    }
}

extension Metadata: Sequence {
    public func makeIterator() -> IndexingIterator<[Entry]> {
        self.entries.makeIterator()
    }
}

extension Metadata: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init()
        for (key, value) in elements {
            self.add(key, value)
        }
    }
}

extension Metadata: CustomStringConvertible {
    /// Lists keys and values, with the value of `authorization` redacted so that
    /// logging metadata never leaks a credential.
    public var description: String {
        let pairs = self.entries.map { entry in
            "\(entry.key): \(entry.key == Metadata.Keys.authorization ? "<redacted>" : entry.value)"
        }
        return "[" + pairs.joined(separator: ", ") + "]"
    }
}

extension Metadata {
    /// The keys every Tongxin service understands (frame.proto, `MetadataEntry`).
    public enum Keys {
        /// `Bearer <token>`, checked by the gateway and by each service's auth interceptor.
        public static let authorization = "authorization"
        /// Correlates the logs of one request across every service it touches.
        public static let traceID = "x-trace-id"
        /// Lets the receiver recognise a retried mutation and answer it once.
        public static let idempotencyKey = "x-idempotency-key"
        /// The unit on whose behalf the call acts (the tenant scope).
        public static let tenantUnit = "x-tenant-unit"
        /// The authenticated principal, set by the gateway after it checked the token.
        public static let principal = "x-principal"
    }

    public var authorization: String? {
        get { self[Keys.authorization] }
        set { self[Keys.authorization] = newValue }
    }

    public var traceID: String? {
        get { self[Keys.traceID] }
        set { self[Keys.traceID] = newValue }
    }

    public var idempotencyKey: String? {
        get { self[Keys.idempotencyKey] }
        set { self[Keys.idempotencyKey] = newValue }
    }

    public var tenantUnit: String? {
        get { self[Keys.tenantUnit] }
        set { self[Keys.tenantUnit] = newValue }
    }

    public var principal: String? {
        get { self[Keys.principal] }
        set { self[Keys.principal] = newValue }
    }
}

extension Metadata {
    init(wire entries: [RpcV1.MetadataEntry]) {
        self.init()
        self.entries.reserveCapacity(entries.count)
        for entry in entries {
            self.add(entry.key, entry.value)
        }
    }

    var wire: [RpcV1.MetadataEntry] {
        self.entries.map { RpcV1.MetadataEntry(key: $0.key, value: $0.value) }
    }
}
