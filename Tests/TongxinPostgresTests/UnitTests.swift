import Foundation
import Testing
import TongxinPostgres

@Suite("Parsing without a server")
struct UnitTests {
    @Test("a postgres:// URL gives host, port, credentials and database, percent-decoded")
    func parsesURL() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://svc%40x:p%2Fss%3Aw@db.internal:6543/tong%20xin?application_name=membership&connect_timeout=3")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.user == "svc@x")
        #expect(configuration.password == "p/ss:w")
        #expect(configuration.database == "tong xin")
        #expect(configuration.applicationName == "membership")
        #expect(configuration.connectTimeoutSeconds == 3)
        #expect(!configuration.redactedURL.contains("p/ss"))

        let ipv6 = try PostgresConfiguration(url: "postgresql://u:p@[::1]:5433/d")
        #expect(ipv6.host == "::1")
        #expect(ipv6.port == 5433)
    }

    @Test("sslmode=verify-full and its CA file (sslrootcert) are taken from the URL")
    func parsesTLSParameters() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://u:p@db.internal:5432/d?sslmode=verify-full&sslrootcert=%2Fetc%2Ftongxin%2Fca.pem")
        #expect(configuration.sslMode == "verify-full")
        #expect(configuration.sslRootCert == "/etc/tongxin/ca.pem")
    }

    @Test("malformed URLs are rejected as invalid input")
    func rejectsBadURLs() {
        for url in ["mysql://u:p@h/d", "postgres://u:p@h:notaport/d", "postgres://u:p@h:5432/d?evil=1", "postgres://u:%zz@h/d"] {
            #expect(throws: PostgresError.self, "\(url)") { try PostgresConfiguration(url: url) }
        }
    }

    @Test("timestamptz text parses with microseconds, offsets, BC and infinity")
    func parsesTimestamps() throws {
        let date = try Date.decode(text: "2024-02-29 23:59:58.123456+00", typeOID: 1184)
        #expect(abs(date.timeIntervalSince1970 - 1_709_251_198.123456) < 0.000_001)
        let offset = try Date.decode(text: "2024-03-01 05:29:58.123456+05:30", typeOID: 1184)
        #expect(abs(offset.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_001)
        #expect(try Date.decode(text: "1970-01-01 00:00:00+00", typeOID: 1184).timeIntervalSince1970 == 0)
        #expect(try Date.decode(text: "infinity", typeOID: 1184) == .distantFuture)
        #expect(try Date.decode(text: "0001-01-01 00:00:00+00 BC", typeOID: 1184) < Date(timeIntervalSince1970: -62_135_596_800))
        #expect(throws: PostgresError.self) { try Date.decode(text: "yesterday", typeOID: 1184) }
    }

    @Test("array text handles quoting, escapes, NULL and empty arrays")
    func parsesArrays() throws {
        let values = try [String?].decode(text: #"{plain,"with space","quote\"and\\backslash",NULL,"NULL",中文}"#, typeOID: 1009)
        #expect(values == ["plain", "with space", "quote\"and\\backslash", nil, "NULL", "中文"])
        #expect(try [Int64].decode(text: "{}", typeOID: 1016) == [])
        #expect(try [Int].decode(text: "[0:2]={1,2,3}", typeOID: 1007) == [1, 2, 3])
        #expect(throws: PostgresError.self) { try [String].decode(text: "{a,NULL}", typeOID: 1009) }
        #expect(try [UInt8].decode(text: #"\x00ff10"#, typeOID: 17) == [0, 255, 16])
    }

    @Test("migration checksums are SHA-256 of the SQL text")
    func checksums() {
        #expect(Migration(version: 1, name: "empty", sql: "").checksum
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Migration(version: 1, name: "abc", sql: "abc").checksum
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = String(repeating: "a", count: 1000)
        #expect(Migration(version: 1, name: "long", sql: long).checksum
            == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test("migration files load sorted by version; bad names and duplicate versions are errors")
    func loadsMigrationFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("migrations"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "CREATE TABLE b (id int);".write(to: directory.appendingPathComponent("0002_second.sql"), atomically: true, encoding: .utf8)
        try "CREATE TABLE a (id int);".write(to: directory.appendingPathComponent("0001_first.sql"), atomically: true, encoding: .utf8)
        try "notes".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let migrations = try Migration.load(directory: directory.path)
        #expect(migrations.map(\.version) == [1, 2])
        #expect(migrations.map(\.name) == ["first", "second"])
        #expect(migrations.first?.file == "0001_first.sql")

        try "x".write(to: directory.appendingPathComponent("0002_again.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migration.load(directory: directory.path) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("0002_again.sql"))
        try "x".write(to: directory.appendingPathComponent("third.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migration.load(directory: directory.path) }
    }
}
