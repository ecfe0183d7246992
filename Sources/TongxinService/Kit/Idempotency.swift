import Crypto
import TongxinPostgres
import TongxinWire

/// 幂等键 — `x-idempotency-key` on a method that is not idempotent by itself (CreateUnit,
/// intake from a government system): the first successful result is stored with the
/// call's writes, in the same transaction, and a repeat of the key by the same principal
/// returns that result without running the handler again. A duplicate that arrives while
/// the first is still running waits for it (a transaction lock on the key). Failed calls
/// store nothing, so a retry after an error runs again. The same key with a different
/// request is refused (INVALID_ARGUMENT); another principal's key is another key.
public enum Idempotency {
    /// The longest key accepted, as in common HTTP idempotency-key practice.
    public static let maxKeyLength = 128

    struct Claim: Sendable {
        let service: String
        let principal: String
        let key: String
        let method: String
        let requestHash: [UInt8]
        let retentionSeconds: Int64

        /// nil when the call carries no key (or the method needs none).
        init?(
            service: String, caller: Caller, method: String, request: some WireMessage, key: String?, retention: Duration
        ) throws {
            guard let key else { return nil }
            guard !key.isEmpty, key.utf8.count <= Idempotency.maxKeyLength,
                  key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E })
            else {
                throw ServiceFailure.idempotencyKey(problem: .init(
                    zh: "幂等键须为 1–\(Idempotency.maxKeyLength) 个可见 ASCII 字符",
                    en: "must be 1–\(Idempotency.maxKeyLength) visible ASCII characters"))
            }
            self.service = service
            self.principal = caller.principal
            self.key = key
            self.method = method
            self.requestHash = Array(SHA256.hash(data: try request.serializedBytes()))
            self.retentionSeconds = max(1, retention.components.seconds)
        }

        /// Locks the key and returns the stored result of an earlier call, if any. Runs as
        /// the transaction's first statement, so it shares the round trip with BEGIN.
        func replay<Response: WireMessage>(in tx: PostgresTransaction) async throws -> Response? {
            let rows = try await tx.query(
                "SELECT method, request_hash, response FROM kit.idempotency_begin($1, $2, $3)",
                [.text(service), .text(principal), .text(key)])
            guard let row = rows.first else { return nil }
            let storedMethod = try row["method"].decode(String.self)
            let storedHash = try row["request_hash"].decode([UInt8].self)
            guard storedMethod == method, storedHash == requestHash else {
                throw ServiceFailure.idempotencyKey(problem: .init(
                    zh: "该幂等键已用于另一个请求", en: "was already used for a different request"))
            }
            return try Response(serializedBytes: try row["response"].decode([UInt8].self))
        }

        /// Stores `response` with the call's `COMMIT`.
        func store(_ response: some WireMessage, in tx: PostgresTransaction) throws {
            try tx.deferUntilCommit(
                "SELECT kit.idempotency_store($1, $2, $3, $4, $5, $6, $7)",
                [.text(service), .text(principal), .text(key), .text(method), .bytea(requestHash),
                 .bytea(try response.serializedBytes()), .int(retentionSeconds)])
        }
    }
}
