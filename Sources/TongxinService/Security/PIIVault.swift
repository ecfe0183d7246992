@preconcurrency import Crypto
import Foundation

/// Personal data at rest (个人信息): phone and ID-card numbers are stored only encrypted
/// (AES-256-GCM, random nonce per value) plus a keyed hash (HMAC-SHA256) for exact-match
/// search, so a database dump reveals neither the values nor — without the hash key —
/// whether a known number is present.
public struct PIIVault: Sendable {
    private let encryptionKey: SymmetricKey
    private let hashKey: SymmetricKey

    public init(encryptionKey: [UInt8], hashKey: [UInt8]) {
        precondition(encryptionKey.count == 32 && hashKey.count == 32, "PII keys are 32 bytes")
        self.encryptionKey = SymmetricKey(data: encryptionKey)
        self.hashKey = SymmetricKey(data: hashKey)
    }

    /// nonce ‖ ciphertext ‖ tag.
    public func seal(_ plaintext: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: encryptionKey)
        guard let combined = box.combined else { throw PIIVaultError.sealFailed }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8]) throws -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: Data(sealed))
            return String(decoding: try AES.GCM.open(box, using: encryptionKey), as: UTF8.self)
        } catch {
            throw PIIVaultError.openFailed
        }
    }

    /// The search key of a value: hex HMAC-SHA256 of its normalised form (trimmed,
    /// upper-cased, so "x" and "X" check digits find the same person).
    public func blindIndex(_ value: String) -> String {
        let normalised = value.trimmingCharacters(in: .whitespaces).uppercased()
        return HexCoding.encode(HMAC<SHA256>.authenticationCode(for: Data(normalised.utf8), using: hashKey))
    }
}

public enum PIIVaultError: Error, Sendable {
    case sealFailed, openFailed
}
