import Crypto
import Foundation
import _CryptoExtras

/// 口令散列 — passwords are stored as scrypt (swift-crypto's `_CryptoExtras`, BoringSSL),
/// a memory-hard KDF: `scrypt$<log2 N>$<r>$<p>$<salt>$<key>` (base64), a random 16-byte salt
/// per password, a 32-byte key. The parameters travel with each hash, so raising the cost
/// later leaves old hashes verifiable. Default N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s
/// here); tests use a cheaper cost.
public struct PasswordHasher: Sendable {
    public var logN: Int
    public var r: Int
    public var p: Int

    public init(logN: Int = 15, r: Int = 8, p: Int = 1) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: 0...255, using: &generator) }
        let key = try derive(password, salt: salt, logN: logN, r: r, p: p)
        return "scrypt$\(logN)$\(r)$\(p)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// Whether `password` matches `stored` (compared in constant time); false for anything malformed.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let logN = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              (10...20).contains(logN), (1...32).contains(r), (1...16).contains(p),
              let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])),
              let key = try? derive(password, salt: Array(salt), logN: logN, r: r, p: p), key.count == expected.count
        else { return false }
        return zip(key, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A hash of a password nobody has, verified against when the account does not exist, so
    /// an unknown name costs as long as a wrong password (no timing oracle for names).
    public func decoy() -> String {
        (try? hash(UUID().uuidString)) ?? ""
    }

    private func derive(_ password: String, salt: [UInt8], logN: Int, r: Int, p: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { Array($0) }
    }
}
