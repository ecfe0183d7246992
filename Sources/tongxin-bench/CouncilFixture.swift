import ArgumentParser
import Foundation
import MembershipAPI
import TongxinRPC
import TongxinSchemas
import TongxinService

/// A village council of `members` nominated people in a fresh ``UnitFixture``, created
/// through the membership API, for the GetCouncil and CheckComposition benchmarks.
struct CouncilFixture {
    var councilID: String
    var options: CallOptions

    static func create(client: RPCClient, members: Int, audience: String = "membership") async throws -> CouncilFixture {
        let units = try await UnitFixture.create(client: client, audience: audience)
        let api = MembershipV1.Membership.Client(client)
        let options = units.options
        let prefix = units.prefix
        let unit = units.village
        let council = try await api.createCouncil(.init(unit: .init(id: unit.id), kind: .villageCouncil, name: "基准村民主协商议事会",
                                                        termStartsOn: .init(year: 2026, month: 1, day: 1),
                                                        termEndsOn: .init(year: 2030, month: 12, day: 31)), options: options)
        for index in 0..<members {
            let person = try await api.createPerson(.init(
                unit: .init(id: unit.id), name: "成员\(index)", gender: index % 2 == 0 ? .female : .male,
                birthYear: 1960 + Int32(index % 40), phone: "138\(String(format: "%08d", index))",
                idNumber: idNumber(region: String(prefix.prefix(6)), index: index),
                household: "户\(index)", partyMember: index % 3 == 0, grassrootsCadre: index % 5 == 0, sector: "villagerRepresentative"
            ), options: options)
            _ = try await api.nominateMember(.init(councilId: council.id, personId: person.id, role: .fixedMember, source: .partyOrganisation), options: options)
        }
        return CouncilFixture(councilID: council.id, options: options)
    }

    /// A valid 18-character resident ID number (GB 11643-1999 MOD 11-2 check character).
    static func idNumber(region: String, index: Int) -> String {
        let birth = String(format: "19%02d0%d1%d", 60 + index % 40, 1 + index % 9, index % 10)
        let body = region + birth + String(format: "%03d", index % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        let check = Array("10X98765432")[sum % 11]
        return body + String(check)
    }
}

/// A county → town → village created through the membership API. Each run uses a fresh
/// random county code so runs never collide.
struct UnitFixture {
    var prefix: String
    var village: MembershipV1.Unit
    /// One village per town (`towns` of them); `village` is the first.
    var villages: [MembershipV1.Unit]
    var options: CallOptions

    /// `audience` `gateway`: the token is a tooling token the gateway accepts (HS256 for
    /// `aud: gateway`, as `tongxinctl` on the server) and forwards as its own EdDSA token.
    static func create(client: RPCClient, towns: Int = 1, audience: String = "membership") async throws -> UnitFixture {
        guard let secret = ProcessInfo.processInfo.environment["TONGXIN_AUTH_SECRET"] else {
            throw ValidationError("the membership methods need TONGXIN_AUTH_SECRET (see .tongxin/secrets.env)")
        }
        let provinces = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]
        let prefix = String(format: "%02d%02d%02d", provinces.randomElement()!, Int.random(in: 1...99), Int.random(in: 1...99))
        let county = prefix + "000000"
        let town = prefix + "001000"
        let village = prefix + "001001"
        let caller = Caller(principal: "tongxin-bench", unitPath: "u" + county,
                            permissions: ["membership.read", "membership.write", "membership.rules", "pii.read"],
                            audience: audience, now: Int64(Date().timeIntervalSince1970),
                            lifetime: TokenAuthority.defaultMaximumLifetime, issuer: "tongxin-bench")
        var metadata = Metadata()
        metadata.authorization = "Bearer " + TokenAuthority(
            secret: Array(secret.utf8),
            keyID: ProcessInfo.processInfo.environment["TONGXIN_AUTH_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? TokenAuthority.defaultSecretKeyID
        ).issue(caller)
        let options = CallOptions(timeout: .seconds(10), metadata: metadata)
        let api = MembershipV1.Membership.Client(client)

        _ = try await api.createUnit(.init(divisionCode: county, name: "基准县", level: .county), options: options)
        var villages: [MembershipV1.Unit] = []
        for number in 1...max(1, min(towns, 999)) {
            let town = number == 1 ? town : prefix + String(format: "%03d000", number)
            let village = number == 1 ? village : prefix + String(format: "%03d001", number)
            _ = try await api.createUnit(.init(divisionCode: town, name: "基准镇\(number)", level: .town,
                                               parent: .init(divisionCode: county)), options: options)
            villages.append(try await api.createUnit(.init(divisionCode: village, name: "基准村\(number)", level: .village,
                                                           parent: .init(divisionCode: town), householdCount: 600), options: options))
        }
        return UnitFixture(prefix: prefix, village: villages[0], villages: villages, options: options)
    }
}
