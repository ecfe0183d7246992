import Foundation
import Testing
import TongxinPostgres

/// The reactor (`TongxinPostgres/Reactor.swift`) finishes every pipeline of the process on
/// one thread, reading answers without blocking: answers larger than the socket buffers
/// arrive in many pieces, requests larger than them leave in many, many connections of
/// several pools are in flight at once, and a pipeline whose server dies mid-answer fails
/// cleanly.
@Suite("The PostgreSQL reactor")
struct ReactorTests {
    @Test("an answer of several megabytes, read in many pieces, arrives whole")
    func largeAnswer() async throws {
        try await withPool { pool in
            let rows = try await pool.query(
                "SELECT g AS n, repeat('同心', 500) AS text FROM generate_series(1, 2000) AS g")
            #expect(rows.count == 2000)
            #expect(try rows.last?["n"].decode(Int.self) == 2000)
            #expect(try rows.first?["text"].decode(String.self).count == 1000)
        }
    }

    @Test("a request of several megabytes, sent in many pieces, reaches the server whole")
    func largeRequest() async throws {
        try await withPool { pool in
            let text = String(repeating: "议", count: 3_000_000)
            let length = try await pool.query("SELECT length($1::text) AS n", [.text(text)]).first?["n"].decode(Int.self)
            #expect(length == 3_000_000)
        }
    }

    @Test("hundreds of pipelines on the connections of three pools are all answered, each with its own result")
    func manyConnections() async throws {
        try await withPool(maxConnections: 4) { first in
            try await withPool(maxConnections: 4) { second in
                try await withPool(maxConnections: 4) { third in
                    let pools = [first, second, third]
                    let sums = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                        for index in 0..<300 {
                            group.addTask {
                                let pool = pools[index % 3]
                                let value = try await pool.transaction(readOnly: true) { tx in
                                    try await tx.queries([
                                        (sql: "SELECT $1::int + 1 AS v", binds: [.int(Int64(index))]),
                                        (sql: "SELECT pg_sleep(0.001), $1::int * 2 AS v", binds: [.int(Int64(index))]),
                                    ]).map { try $0.first?["v"].decode(Int.self) ?? -1 }
                                }
                                return (index, value[0] + value[1])
                            }
                        }
                        var sums: [Int: Int] = [:]
                        for try await (index, sum) in group { sums[index] = sum }
                        return sums
                    }
                    #expect(sums.count == 300)
                    #expect(sums.allSatisfy { $0.value == $0.key * 3 + 1 })
                }
            }
        }
    }

    @Test("a backend terminated while its pipeline waits fails that call as a lost connection; the pool carries on")
    func backendKilledMidPipeline() async throws {
        let marker = uniqueName("reactor_victim")
        var configuration = try TestDatabase.configuration()
        configuration.applicationName = marker
        try await withPool(maxConnections: 2, configuration: configuration) { victim in
            try await withPool { observer in
                let sleeping = Task { try await victim.query("SELECT pg_sleep(60)") }
                var killed = 0
                for _ in 0..<500 where killed == 0 {
                    killed = try await observer.query(
                        """
                        SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
                         WHERE application_name = $1 AND query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'
                        """, [.text(marker)]).first?["n"].decode(Int.self) ?? 0
                    if killed == 0 { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(killed == 1)
                let error = await expectPostgresError { _ = try await sleeping.value }
                #expect(error?.kind == .connectionLost)
                let two = try await victim.query("SELECT 2 AS two").first?["two"].decode(Int.self)
                #expect(two == 2)
            }
        }
    }
}
