import AuditAPI
import Crypto
import Foundation
import Logging
import ServiceLifecycle
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// The key of the audit log's keyed checkpoints (TONGXIN_AUDIT_CHECKPOINT_KEY, 32 bytes):
/// a checkpoint's MAC is HMAC-SHA256 under it over the chain, the entry's seq and its hash.
/// The database never holds it, so whoever can rewrite `audit.entries` (a superuser, a
/// stolen backup restored elsewhere) and recompute the plain SHA-256 chain still cannot
/// produce a checkpoint that verifies.
public struct AuditCheckpointKey: Sendable {
    private let bytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: bytes) }

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The MAC of a checkpoint of `chain` at entry `seq` whose hash is `hash`.
    public func mac(chain: String, seq: Int64, hash: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Self.message(chain: chain, seq: seq, hash: hash), using: key))
    }

    /// Whether `mac` is this key's MAC of the checkpoint (constant-time comparison).
    public func isValid(mac: [UInt8], chain: String, seq: Int64, hash: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Self.message(chain: chain, seq: seq, hash: hash), using: key)
    }

    /// `tongxin.audit.checkpoint.v1` 0x1f chain 0x1f seq (decimal) 0x1f hash (raw bytes).
    static func message(chain: String, seq: Int64, hash: [UInt8]) -> [UInt8] {
        Array("tongxin.audit.checkpoint.v1\u{1f}\(chain)\u{1f}\(seq)\u{1f}".utf8) + hash
    }
}

/// Writes keyed checkpoints of every chain whose head moved since its last checkpoint,
/// through `audit.write_checkpoint` (SECURITY DEFINER; the service role cannot write the
/// table). Run by every service that has the key (``ServiceRunner``), every `interval`;
/// several services checkpointing the same head write it once.
public struct AuditCheckpointer: Service {
    public let pool: PostgresPool
    public let key: AuditCheckpointKey
    public let interval: Duration
    public let logger: Logger

    public init(pool: PostgresPool, key: AuditCheckpointKey, interval: Duration, logger: Logger) {
        self.pool = pool
        self.key = key
        self.interval = interval
        self.logger = logger
    }

    /// Checkpoints every chain whose head is past its latest checkpoint; returns how many
    /// checkpoints were written.
    @discardableResult
    public func checkpointNow(deadline: ContinuousClock.Instant? = .now + .seconds(30)) async throws -> Int {
        let heads = try await pool.query("SELECT chain, seq, hash FROM audit.pending_checkpoints()", deadline: deadline)
        var written = 0
        for head in heads {
            let chain = try head["chain"].decode(String.self)
            let seq = try head["seq"].decode(Int64.self)
            let hash = try head["hash"].decode([UInt8].self)
            let rows = try await pool.query(
                "SELECT audit.write_checkpoint($1, $2, $3, $4) AS written",
                [.text(chain), .int(seq), .bytea(hash), .bytea(key.mac(chain: chain, seq: seq, hash: hash))],
                deadline: deadline)
            if try rows.first?["written"].decode(Bool.self) == true { written += 1 }
        }
        return written
    }

    /// Checkpoints every `interval` until graceful shutdown, then once more (best effort).
    public func run() async throws {
        try? await cancelOnGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let written = try await checkpointNow()
                    if written > 0 { logger.debug("audit checkpoints written", metadata: ["count": "\(written)"]) }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("writing audit checkpoints failed", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
        _ = try? await checkpointNow(deadline: .now + .seconds(2))
    }
}

/// Recomputes one chain and compares it with its head and its latest keyed checkpoints.
public struct AuditVerifier: Sendable {
    public let key: AuditCheckpointKey?
    /// How many of the latest checkpoints are checked per chain.
    public var checkpointsToCheck: Int

    public init(key: AuditCheckpointKey?, checkpointsToCheck: Int = 16) {
        self.key = key
        self.checkpointsToCheck = checkpointsToCheck
    }

    /// The verdict on `chain`, read in `tx` (the functions it calls are SECURITY DEFINER and
    /// return hashes and sequence numbers, never entry content).
    public func verify(chain: String, in tx: PostgresTransaction) async throws -> AuditV1.ChainReport {
        let results = try await tx.queries([
            (sql: "SELECT problem_seq, problem, last_seq, last_hash, head_seq, head_hash FROM audit.chain_state($1)",
             binds: [.text(chain)]),
            (sql: "SELECT seq, hash, mac, entry_hash FROM audit.chain_checkpoints($1, $2::int)",
             binds: [.text(chain), .int(Int64(checkpointsToCheck))]),
        ])
        guard let state = results[0].first else { return AuditV1.ChainReport(chain: chain, verdict: .intact) }
        let lastSeq = try state["last_seq"].decode(Int64?.self) ?? 0
        let lastHash = try state["last_hash"].decode([UInt8]?.self)
        let headSeq = try state["head_seq"].decode(Int64?.self) ?? 0
        let headHash = try state["head_hash"].decode([UInt8]?.self)
        var report = AuditV1.ChainReport(chain: chain, verdict: .intact, lastSeq: lastSeq, headSeq: headSeq)
        func found(_ verdict: AuditV1.ChainVerdict, _ seq: Int64, _ detail: String) -> AuditV1.ChainReport {
            report.verdict = verdict
            report.seq = seq
            report.detail = detail
            return report
        }

        // 1. The chain as stored: every hash and link recomputes, no gap.
        if let problem = try state["problem"].decode(String?.self) {
            let seq = try state["problem_seq"].decode(Int64?.self) ?? 0
            if problem.hasPrefix("missing entry") {
                let missing = Int64(problem.split(separator: " ").last ?? "") ?? seq
                return found(.missingEntry, missing, "entry \(missing) is missing")
            }
            return found(.alteredEntry, seq, "entry \(seq): \(problem)")
        }
        // 2. The keyed checkpoints (newest first): each must carry our MAC and its entry
        //    must still be there with the checkpointed hash.
        if let key {
            for row in results[1] {
                let seq = try row["seq"].decode(Int64.self)
                let hash = try row["hash"].decode([UInt8].self)
                let mac = try row["mac"].decode([UInt8].self)
                report.checkpointsChecked += 1
                guard key.isValid(mac: mac, chain: chain, seq: seq, hash: hash) else {
                    return found(.chainRewritten, seq, "the checkpoint at entry \(seq) does not carry a valid MAC")
                }
                if seq > lastSeq {
                    return found(.tailTruncated, lastSeq + 1, "the chain ends at entry \(lastSeq), a keyed checkpoint vouches for entry \(seq)")
                }
                guard let entryHash = try row["entry_hash"].decode([UInt8]?.self) else {
                    return found(.missingEntry, seq, "entry \(seq) is missing")
                }
                if entryHash != hash {
                    return found(.chainRewritten, seq, "entry \(seq) hashes differently from its keyed checkpoint")
                }
            }
        }
        // 3. The head that audit.append advanced with the last entry.
        if headSeq > lastSeq {
            return found(.tailTruncated, lastSeq + 1, "the chain ends at entry \(lastSeq), its head is entry \(headSeq)")
        }
        if headSeq < lastSeq || (headSeq > 0 && headHash != lastHash) {
            return found(.chainRewritten, headSeq, "the last entry (\(lastSeq)) is not the chain head (\(headSeq))")
        }
        return report
    }
}

/// `tongxin.audit.v1.Audit`, served by every service (``ServiceRunner``): verifies the
/// audit chains inside the caller's subtree (permission `audit.verify`).
public struct AuditService: AuditV1.Audit.ServiceProtocol {
    public let pool: PostgresPool
    public let verifier: AuditVerifier

    public init(pool: PostgresPool, checkpointKey: AuditCheckpointKey?) {
        self.pool = pool
        self.verifier = AuditVerifier(key: checkpointKey)
    }

    public func verifyAuditChain(
        _ request: AuditV1.VerifyAuditChainRequest, context: ServerCallContext
    ) async throws -> AuditV1.VerifyAuditChainResponse {
        let caller = try Caller.current()
        let verifier = verifier
        do {
            return try await pool.transaction(scope: caller.scope, readOnly: true, deadline: context.deadline) { tx in
                var chains: [String]
                if request.chain.isEmpty {
                    chains = try await tx.query("SELECT audit.chains_within($1::ltree) AS chain", [.text(caller.unitPath)])
                        .map { try $0["chain"].decode(String.self) }
                } else {
                    // A chain outside the caller's subtree does not exist for it.
                    let inside = request.chain == caller.unitPath || request.chain.hasPrefix(caller.unitPath + ".")
                    chains = inside ? [request.chain] : []
                }
                var response = AuditV1.VerifyAuditChainResponse()
                for chain in chains {
                    response.chains.append(try await verifier.verify(chain: chain, in: tx))
                }
                return response
            }
        } catch let error as PostgresError {
            throw ServiceFailure(error)
        }
    }
}
