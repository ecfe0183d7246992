@preconcurrency import Crypto
import Foundation

/// Personal data at rest (个人信息): phone and ID-card numbers are stored only encrypted
/// (AES-256-GCM, random nonce per value) plus a keyed hash (HMAC-SHA256) for exact-match
/// search, so a database dump reveals neither the values nor — without the hash key —
/// whether a known number is present.
///
/// **Ciphertext format v2** (what `seal` writes):
///
///     "TXv2" ‖ kid length (1 byte) ‖ kid (ASCII) ‖ nonce (12) ‖ ciphertext ‖ tag (16)
///
/// The associated data is `tongxin.pii.v2|<kid>|<table>.<column>|<row id>`
/// (``Binding``), so a ciphertext copied into another row or another column — or relabelled
/// with another key id — no longer opens: `open` throws `openFailed` and never returns the
/// other row's value.
///
/// **Keys (密钥轮换)**: the vault holds several encryption keys by id — the current one
/// (`seal` always uses it) and old ones kept for reading. `needsRewrap` tells which stored
/// values are not under the current key; `RotatePIIKey` (membership; `tongxinctl pii
/// rotate`) re-encrypts them, after which an old key can be dropped from the configuration.
///
/// **Format v1** (before this change: `nonce ‖ ciphertext ‖ tag`, no key id, no binding)
/// still opens — under any held key, the oldest configuration's key being `k1` — so existing
/// rows read unchanged; every write produces v2, and rotation rewrites v1 values too.
/// (We chose read-old/write-new plus the rotation RPC over a migration: migrations run as
/// the schema owner without the keys.)
public struct PIIVault: Sendable {
    /// Where a value lives: the associated data that binds a ciphertext to its place.
    public struct Binding: Sendable, Hashable {
        public var table: String
        public var column: String
        public var row: String

        public init(table: String, column: String, row: String) {
            self.table = table
            self.column = column
            self.row = row
        }

        func associatedData(keyID: String) -> Data {
            Data("tongxin.pii.v2|\(keyID)|\(table).\(column)|\(row)".utf8)
        }
    }

    /// The key id of a vault configured with one key and no id.
    public static let defaultKeyID = "k1"
    static let magic: [UInt8] = Array("TXv2".utf8)

    private let keys: [String: SymmetricKey]
    /// The id of the key `seal` uses.
    public let currentKeyID: String
    private let hashKey: SymmetricKey

    /// One key, `keyID`, for writing and reading.
    public init(encryptionKey: [UInt8], hashKey: [UInt8], keyID: String = PIIVault.defaultKeyID) {
        self.init(currentKeyID: keyID, keys: [keyID: encryptionKey], hashKey: hashKey)
    }

    /// Several keys by id (1–64 visible ASCII characters each); `currentKeyID` must be one of them.
    public init(currentKeyID: String, keys: [String: [UInt8]], hashKey: [UInt8]) {
        precondition(keys.values.allSatisfy { $0.count == 32 } && hashKey.count == 32, "PII keys are 32 bytes")
        precondition(keys[currentKeyID] != nil, "the current PII key must be among the keys")
        precondition(keys.keys.allSatisfy(PIIVault.isValidKeyID), "PII key ids are 1–64 visible ASCII characters without ':' or ','")
        self.keys = keys.mapValues { SymmetricKey(data: $0) }
        self.currentKeyID = currentKeyID
        self.hashKey = SymmetricKey(data: hashKey)
    }

    public static func isValidKeyID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != 0x3A && $0 != 0x2C }
    }

    /// The ids of every key held.
    public var keyIDs: Set<String> { Set(keys.keys) }

    /// v2 ciphertext of `plaintext` under the current key, bound to `binding`.
    public func seal(_ plaintext: String, for binding: Binding) throws -> [UInt8] {
        guard let key = keys[currentKeyID] else { throw PIIVaultError.sealFailed }
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key, authenticating: binding.associatedData(keyID: currentKeyID))
        guard let combined = box.combined else { throw PIIVaultError.sealFailed }
        return Self.magic + [UInt8(currentKeyID.utf8.count)] + Array(currentKeyID.utf8) + Array(combined)
    }

    /// The plaintext of a value stored at `binding`: v2 under the key it names, or v1
    /// (legacy) under any held key. Throws `openFailed` for a value of another row or column,
    /// an unknown key id or altered bytes.
    public func open(_ sealed: [UInt8], for binding: Binding) throws -> String {
        if let (keyID, body) = Self.v2Parts(sealed) {
            if let key = keys[keyID],
               let box = try? AES.GCM.SealedBox(combined: Data(body)),
               let plain = try? AES.GCM.open(box, using: key, authenticating: binding.associatedData(keyID: keyID)) {
                return String(decoding: plain, as: UTF8.self)
            }
            // Fall through: a v1 value whose random nonce happened to start with the magic.
        }
        guard let box = try? AES.GCM.SealedBox(combined: Data(sealed)) else { throw PIIVaultError.openFailed }
        for keyID in [currentKeyID] + keys.keys.sorted() {
            if let key = keys[keyID], let plain = try? AES.GCM.open(box, using: key) {
                return String(decoding: plain, as: UTF8.self)
            }
        }
        throw PIIVaultError.openFailed
    }

    /// The key id of a v2 value, nil for a legacy (v1) one.
    public static func keyID(of sealed: [UInt8]) -> String? {
        v2Parts(sealed)?.keyID
    }

    /// Whether a stored value should be re-encrypted: legacy format, or another key than the current.
    public func needsRewrap(_ sealed: [UInt8]) -> Bool {
        Self.keyID(of: sealed) != currentKeyID
    }

    /// The v2 header of a value under the current key (`"TXv2" ‖ len ‖ kid`): stored values
    /// starting with anything else need rewrapping (what SQL can select on).
    public var currentHeader: [UInt8] {
        Self.magic + [UInt8(currentKeyID.utf8.count)] + Array(currentKeyID.utf8)
    }

    private static func v2Parts(_ sealed: [UInt8]) -> (keyID: String, body: ArraySlice<UInt8>)? {
        guard sealed.count > magic.count + 1, Array(sealed.prefix(magic.count)) == magic else { return nil }
        let length = Int(sealed[magic.count])
        let start = magic.count + 1
        guard length > 0, sealed.count >= start + length + 12 + 16 else { return nil }
        let keyID = String(decoding: sealed[start..<(start + length)], as: UTF8.self)
        return (keyID, sealed[(start + length)...])
    }

    /// The search key of a value: hex HMAC-SHA256 of its normalised form (trimmed,
    /// upper-cased, so "x" and "X" check digits find the same person).
    public func blindIndex(_ value: String) -> String {
        let normalised = value.trimmingCharacters(in: .whitespaces).uppercased()
        return HexCoding.encode(HMAC<SHA256>.authenticationCode(for: Data(normalised.utf8), using: hashKey))
    }

    /// A legacy (v1) ciphertext under the key `keyID`: what vaults wrote before format v2.
    /// For tests of the migration path only.
    public func sealLegacy(_ plaintext: String, keyID: String) throws -> [UInt8] {
        guard let key = keys[keyID], let combined = try AES.GCM.seal(Data(plaintext.utf8), using: key).combined else {
            throw PIIVaultError.sealFailed
        }
        return Array(combined)
    }
}

public enum PIIVaultError: Error, Sendable {
    case sealFailed, openFailed
}
