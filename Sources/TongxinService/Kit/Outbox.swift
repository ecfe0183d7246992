import Foundation
import Logging
import ServiceLifecycle
import TongxinPostgres
import TongxinWire

/// 发件箱 — the transactional outbox: a message to another service is written in the same
/// transaction as the change it reports (``Outbox/enqueue(into:in:message:)``), so it exists
/// if and only if the change committed; ``OutboxDeliverer`` sends it afterwards, at least
/// once, in order per ordering key, retrying with backoff while the receiver is down, and
/// marks it delivered. Nothing is lost across a restart: an undelivered row stays in the
/// table until a deliverer succeeds. Receivers must therefore be idempotent (agenda's
/// AdvanceTopic answers a topic already in the state unchanged; supervision's OpenCase is
/// keyed by the filing id).
///
/// The table is the service's own (in its schema's migrations), with these columns:
///
///     id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
///     county_code     text NOT NULL          -- the row's distribution key
///     unit_path       text NOT NULL          -- the unit the message is about (tokens act there)
///     destination     text NOT NULL          -- e.g. "agenda", "supervision"
///     kind            text NOT NULL          -- e.g. "AdvanceTopic", "OpenCase"
///     ordering_key    text NOT NULL          -- FIFO per key (e.g. "topic/<id>")
///     payload         bytea NOT NULL         -- the serialized request
///     created_at      timestamptz NOT NULL DEFAULT now()
///     attempts        integer NOT NULL DEFAULT 0
///     next_attempt_at timestamptz NOT NULL DEFAULT now()
///     delivered_at    timestamptz
///     last_error      text NOT NULL DEFAULT ''
///
/// with an index on `(next_attempt_at, id) WHERE delivered_at IS NULL` and one on
/// `(ordering_key, id) WHERE delivered_at IS NULL`. It is not a tenant table (the deliverer
/// acts for no caller), so it has no row-level security; only the service's role reaches it.
public enum Outbox {
    /// A message to write.
    public struct Message: Sendable {
        public var countyCode: String
        public var unitPath: String
        public var destination: String
        public var kind: String
        public var orderingKey: String
        public var payload: [UInt8]

        public init(countyCode: String, unitPath: String, destination: String, kind: String, orderingKey: String, payload: [UInt8]) {
            self.countyCode = countyCode
            self.unitPath = unitPath
            self.destination = destination
            self.kind = kind
            self.orderingKey = orderingKey
            self.payload = payload
        }

        public init(countyCode: String, unitPath: String, destination: String, kind: String, orderingKey: String,
                    request: some WireMessage) throws {
            self.init(countyCode: countyCode, unitPath: unitPath, destination: destination, kind: kind, orderingKey: orderingKey,
                      payload: try request.serializedBytes())
        }
    }

    /// Writes `message` into `table` with the transaction's `COMMIT` (no round trip of its
    /// own): it is there exactly when the transaction's other writes are.
    public static func enqueue(into table: String, in tx: PostgresTransaction, message: Message) throws {
        try tx.deferUntilCommit(
            """
            INSERT INTO \(table) (county_code, unit_path, destination, kind, ordering_key, payload)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [.text(message.countyCode), .text(message.unitPath), .text(message.destination), .text(message.kind),
             .text(message.orderingKey), .bytea(message.payload)])
    }
}

/// One claimed outbox row, as a delivery handler sees it.
public struct OutboxDelivery: Sendable {
    public let id: Int64
    public let countyCode: String
    public let unitPath: String
    public let destination: String
    public let kind: String
    public let orderingKey: String
    public let payload: [UInt8]
    /// Attempts before this one.
    public let attempts: Int
    public let createdAt: Date
}

/// 退避 — the wait after the n-th failed attempt: `base · 2^(n−1)`, at most `maximum`,
/// with ±`jitter` spread so that retries from many rows do not arrive together.
public struct OutboxBackoff: Sendable, Hashable {
    public var base: Duration
    public var maximum: Duration
    /// 0…1: the fraction by which a delay may be shortened or lengthened at random.
    public var jitter: Double

    public init(base: Duration = .seconds(1), maximum: Duration = .seconds(300), jitter: Double = 0.2) {
        self.base = base
        self.maximum = maximum
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay after `failures` failed attempts (1 for the first failure), before jitter.
    public func nominalDelay(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        let scaled = base * (1 << exponent)
        return scaled > maximum || scaled < .zero ? maximum : scaled
    }

    /// The delay with jitter, in milliseconds (at least 1).
    public func delayMilliseconds(afterFailures failures: Int) -> Int64 {
        let nominal = nominalDelay(afterFailures: failures)
        let millis = Double(nominal.components.seconds) * 1000 + Double(nominal.components.attoseconds) / 1e15
        let factor = jitter == 0 ? 1 : Double.random(in: (1 - jitter)...(1 + jitter))
        return max(1, Int64((millis * factor).rounded()))
    }
}

/// Delivers an outbox table's rows (``Outbox``) to handlers by destination, as a
/// long-running part of a service (``ServiceRunner/Setup/background``).
///
/// A pass claims up to `batchSize` due rows — the oldest undelivered row of each ordering
/// key only, so messages about one thing arrive in the order they were written — with
/// `FOR UPDATE SKIP LOCKED`, so several instances of a service share the work and never
/// deliver one row at the same time. Each row's handler runs while the row stays locked;
/// success marks it delivered, a failure records the error and schedules the next attempt
/// with ``OutboxBackoff``. A crash or restart mid-pass rolls the claim back: the rows are
/// delivered again later (at least once). A pass stops claiming after `passBudget`, so a
/// receiver that hangs does not hold rows locked for long.
public final class OutboxDeliverer: Service, Sendable {
    public typealias Handler = @Sendable (OutboxDelivery) async throws -> Void

    public let pool: PostgresPool
    public let table: String
    public let handlers: [String: Handler]
    public let backoff: OutboxBackoff
    public let pollInterval: Duration
    public let batchSize: Int
    public let passBudget: Duration
    public let logger: Logger

    /// - Parameters:
    ///   - table: the schema-qualified table, e.g. `session.outbox` (an identifier the
    ///     service names, never input).
    ///   - handlers: by destination; a row whose destination has none fails and is retried
    ///     (a newer version of the service may know it).
    public init(
        pool: PostgresPool, table: String, handlers: [String: Handler], backoff: OutboxBackoff = OutboxBackoff(),
        pollInterval: Duration = .milliseconds(500), batchSize: Int = 16, passBudget: Duration = .seconds(20), logger: Logger
    ) {
        precondition(table.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }, "an outbox table is an identifier")
        self.pool = pool
        self.table = table
        self.handlers = handlers
        self.backoff = backoff
        self.pollInterval = pollInterval
        self.batchSize = max(1, batchSize)
        self.passBudget = passBudget
        self.logger = logger
    }

    /// What one pass did.
    public struct Pass: Sendable, Hashable {
        public var delivered = 0
        public var failed = 0
        public var claimed: Int { delivered + failed }
    }

    /// Claims and delivers the due rows once; returns what it did.
    @discardableResult
    public func deliverPending() async throws -> Pass {
        let started = ContinuousClock.now
        return try await pool.transaction(retries: 0) { tx in
            let rows = try await tx.query(
                """
                SELECT o.id, o.county_code, o.unit_path, o.destination, o.kind, o.ordering_key, o.payload, o.attempts, o.created_at
                  FROM \(table) o
                 WHERE o.delivered_at IS NULL AND o.next_attempt_at <= now()
                   AND NOT EXISTS (SELECT 1 FROM \(table) p
                                    WHERE p.ordering_key = o.ordering_key AND p.delivered_at IS NULL AND p.id < o.id)
                 ORDER BY o.id
                 LIMIT \(batchSize)
                 FOR UPDATE OF o SKIP LOCKED
                """)
            var pass = Pass()
            for row in rows {
                if ContinuousClock.now - started > passBudget { break }
                let delivery = OutboxDelivery(
                    id: try row["id"].decode(Int64.self), countyCode: try row["county_code"].decode(String.self),
                    unitPath: try row["unit_path"].decode(String.self), destination: try row["destination"].decode(String.self),
                    kind: try row["kind"].decode(String.self), orderingKey: try row["ordering_key"].decode(String.self),
                    payload: try row["payload"].decode([UInt8].self), attempts: try row["attempts"].decode(Int.self),
                    createdAt: try row["created_at"].decode(Date.self))
                do {
                    guard let handler = handlers[delivery.destination] else {
                        throw OutboxError(message: "no handler for destination \(delivery.destination)")
                    }
                    try await handler(delivery)
                    _ = try await tx.execute(
                        "UPDATE \(table) SET delivered_at = now(), attempts = attempts + 1, last_error = '' WHERE id = $1",
                        [.int(delivery.id)])
                    pass.delivered += 1
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    if Task.isCancelled { throw CancellationError() }
                    let failures = delivery.attempts + 1
                    let delay = backoff.delayMilliseconds(afterFailures: failures)
                    _ = try await tx.execute(
                        """
                        UPDATE \(table) SET attempts = attempts + 1, last_error = left($2, 1000),
                               next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
                         WHERE id = $1
                        """,
                        [.int(delivery.id), .text("\(error)"), .int(delay)])
                    pass.failed += 1
                    logger.warning("outbox delivery failed; will retry", metadata: [
                        "table": "\(table)", "id": "\(delivery.id)", "destination": "\(delivery.destination)",
                        "kind": "\(delivery.kind)", "attempts": "\(failures)", "retry_ms": "\(delay)", "error": "\(error)",
                    ])
                }
            }
            return pass
        }
    }

    /// Rows not yet delivered (for health and metrics).
    public func pendingCount() async throws -> Int {
        try await pool.query("SELECT count(*) FROM \(table) WHERE delivered_at IS NULL").first?[0].decode(Int.self) ?? 0
    }

    /// Delivers until graceful shutdown: a pass, then a pause of `pollInterval` unless the
    /// pass found a full batch (more may be waiting).
    public func run() async throws {
        try? await cancelOnGracefulShutdown {
            while !Task.isCancelled {
                var full = false
                do {
                    let pass = try await self.deliverPending()
                    full = pass.claimed >= self.batchSize
                } catch {
                    if Task.isCancelled { return }
                    self.logger.warning("outbox pass failed", metadata: ["table": "\(self.table)", "error": "\(error)"])
                }
                if !full { try await Task.sleep(for: self.pollInterval) }
            }
        }
    }
}

public struct OutboxError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
