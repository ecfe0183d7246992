import Foundation
import Synchronization
import Testing
import TongxinPostgres
import TongxinService
import TongxinTesting

/// The kit's transactional outbox on its own: a table of the documented shape, written in
/// transactions, delivered by two deliverers at once.
@Suite("Outbox — the kit's deliverer", .serialized)
struct OutboxTests {
    @Test("backoff doubles from its base up to its maximum, with bounded jitter")
    func backoff() {
        let backoff = OutboxBackoff(base: .milliseconds(100), maximum: .seconds(2), jitter: 0.2)
        #expect(backoff.nominalDelay(afterFailures: 1) == .milliseconds(100))
        #expect(backoff.nominalDelay(afterFailures: 2) == .milliseconds(200))
        #expect(backoff.nominalDelay(afterFailures: 5) == .milliseconds(1600))
        #expect(backoff.nominalDelay(afterFailures: 6) == .seconds(2))
        #expect(backoff.nominalDelay(afterFailures: 500) == .seconds(2))
        for _ in 0..<100 {
            #expect((80...120).contains(backoff.delayMilliseconds(afterFailures: 1)))
        }
    }

    @Test("rows written in a transaction that rolls back never exist; two deliverers at once deliver every row exactly once, in order per key, retrying failures")
    func deliverers() async throws {
        let database = try await TestDatabase.create(prefix: "outbox")
        let pool = try database.superuserPool()
        _ = try await pool.query("""
            CREATE TABLE public.probe_outbox (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, county_code text NOT NULL, unit_path text NOT NULL,
                destination text NOT NULL, kind text NOT NULL, ordering_key text NOT NULL, payload bytea NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(), attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT now(), delivered_at timestamptz, last_error text NOT NULL DEFAULT '')
            """)
        @Sendable func message(_ key: Int, _ sequence: Int) -> Outbox.Message {
            Outbox.Message(countyCode: "330100000000", unitPath: "u330100000000", destination: "probe", kind: "Probe",
                           orderingKey: "key/\(key)", payload: Array("\(key):\(sequence)".utf8))
        }
        // A rolled-back transaction leaves nothing behind.
        struct Rollback: Error {}
        await #expect(throws: Rollback.self) {
            try await pool.transaction { tx in
                try Outbox.enqueue(into: "public.probe_outbox", in: tx, message: message(0, 0))
                _ = try await tx.query("SELECT 1")
                throw Rollback()
            }
        }
        // 10 keys × 5 messages, each committed with its own transaction.
        for sequence in 0..<5 {
            for key in 1...10 {
                try await pool.transaction { tx in
                    try Outbox.enqueue(into: "public.probe_outbox", in: tx, message: message(key, sequence))
                    _ = try await tx.query("SELECT 1")
                }
            }
        }
        #expect(try await pool.query("SELECT count(*) FROM public.probe_outbox").first?[0].decode(Int.self) == 50)
        let delivered = Mutex<[String]>([])
        let failures = Atomic<Int>(0)
        let handler: OutboxDeliverer.Handler = { delivery in
            let text = String(decoding: delivery.payload, as: UTF8.self)
            // Every message fails on its first attempt (the receiver was down).
            if delivery.attempts == 0 {
                failures.add(1, ordering: .relaxed)
                throw OutboxError(message: "receiver down")
            }
            delivered.withLock { $0.append(text) }
        }
        func deliverer() -> OutboxDeliverer {
            OutboxDeliverer(
                pool: pool, table: "public.probe_outbox", handlers: ["probe": handler],
                backoff: OutboxBackoff(base: .milliseconds(10), maximum: .milliseconds(50)), pollInterval: .milliseconds(10), batchSize: 4,
                logger: TestDatabase.logger)
        }
        let first = deliverer(), second = deliverer()
        let end = ContinuousClock.now + .seconds(60)
        while try await first.pendingCount() > 0, ContinuousClock.now < end {
            async let a = first.deliverPending()
            async let b = second.deliverPending()
            _ = try await (a, b)
        }
        let texts = delivered.withLock { $0 }
        #expect(texts.count == 50)
        #expect(Set(texts).count == 50, "no message delivered twice")
        #expect(failures.load(ordering: .relaxed) == 50)
        for key in 1...10 {
            let order = texts.filter { $0.hasPrefix("\(key):") }.map { Int($0.split(separator: ":")[1])! }
            #expect(order == [0, 1, 2, 3, 4], "key \(key) in order: \(order)")
        }
        let rows = try await pool.query("SELECT count(*) FROM public.probe_outbox WHERE delivered_at IS NOT NULL AND attempts = 2")
        #expect(try rows.first?[0].decode(Int.self) == 50)
        await pool.close()
    }
}
