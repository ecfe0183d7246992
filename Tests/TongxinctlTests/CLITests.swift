import Foundation
import GatewayRules
import Testing
import TongxinTesting
import TongxinctlKit

/// The built `tongxinctl` as a subprocess against a real gateway, membership and agenda on
/// real PostgreSQL: login and profiles, CSV import with bad rows, the composition check,
/// the ledger, topic approval, and the exit code of each kind of failure.
@Suite("tongxinctl against a deployment", .cli)
struct CLITests {
    @Test("login keeps the session in a 0600 profile; whoami answers; logout ends it and later calls exit 4")
    func loginAndProfiles() async throws {
        let harness = try CLIHarness.current
        let county = try await harness.county()
        try await harness.account("clerk.\(county.number)", .townAdmin, at: county.townPath, county: county)
        let cli = try CLI(port: harness.port)

        let login = try await cli.login("clerk.\(county.number)")
        #expect(login.status == 0, "\(login)")
        #expect(login.stdout.contains("logged in as clerk.\(county.number)"))
        #expect(login.stdout.contains("town_admin"))
        let file = cli.configHome + "/tongxin/profiles.json"
        let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(!login.stdout.contains("txs_"), "the token is never printed")

        let who = try await cli.run(["whoami", "--json"])
        #expect(who.status == 0, "\(who)")
        let whoJSON = try #require(try who.json() as? [String: Any])
        #expect(whoJSON["account"] as? String == "clerk.\(county.number)")
        #expect(whoJSON["unit_path"] as? String == county.townPath)
        #expect((whoJSON["permissions"] as? [String])?.contains("membership.write") == true)

        // A wrong password: UNAUTHENTICATED, exit 4, one line on standard error.
        let wrong = try await cli.run(["login", "--profile", "other", "--account", "clerk.\(county.number)", "--password-stdin"], stdin: "not the password\n")
        #expect(wrong.status == 4, "\(wrong)")
        #expect(wrong.stderr.split(separator: "\n").count == 1 && wrong.stderr.contains("UNAUTHENTICATED"))

        let profiles = try await cli.run(["profile", "list", "--json"])
        let list = try #require(try profiles.json() as? [[String: Any]])
        #expect(list.contains { $0["name"] as? String == "default" && $0["logged_in"] as? Bool == true })

        let logout = try await cli.run(["logout"])
        #expect(logout.status == 0, "\(logout)")
        let after = try await cli.run(["unit", "list"])
        #expect(after.status == 4, "\(after)")
        #expect(after.stderr.contains("not logged in"))
    }

    @Test("unit import: a bad units row rejects the file with its line; people rows are created one by one and a bad one reported; a repeat changes nothing")
    func importWithBadRows() async throws {
        let harness = try CLIHarness.current
        let county = try await harness.county()
        try await harness.account("town.\(county.number)", .townAdmin, at: county.townPath, county: county)
        let cli = try CLI(port: harness.port)
        #expect(try await cli.login("town.\(county.number)").status == 0)

        let directory = cli.configHome
        let badUnits = directory + "/bad-units.csv"
        try "code,name,parent_code\n\(county.villageCode(1)),下岙村,\(county.townCode)\n\(county.villageCode(2)),上岙村,339099999000\n"
            .write(toFile: badUnits, atomically: true, encoding: .utf8)
        let rejected = try await cli.run(["unit", "import", badUnits, "--json"])
        #expect(rejected.status == 1, "\(rejected)")
        let rejectedJSON = try #require(try rejected.json() as? [String: Any])
        let problems = try #require(rejectedJSON["problems"] as? [[String: Any]])
        #expect(problems.count == 1)
        #expect(problems.first?["line"] as? Int == 3)
        #expect(problems.first?["field"] as? String == "parent_code")
        #expect((problems.first?["message_zh"] as? String)?.isEmpty == false)

        let units = directory + "/units.csv"
        try "code,name,parent_code\n\(county.villageCode(1)),下岙村,\(county.townCode)\n\(county.villageCode(2)),上岙村,\(county.townCode)\n"
            .write(toFile: units, atomically: true, encoding: .utf8)
        let people = directory + "/people.csv"
        try """
            unit_code,name,gender,birth_year,phone,id_number,party_member,sector
            \(county.villageCode(1)),王建国,男,1968,13800000001,,是,villagerRepresentative
            \(county.villageCode(1)),李梅,女,1975,12345,,否,
            \(county.villageCode(2)),张伟,x,1980,,,否,
            \(county.villageCode(2)),赵强,男,1982,13800000004,,否,expert
            """.write(toFile: people, atomically: true, encoding: .utf8)
        let imported = try await cli.run(["unit", "import", units, "--people", people])
        #expect(imported.status == 1, "\(imported)")
        #expect(imported.stdout.contains("units: created 2, unchanged 0"))
        #expect(imported.stdout.contains("people: created 2, unchanged 0, rejected 2"))
        // The report names each rejected row: line 3 (the service refused the phone), line 4 (gender, checked here).
        let report = imported.stdout.split(separator: "\n").filter { $0.contains("people.csv") }
        #expect(report.count == 2)
        #expect(report.contains { $0.contains(" 3 ") && $0.contains("李梅") && $0.contains("phone") })
        #expect(report.contains { $0.contains(" 4 ") && $0.contains("张伟") && $0.contains("gender") })

        // Again: the units are unchanged, the people created before answer as before (idempotency keys).
        let again = try await cli.run(["unit", "import", units, "--people", people, "--json"])
        let againJSON = try #require(try again.json() as? [String: Any])
        #expect((againJSON["units"] as? [String: Any])?["unchanged"] as? Int == 2)
        let againPeople = try #require(againJSON["people"] as? [String: Any])
        // (rows with an ID number would be "unchanged"; these are answered by their idempotency keys)
        #expect((againPeople["created"] as? Int ?? 0) + (againPeople["unchanged"] as? Int ?? 0) == 2 && againPeople["rejected"] as? Int == 2, "\(again)")
        // A person whose ID number the town already has is "unchanged", whatever else the row says.
        let withID = directory + "/people-id.csv"
        try "unit_code,name,id_number,household\n\(county.villageCode(1)),孙丽,11010519491231002X,一组3号\n".write(toFile: withID, atomically: true, encoding: .utf8)
        #expect(try await cli.run(["unit", "import", "--people", withID]).status == 0)
        try "unit_code,name,id_number,household\n\(county.villageCode(1)),孙丽,11010519491231002X,一组4号\n".write(toFile: withID, atomically: true, encoding: .utf8)
        let sameID = try await cli.run(["unit", "import", "--people", withID])
        #expect(sameID.status == 0 && sameID.stdout.contains("people: created 0, unchanged 1, rejected 0"), "\(sameID)")

        let found = try await cli.run(["person", "find", "--unit", county.townCode, "--name-prefix", "王", "--json"])
        #expect((try found.json() as? [Any])?.count == 1, "\(found)")

        let list = try await cli.run(["unit", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("下岙村") && list.stdout.contains("上岙村"))
        let listJSON = try #require(try await cli.run(["unit", "list", "--json"]).json() as? [[String: Any]])
        #expect(listJSON.count == 3)
        #expect(listJSON.contains { $0["name"] as? String == "上岙村" && $0["level"] as? String == "UNIT_LEVEL_VILLAGE" })
    }

    @Test("council check prints every rule with its numbers and exits 1 while a binding rule is broken")
    func councilCheck() async throws {
        let harness = try CLIHarness.current
        let county = try await harness.county()
        try await harness.account("county.\(county.number)", .countyAdmin, at: county.path, county: county)
        let cli = try CLI(port: harness.port)
        #expect(try await cli.login("county.\(county.number)").status == 0)
        _ = try await cli.run(["unit", "create", county.villageCode(1), "--name", "下岙村", "--level", "village", "--parent", county.townCode,
                               "--households", "300"])
        let created = try await cli.run(["council", "create", "--unit", county.villageCode(1), "--kind", "village-council",
                                         "--name", "下岙村民主协商议事会", "--term-start", "2025-01-01", "--term-end", "2029-12-31", "--json"])
        #expect(created.status == 0, "\(created)")
        let council = try #require((try created.json() as? [String: Any])?["id"] as? String)

        let check = try await cli.run(["council", "check", council, "--json"])
        #expect(check.status == 1, "\(check)")
        let report = try #require(try check.json() as? [String: Any])
        #expect(report["binding_satisfied"] as? Bool == false)
        let rules = try #require(report["rules"] as? [[String: Any]])
        #expect(rules.count >= 3)
        #expect(rules.allSatisfy { ($0["rule_id"] as? String)?.isEmpty == false })
        let violated = rules.filter { $0["result"] as? String == "violated" }
        #expect(!violated.isEmpty)
        #expect(violated.contains { (($0["violations"] as? [[String: Any]])?.first?["count"]) != nil })

        let table = try await cli.run(["council", "check", council])
        #expect(table.status == 1)
        #expect(table.stdout.contains("RULE") && table.stdout.contains("violated") && table.stdout.contains("verdict"))
        #expect(table.stdout.split(separator: "\n").count >= rules.count + 2)
    }

    @Test("ledger add and list --json with filters; an unknown item exits 3")
    func ledger() async throws {
        let harness = try CLIHarness.current
        let county = try await harness.county()
        try await harness.account("village.\(county.number)", .villageClerk, at: county.villagePath(1), county: county)
        let cli = try CLI(port: harness.port)
        #expect(try await cli.login("village.\(county.number)").status == 0)

        let first = try await cli.run(["ledger", "add", "--unit", county.villagePath(1), "--channel", "door-to-door", "--category", "infrastructure",
                                       "--text", "村东头道路破损，雨天积水", "--reporter", "王大妈", "--contact", "13800005678", "--json"])
        #expect(first.status == 0, "\(first)")
        let item = try #require(try first.json() as? [String: Any])
        #expect(item["channel"] as? String == "CHANNEL_DOOR_TO_DOOR")
        #expect(item["status"] as? String == "ITEM_STATUS_NEW")
        let second = try await cli.run(["ledger", "add", "--unit", county.villagePath(1), "--channel", "12345热线", "--category", "public-order",
                                        "--text", "夜间噪音扰民", "--external-ref", "GD-\(county.number)"])
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains("夜间噪音扰民"))

        let all = try #require(try await cli.run(["ledger", "list", "--json"]).json() as? [[String: Any]])
        #expect(all.count == 2)
        let doorToDoor = try #require(try await cli.run(["ledger", "list", "--channel", "door-to-door", "--json"]).json() as? [[String: Any]])
        #expect(doorToDoor.count == 1 && doorToDoor.first?["id"] as? String == item["id"] as? String)
        let answeredNone = try #require(try await cli.run(["ledger", "list", "--status", "answered", "--json"]).json() as? [[String: Any]])
        #expect(answeredNone.isEmpty)

        let answer = try await cli.run(["ledger", "answer", item["id"] as! String, "--status", "answered", "--answer", "已联系施工队，本周修复"])
        #expect(answer.status == 0, "\(answer)")
        let table = try await cli.run(["ledger", "list", "--status", "answered"])
        #expect(table.stdout.contains("answered 已答复") && table.stdout.contains("1 item(s)"))

        let missing = try await cli.run(["ledger", "show", "00000000-0000-4000-8000-000000000000"])
        #expect(missing.status == 3, "\(missing)")
        #expect(missing.stderr.hasPrefix("tongxinctl: not found (NOT_FOUND)"))
    }

    @Test("exit codes: permission 4 (not allowed, bad token), usage 2, refused by a rule 5 with the rule named")
    func exitCodes() async throws {
        let harness = try CLIHarness.current
        let county = try await harness.county()
        try await harness.account("clerk2.\(county.number)", .villageClerk, at: county.townPath, county: county)
        let cli = try CLI(port: harness.port)
        #expect(try await cli.login("clerk2.\(county.number)").status == 0)

        // A village clerk may not override composition rules (membership.rules) nor create accounts.
        let rules = try await cli.run(["rule", "set", "--unit", county.townCode, "--kind", "village-council", "--rule-id", "composition.women_share", "--disable"])
        #expect(rules.status == 4, "\(rules)")
        #expect(rules.stderr.contains("PERMISSION_DENIED") && rules.stderr.contains("membership.rules"))
        let account = try await cli.run(["account", "create", "someone.\(county.number)", "--home-unit", county.townPath, "--password-stdin"],
                                        stdin: "a password of some length\n")
        #expect(account.status == 4, "\(account)")

        let bad = try await cli.run(["ledger", "add", "--unit", county.townCode, "--channel", "fax", "--category", "infrastructure", "--text", "x"])
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.hasPrefix("tongxinctl: usage:"))

        let token = try await cli.run(["unit", "list"], environment: ["TONGXIN_TOKEN": "txs_not_a_session"])
        #expect(token.status == 4, "\(token)")
        #expect(token.stderr.contains("UNAUTHENTICATED"))

        // An illegal topic move is refused naming the rule: exit 5.
        let topic = try await cli.run(["topic", "create", "--unit", county.townPath, "--title", "村道修缮", "--category", "infrastructure",
                                       "--scale", "small", "--source", "party-committee", "--json"])
        #expect(topic.status == 0, "\(topic)")
        let id = try #require((try topic.json() as? [String: Any])?["id"] as? String)
        let jump = try await cli.run(["topic", "approve", id, "--meeting-on", "2025-03-05", "--for", "甲", "乙", "丙", "--against", "丁"])
        #expect(jump.status == 0, "\(jump)")
        #expect(jump.stdout.contains("adopted"))
        let illegal = try await cli.run(["topic", "revise", id, "--title", "改"])
        #expect(illegal.status == 5, "\(illegal)")
        #expect(illegal.stderr.hasPrefix("tongxinctl: refused (FAILED_PRECONDITION"))
        #expect(illegal.stderr.split(separator: "\n").count == 1)
    }

    @Test("the audit administrator verifies the county's chains through the gateway")
    func auditVerify() async throws {
        let harness = try CLIHarness.current
        let county = try await harness.county()
        try await harness.account("auditor.\(county.number)", .auditAdmin, at: county.path, county: county)
        let cli = try CLI(port: harness.port)
        #expect(try await cli.login("auditor.\(county.number)").status == 0)
        let verify = try await cli.run(["audit", "verify", "--json"])
        #expect(verify.status == 0, "\(verify)")
        let chains = try #require((try verify.json() as? [String: Any])?["chains"] as? [[String: Any]])
        #expect(!chains.isEmpty)
        #expect(chains.allSatisfy { $0["verdict"] as? String == "CHAIN_VERDICT_INTACT" })
    }
}

@Suite("tongxinctl in a terminal", .cli, .enabled(if: TerminalSession.available, "needs script(1)"))
struct TerminalTests {
    /// The display column each of `cells` starts at in `line` (escapes already removed).
    func columns(_ line: String, _ cells: [String]) -> [Int] {
        var result: [Int] = []
        var rest = Substring(line)
        var consumed = 0
        for cell in cells {
            guard let range = rest.range(of: cell) else { return [] }
            consumed += DisplayWidth.of(rest[..<range.lowerBound])
            result.append(consumed)
            consumed += DisplayWidth.of(cell)
            rest = rest[range.upperBound...]
        }
        return result
    }

    @Test("a table of Chinese names lines up on a real terminal, in colour; NO_COLOR turns colour off")
    func layout() async throws {
        let harness = try CLIHarness.current
        let county = try await harness.county()
        try await harness.account("tty.\(county.number)", .townAdmin, at: county.townPath, county: county)
        let cli = try CLI(port: harness.port)
        #expect(try await cli.login("tty.\(county.number)").status == 0)
        let units = cli.configHome + "/units.csv"
        try "code,name,parent_code\n\(county.villageCode(1)),下岙村,\(county.townCode)\n\(county.villageCode(2)),Xiaozhuang Village,\(county.townCode)\n"
            .write(toFile: units, atomically: true, encoding: .utf8)
        #expect(try await cli.run(["unit", "import", units]).status == 0)

        let binary = try CLI.binary
        let environment = "env XDG_CONFIG_HOME='\(cli.configHome)' TONGXIN_GATEWAY=\(cli.gateway) TERM=xterm-256color"
        let coloured = try await TerminalSession().run("\(environment) '\(binary)' unit list")
        #expect(coloured.contains("\u{1B}["), "a terminal gets colour (bold header)")
        let plain = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        let lines = plain.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("CODE") })
        let headerColumns = columns(header, ["CODE", "NAME", "LEVEL", "HOUSEHOLDS", "PATH"])
        for (code, name, path) in [(county.townCode, "白水洋镇", county.townPath), (county.villageCode(1), "下岙村", county.villagePath(1)),
                                   (county.villageCode(2), "Xiaozhuang Village", county.villagePath(2))] {
            let row = try #require(lines.first { $0.hasPrefix(code) }, "\(plain)")
            let cells = columns(row, [code, name, path])
            #expect(cells.count == 3, "\(row)")
            #expect(cells.first == headerColumns[0])
            #expect(cells.last == headerColumns[4], "PATH starts in the same column on every row: \(plain)")
        }

        let monochrome = try await TerminalSession().run("\(environment) NO_COLOR=1 '\(binary)' unit list")
        #expect(monochrome.contains("Xiaozhuang"))
        #expect(!monochrome.contains("\u{1B}["), "NO_COLOR: no escapes at all")
    }
}
