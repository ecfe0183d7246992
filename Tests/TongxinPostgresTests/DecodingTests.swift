import Foundation
import Testing
import TongxinPostgres

@Suite("Typed values")
struct DecodingTests {
    @Test("every bind type round-trips through the server with its own type, NULLs included")
    func roundTripsEveryType() async throws {
        try await withPool { pool in
            let id = UUID()
            let when = Date(timeIntervalSince1970: 1_717_171_717.654321)
            let rows = try await pool.query(
                """
                SELECT $1::text AS t, $2::int8 AS i, $3::bool AS b, $4::float8 AS d, $5::timestamptz AS ts,
                       $6::uuid AS u, $7::jsonb AS j, $8::text[] AS ta, $9::int8[] AS ia, $10::bytea AS by,
                       $11::text AS n, pg_typeof($5)::text AS ts_type, pg_typeof($6)::text AS u_type,
                       pg_typeof($7)::text AS j_type, $12::float8 AS nan
                """,
                [
                    .text("同心 · 社区 👋 'quoted'"), .int(-9_223_372_036_854_775_807), .bool(true), .double(-1.5e-300),
                    .timestamp(when), .uuid(id), .jsonb(#"{"名字": "张三", "n": [1, 2]}"#),
                    .textArray(["a", "b c", "", "NULL", "中文", "x\"y\\z", "{}"]), .intArray([1, -2, 3_000_000_000]),
                    .bytea([0, 1, 254, 255]), .null, .double(.nan),
                ])
            let row = try #require(rows.first)
            #expect(row.columns.first == "t")
            #expect(try row["t"].decode(String.self) == "同心 · 社区 👋 'quoted'")
            #expect(try row["i"].decode(Int64.self) == -9_223_372_036_854_775_807)
            #expect(try row["b"].decode(Bool.self) == true)
            #expect(try row["d"].decode(Double.self) == -1.5e-300)
            #expect(abs(try row["ts"].decode(Date.self).timeIntervalSince(when)) < 0.000_002)
            #expect(try row["u"].decode(UUID.self) == id)
            #expect(try row["j"].decode(String.self).contains("张三"))
            #expect(try row["ta"].decode([String].self) == ["a", "b c", "", "NULL", "中文", "x\"y\\z", "{}"])
            #expect(try row["ia"].decode([Int64].self) == [1, -2, 3_000_000_000])
            #expect(try row["by"].decode([UInt8].self) == [0, 1, 254, 255])
            #expect(row["n"].isNull)
            #expect(try row["n"].decode(String?.self) == nil)
            #expect(throws: PostgresError.self) { try row["n"].decode(String.self) }
            #expect(try row["ts_type"].decode(String.self) == "timestamp with time zone")
            #expect(try row["u_type"].decode(String.self) == "uuid")
            #expect(try row["j_type"].decode(String.self) == "jsonb")
            #expect(try row["nan"].decode(Double.self).isNaN)
            #expect(try row[0].decode(String.self) == "同心 · 社区 👋 'quoted'")
        }
    }

    @Test("server-side values decode by type: int4, int2, arrays with NULL, timestamptz, missing columns")
    func decodesServerValues() async throws {
        try await withPool { pool in
            let rows = try await pool.query(
                """
                SELECT 42::int4 AS i4, 7::int2 AS i2, ARRAY['一', NULL, '三']::text[] AS names,
                       ARRAY[1, NULL]::int4[] AS maybe, '2000-01-02 03:04:05.5+08'::timestamptz AS ts,
                       now() AS now, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, 't'::bool AS b,
                       '{"a": 1}'::jsonb AS j, NULL::int AS none
                """)
            let row = try #require(rows.first)
            #expect(try row["i4"].decode(Int.self) == 42)
            #expect(try row["i4"].decode(Int32.self) == 42)
            #expect(try row["i2"].decode(Int64.self) == 7)
            #expect(try row["names"].decode([String?].self) == ["一", nil, "三"])
            #expect(throws: PostgresError.self) { try row["names"].decode([String].self) }
            #expect(try row["maybe"].decode([Int?].self) == [1, nil])
            // DateStyle ISO + TimeZone UTC on every connection: the text is UTC.
            #expect(row["ts"].text == "2000-01-01 19:04:05.5+00")
            #expect(try row["ts"].decode(Date.self) == Date(timeIntervalSince1970: 946_753_445.5))
            #expect(abs(try row["now"].decode(Date.self).timeIntervalSinceNow) < 60)
            #expect(try row["u"].decode(UUID.self) == UUID(uuidString: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"))
            #expect(try row["b"].decode(Bool?.self) == true)
            #expect(try row["j"].decode(String.self) == #"{"a": 1}"#)
            #expect(try row["none"].decode(Int?.self) == nil)
            #expect(throws: PostgresError.self) { try row["no_such_column"].decode(String.self) }
            #expect(throws: PostgresError.self) { try row[99].decode(String.self) }
            #expect(throws: PostgresError.self) { try row["names"].decode(Int.self) }
        }
    }

    @Test("Chinese text survives a table round trip byte for byte")
    func storesChineseText() async throws {
        try await withPool { pool in
            let table = uniqueName("zh")
            try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY, body text NOT NULL, tags text[])")
            let body = "中华人民共和国 — 社区志愿服务登记 ㊗️ 𠀀 (U+20000)"
            let inserted = try await pool.execute(
                "INSERT INTO \(table) (id, body, tags) VALUES ($1, $2, $3)", [1, .text(body), .textArray(["居委会", "网格员"])])
            #expect(inserted == 1)
            let row = try #require(try await pool.query("SELECT body, tags, length(body) AS n FROM \(table) WHERE id = $1", [1]).first)
            #expect(try row["body"].decode(String.self) == body)
            #expect(try row["tags"].decode([String].self) == ["居委会", "网格员"])
            #expect(try row["n"].decode(Int.self) == body.unicodeScalars.count)
            try await pool.execute("DROP TABLE \(table)")
        }
    }

    @Test("NUL characters in text are refused before reaching the server")
    func refusesNUL() async throws {
        try await withPool { pool in
            let error = await expectPostgresError { _ = try await pool.query("SELECT $1::text", [.text("a\u{0}b")]) }
            #expect(error?.kind == .invalidInput)
        }
    }
}

@Suite("UUID text without Foundation's scanf")
struct UUIDTextTests {
    @Test("canonical text round-trips and agrees with Foundation, in either case")
    func roundTrip() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(id.canonicalText == id.uuidString.lowercased())
            #expect(UUID(canonicalText: id.uuidString) == id)
            #expect(UUID(canonicalText: id.canonicalText) == id)
        }
    }

    @Test("anything but 8-4-4-4-12 hex digits is refused")
    func malformed() {
        let good = "5f0c6a1e-3b2d-4c8e-9a7f-0123456789ab"
        #expect(UUID(canonicalText: good) != nil)
        for bad in ["", String(good.dropLast()), good + "0", good.replacingOccurrences(of: "-", with: ""),
                    "5f0c6a1e-3b2d-4c8e-9a7f-0123456789ag", "5f0c6a1e_3b2d-4c8e-9a7f-0123456789ab",
                    "{5f0c6a1e-3b2d-4c8e-9a7f-0123456789a}", "５f0c6a1e-3b2d-4c8e-9a7f-0123456789ab"] {
            #expect(UUID(canonicalText: bad) == nil, "\(bad)")
        }
    }
}
