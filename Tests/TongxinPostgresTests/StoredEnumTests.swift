import Foundation
import Testing
import TongxinPostgres

/// A status stored as an explicit `smallint` code.
private enum Phase: Int, PostgresEnum, CaseIterable {
    case draft = 1
    case published = 2
    // 3 was retired: a stored 3 must be refused, not read as some other case.
    case closed = 4
}

/// A category stored by its text name.
private enum Sector: String, PostgresEnum {
    case resident
    case merchant
}

/// A string-named enum stored by a code of its own (as MembershipRules' kinds are).
private enum Kind: String, PostgresEnum {
    case town, village

    var storedValue: Int { self == .town ? 1 : 2 }
    init?(storedValue: Int) {
        switch storedValue {
        case 1: self = .town
        case 2: self = .village
        default: return nil
        }
    }
}

private struct Item: PostgresRecord {
    var id: Int
    var phase: Phase
    var sector: Sector?

    static let columns = "id, phase, sector"

    init(row: PostgresRow) throws {
        id = try row["id"].decode(Int.self)
        phase = try row["phase"].decode(Phase.self)
        sector = try row["sector"].decode(Sector?.self)
    }
}

@Suite("Stored enums and records")
struct StoredEnumTests {
    @Test("a stored code decodes to its case by raw value, not by position")
    func decodesByRawValue() async throws {
        try await withPool { pool in
            let row = try #require(try await pool.query("SELECT 4::int2 AS p, 'merchant'::text AS s, 2::int2 AS k").first)
            #expect(try row["p"].decode(Phase.self) == .closed)
            #expect(try row["s"].decode(Sector.self) == .merchant)
            #expect(try row["k"].decode(Kind.self) == .village)
        }
    }

    @Test("an unknown stored value is a decoding error naming the column, never a default case")
    func unknownValueThrows() async throws {
        try await withPool { pool in
            let row = try #require(try await pool.query(
                "SELECT 3::int2 AS p, 0::int2 AS zero, 'farmer'::text AS s, 9::int2 AS k, NULL::int2 AS n").first)
            for column in ["p", "zero"] {
                let error = #expect(throws: PostgresError.self) { try row[column].decode(Phase.self) }
                #expect(error?.kind == .decoding)
                #expect(error?.column == column)
            }
            #expect(throws: PostgresError.self) { try row["s"].decode(Sector.self) }
            #expect(throws: PostgresError.self) { try row["k"].decode(Kind.self) }
            #expect(throws: PostgresError.self) { try row["n"].decode(Phase.self) }
            #expect(try row["n"].decode(Phase?.self) == nil)
        }
    }

    @Test("arrays of stored enums decode element by element, and one unknown element fails the array")
    func arrays() async throws {
        try await withPool { pool in
            let row = try #require(try await pool.query(
                "SELECT ARRAY['resident', 'merchant']::text[] AS good, ARRAY['resident', 'farmer']::text[] AS bad").first)
            #expect(try row["good"].decode([Sector].self) == [.resident, .merchant])
            #expect(throws: PostgresError.self) { try row["bad"].decode([Sector].self) }
        }
    }

    @Test("stored enums bind as their stored value, and sqlList spells an IN list")
    func binds() async throws {
        #expect(Phase.closed.postgresValue == .int(4))
        #expect(Sector.merchant.postgresValue == .text("merchant"))
        #expect(Kind.town.postgresValue == .int(1))
        #expect(PostgresValue(Optional<Phase>.none) == .null)
        #expect(Phase.sqlList([.draft, .closed]) == "(1, 4)")
        #expect(Sector.sqlList([.resident]) == "('resident')")
        try await withPool { pool in
            let row = try #require(try await pool.query("SELECT $1::int2 AS p", [Phase.published.postgresValue]).first)
            #expect(try row["p"].decode(Phase.self) == .published)
        }
    }

    @Test("records decode typed rows in a transaction; a row with an unknown value fails the query")
    func records() async throws {
        try await withPool { pool in
            let table = uniqueName("items")
            try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY, phase smallint NOT NULL, sector text)")
            try await pool.execute(
                "INSERT INTO \(table) VALUES (1, $1, $2), (2, $3, NULL)",
                [Phase.draft.postgresValue, Sector.resident.postgresValue, Phase.closed.postgresValue])
            let items = try await pool.transaction { tx in
                try await tx.query(Item.self, "SELECT \(Item.columns) FROM \(table) ORDER BY id")
            }
            #expect(items.map(\.phase) == [.draft, .closed])
            #expect(items.map(\.sector) == [.resident, nil])
            let one = try await pool.transaction { tx in
                try await tx.queryOne(Item.self, "SELECT \(Item.columns) FROM \(table) WHERE id = $1", [2])
            }
            #expect(one?.phase == .closed)
            let none = try await pool.transaction { tx in
                try await tx.queryOne(Item.self, "SELECT \(Item.columns) FROM \(table) WHERE id = $1", [99])
            }
            #expect(none == nil)
            let count = try await pool.transaction { tx in
                try await tx.queryValue(Int.self, "SELECT count(*) FROM \(table)")
            }
            #expect(count == 2)
            let counted = try await pool.transaction { tx in
                try await tx.query(Counted<Item>.self, "SELECT \(Counted<Item>.columns) FROM \(table) ORDER BY id LIMIT 1")
            }
            #expect(counted.map(\.total) == [2])
            try await pool.execute("INSERT INTO \(table) VALUES (3, 3, NULL)")
            await #expect(throws: PostgresError.self) {
                try await pool.transaction { tx in try await tx.query(Item.self, "SELECT \(Item.columns) FROM \(table)") }
            }
            try await pool.execute("DROP TABLE \(table)")
        }
    }
}
