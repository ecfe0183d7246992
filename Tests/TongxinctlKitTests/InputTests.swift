import Foundation
import Testing
import TongxinSchemas
@testable import TongxinctlKit

@Suite("CSV")
struct CSVTests {
    @Test("quotes, doubled quotes, commas and line breaks inside fields, CRLF, a byte-order mark")
    func parse() throws {
        let text = "\u{FEFF}code,name,parent_code\r\n331082104000,\"白水洋镇, 临海\",331082000000\r\n331082104201,\"下\"\"岙\"\"村\",331082104000\n331082104202,\"two\nlines\",331082104000\n\n"
        let records = try CSV.parse(text)
        #expect(records.map(\.line) == [1, 2, 3, 4])
        #expect(records[0].fields == ["code", "name", "parent_code"])
        #expect(records[1].fields[1] == "白水洋镇, 临海")
        #expect(records[2].fields[1] == "下\"岙\"村")
        #expect(records[3].fields[1] == "two\nlines")
        #expect(try CSV.parse("a,b\n1,2").last?.fields == ["1", "2"])
        #expect(try CSV.parse("a,b\n1,\n").last?.fields == ["1", ""])
    }

    @Test("a quote left open is refused with its line")
    func unclosed() {
        #expect(throws: CSV.Malformed(line: 2, problem: "a quoted field is not closed / 引号未闭合")) {
            try CSV.parse("a,b\n1,\"open\n")
        }
    }
}

@Suite("people CSV")
struct PeopleCSVTests {
    @Test("good rows become requests; each bad row is reported with its line and column, and the rest go on")
    func rows() {
        let text = """
            unit_code,name,gender,birth_year,phone,party_member,posts
            331082104201,王建国,男,1968,13800000001,是,villagePartySecretary;villagersCommitteeMember
            331082104201,,女,1970,,否,
            33108210420,李梅,女,1975,,否,
            331082104201,张伟,other,1880,,maybe,
            331082104201,赵强,m,,13800000004,no,expert
            """
        let (rows, problems) = PeopleCSV.parse(text)
        #expect(rows.map(\.line) == [2, 6])
        #expect(rows[0].request.name == "王建国")
        #expect(rows[0].request.gender == .male)
        #expect(rows[0].request.birthYear == 1968)
        #expect(rows[0].request.partyMember)
        #expect(rows[0].request.posts == ["villagePartySecretary", "villagersCommitteeMember"])
        #expect(rows[0].request.unit?.divisionCode == "331082104201")
        #expect(rows[1].request.gender == .male && !rows[1].request.partyMember)
        #expect(problems.map { "\($0.line):\($0.field):\($0.reason)" } == [
            "3:name:missing", "4:unit_code:malformed", "5:gender:malformed", "5:birth_year:malformed", "5:party_member:malformed",
        ])
        #expect(problems.allSatisfy { !$0.zh.isEmpty && !$0.en.isEmpty })
    }

    @Test("an unknown or missing column rejects the file at line 1")
    func header() {
        let unknown = PeopleCSV.parse("unit_code,name,nickname\n331082104201,王,小王\n")
        #expect(unknown.rows.isEmpty && unknown.problems.map(\.field) == ["nickname"])
        let missing = PeopleCSV.parse("name\n王\n")
        #expect(missing.rows.isEmpty && missing.problems.map(\.field) == ["unit_code"] && missing.problems[0].line == 1)
    }

    @Test("the same row always has the same idempotency key, another row another")
    func idempotency() throws {
        let (rows, _) = PeopleCSV.parse("unit_code,name\n331082104201,王建国\n331082104201,王建国\n331082104201,李梅\n")
        let keys = try rows.map(PeopleCSV.idempotencyKey)
        #expect(keys[0] == keys[1] && keys[0] != keys[2])
        #expect(keys.allSatisfy { $0.utf8.count <= 128 && $0.hasPrefix("tongxinctl-person-") })
    }
}

@Suite("profiles")
struct ProfileTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "tongxinctl-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("the file is 0600 in a 0700 directory, whatever the umask, and round-trips")
    func permissions() throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let store = ProfileStore(directory: ProfileStore.defaultDirectory(environment: ["XDG_CONFIG_HOME": base + "/config"]))
        #expect(store.path == base + "/config/tongxin/profiles.json")
        let previous = umask(0)
        defer { umask(previous) }
        let file = ProfileFile(current: "county-test", profiles: [
            "county-test": Profile(gateway: "127.0.0.1:7100", account: "wang", token: "txs_secret", expiresAt: 1_900_000_000),
            "county-prod": Profile(gateway: "10.0.0.5:7100", actingUnit: "u331082000000"),
        ])
        try store.save(file)
        #expect(try mode(store.path) == 0o600)
        #expect(try mode(store.directory) == 0o700)
        #expect(try store.load() == file)
        try store.update { $0.profiles["county-test"]?.token = nil }
        #expect(try mode(store.path) == 0o600)
        #expect(try store.load().profiles["county-test"]?.token == nil)
    }

    @Test("a file readable by others is narrowed to 0600 when read, and says so")
    func narrowing() throws {
        let base = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let store = ProfileStore(directory: base + "/tongxin")
        try store.save(ProfileFile(profiles: ["default": Profile(token: "txs_x")]))
        chmod(store.path, 0o644)
        let fresh = ProfileStore(directory: base + "/tongxin")
        _ = try fresh.load()
        #expect(fresh.tightened)
        #expect(try mode(store.path) == 0o600)
    }

    @Test("the default directory: XDG_CONFIG_HOME when absolute, else ~/.config")
    func directory() {
        #expect(ProfileStore.defaultDirectory(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/w"]) == "/x/cfg/tongxin")
        #expect(ProfileStore.defaultDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/home/w"]) == "/home/w/.config/tongxin")
        #expect(ProfileStore.defaultDirectory(environment: ["HOME": "/home/w"]) == "/home/w/.config/tongxin")
    }

    @Test("settings: a flag beats the environment beats the profile beats the default")
    func precedence() {
        let file = ProfileFile(current: "test", profiles: [
            "test": Profile(gateway: "10.0.0.9:7100", actingUnit: "u331082000000", token: "txs_test", expiresAt: 5),
            "prod": Profile(gateway: "10.0.0.5:7100", token: "txs_prod"),
        ])
        let fromProfile = Settings.resolve(profileFlag: nil, gatewayFlag: nil, actingUnitFlag: nil, environment: [:], file: file)
        #expect(fromProfile == Settings(profileName: "test", gateway: "10.0.0.9:7100", actingUnit: "u331082000000", token: "txs_test",
                                        tokenSource: "profile test", expiresAt: 5))
        let fromEnvironment = Settings.resolve(
            profileFlag: nil, gatewayFlag: nil, actingUnitFlag: nil,
            environment: ["TONGXIN_PROFILE": "prod", "TONGXIN_GATEWAY": "127.0.0.1:7100", "TONGXIN_ACTING_UNIT": "u331082000000.u331082104000"],
            file: file)
        #expect(fromEnvironment.profileName == "prod" && fromEnvironment.gateway == "127.0.0.1:7100")
        #expect(fromEnvironment.actingUnit == "u331082000000.u331082104000" && fromEnvironment.token == "txs_prod")
        let fromFlags = Settings.resolve(
            profileFlag: "test", gatewayFlag: "192.168.1.1:7100", actingUnitFlag: "u331082000000.u331082105000",
            environment: ["TONGXIN_PROFILE": "prod", "TONGXIN_GATEWAY": "127.0.0.1:7100", "TONGXIN_TOKEN": "txk_env"], file: file)
        #expect(fromFlags.profileName == "test" && fromFlags.gateway == "192.168.1.1:7100" && fromFlags.actingUnit == "u331082000000.u331082105000")
        #expect(fromFlags.token == "txk_env" && fromFlags.tokenSource == "TONGXIN_TOKEN" && fromFlags.expiresAt == nil)
        let nothing = Settings.resolve(profileFlag: nil, gatewayFlag: nil, actingUnitFlag: nil, environment: [:], file: ProfileFile())
        #expect(nothing == Settings(profileName: "default", gateway: "127.0.0.1:7100"))
        #expect(Settings.address("[::1]:7100")! == ("::1", 7100))
        #expect(Settings.address("host") == nil && Settings.address("host:0") == nil)
    }
}
