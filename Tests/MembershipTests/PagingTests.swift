import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas
import TongxinTesting

/// 分页 — every membership list pages by key (the kit's `KeysetPage`), never by OFFSET:
/// each row exactly once and in order however the list is cut, rows inserted meanwhile do
/// not shift later pages, the total is counted only when the first page asks, and a token that is
/// not one of ours is INVALID_ARGUMENT naming `page.page_token`.
// Serialized: the round-trip test reads the service pool's counter, which parallel tests
// of this suite would move.
@Suite("Paging: one keyset style for every list", .membershipService("paging"), .serialized)
struct PagingTests {
    /// Walks a list page by page (`size` rows each), asking for the total on the first page
    /// and checking it comes there only; returns the ids in the order served.
    static func walk(
        size: Int32, expectTotal total: Int,
        _ fetch: (CommonV1.PageRequest) async throws -> (ids: [String], page: CommonV1.PageInfo)
    ) async throws -> [String] {
        var ids: [String] = []
        var token = ""
        var pages = 0
        repeat {
            let (rows, info) = try await fetch(CommonV1.PageRequest(pageSize: size, pageToken: token, includeTotal: true))
            #expect(rows.count <= Int(size))
            #expect(info.totalCount == (pages == 0 ? Int64(total) : 0), "page \(pages): total \(info.totalCount)")
            ids += rows
            token = info.nextPageToken
            pages += 1
        } while !token.isEmpty && pages < 100
        return ids
    }

    /// The same list in small pages and in one page: each row exactly once, in one order.
    static func expectSamePages(
        size: Int32, count: Int,
        _ fetch: (CommonV1.PageRequest) async throws -> (ids: [String], page: CommonV1.PageInfo)
    ) async throws {
        let paged = try await walk(size: size, expectTotal: count, fetch)
        let whole = try await fetch(CommonV1.PageRequest(pageSize: 500))
        #expect(whole.ids.count == count)
        #expect(whole.page.nextPageToken.isEmpty)
        #expect(paged == whole.ids)
        #expect(Set(paged).count == paged.count, "a row came twice")
    }

    @Test("the total is counted only when asked: without include_total the first page carries 0")
    func totalOnlyWhenAsked() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        for index in 0..<3 { _ = try await county.person("计数\(index)", in: village) }
        let admin = county.admin
        let plain = try await county.api.findPeople(.init(unit: village.ref, page: .init(pageSize: 2)), options: admin)
        #expect(plain.page?.totalCount == 0)
        #expect(plain.people.count == 2)
        let asked = try await county.api.findPeople(
            .init(unit: village.ref, page: .init(pageSize: 2, includeTotal: true)), options: admin)
        #expect(asked.page?.totalCount == 3)
    }

    @Test("FindPeople, ListCouncils, ListUnits and GetMembershipHistory return each row exactly once, in order")
    func everyListPagesByKey() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        for town in 2...4 { try await county.town(town) }
        var people: [MembershipV1.Person] = []
        for index in 0..<7 {
            // Two people share a name: the id breaks the tie.
            people.append(try await county.person(index < 2 ? "同名" : "村民\(index)", in: village))
        }
        let council = try await county.council(.villageCouncil, at: village)
        for person in people { try await county.nominate(person, to: council) }
        for index in 0..<4 { _ = try await county.council(.villageCouncil, at: village, name: "议事会\(index)") }
        let api = county.api
        let admin = county.admin

        try await Self.expectSamePages(size: 3, count: 7) { page in
            let response = try await api.findPeople(.init(unit: village.ref, page: page), options: admin)
            return (response.people.map(\.id), response.page ?? CommonV1.PageInfo())
        }
        let names = try await api.findPeople(.init(unit: village.ref, page: .init(pageSize: 500)), options: admin).people.map(\.name)
        #expect(names.prefix(2) == ["同名", "同名"] || names.suffix(2) == ["同名", "同名"], "\(names)")
        try await Self.expectSamePages(size: 2, count: 5) { page in
            let response = try await api.listCouncils(.init(unit: village.ref, page: page), options: admin)
            return (response.councils.map(\.id), response.page ?? CommonV1.PageInfo())
        }
        // The county, towns 1–4 and the village.
        try await Self.expectSamePages(size: 2, count: 6) { page in
            let response = try await api.listUnits(.init(root: county.ref, page: page), options: admin)
            return (response.units.map(\.id), response.page ?? CommonV1.PageInfo())
        }
        let paths = try await api.listUnits(.init(root: county.ref), options: admin).units.map(\.path)
        #expect(paths.first == county.path)
        try await Self.expectSamePages(size: 3, count: 7) { page in
            let response = try await api.getMembershipHistory(.init(councilId: council.id, page: page), options: admin)
            return (response.seats.map(\.id), response.page ?? CommonV1.PageInfo())
        }
    }

    @Test("a row inserted before the cursor while paging does not shift later pages")
    func insertBeforeCursorDoesNotShift() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        for index in 1...9 { _ = try await county.person("村民B\(index)", in: village) }
        let api = county.api
        func page(_ token: String) async throws -> MembershipV1.FindPeopleResponse {
            try await api.findPeople(.init(unit: village.ref, page: .init(pageSize: 3, pageToken: token)), options: county.admin)
        }
        let first = try await page("")
        #expect(first.people.map(\.name) == ["村民B1", "村民B2", "村民B3"])
        // "村民A" sorts before every "村民B…": with OFFSET the next page would repeat 村民B3.
        _ = try await county.person("村民A", in: village)
        let second = try await page(first.page?.nextPageToken ?? "")
        #expect(second.people.map(\.name) == ["村民B4", "村民B5", "村民B6"])
        let third = try await page(second.page?.nextPageToken ?? "")
        #expect(third.people.map(\.name) == ["村民B7", "村民B8", "村民B9"])
        #expect((third.page?.nextPageToken ?? "").isEmpty)
    }

    @Test("a malformed or foreign page token is INVALID_ARGUMENT naming page.page_token")
    func malformedToken() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let council = try await county.council(.villageCouncil, at: village)
        let api = county.api
        let admin = county.admin
        // Well-formed tokens of the wrong shape: a non-uuid id, a path outside the list's root.
        let badPerson = Self.token(["张三", "not-a-uuid"])
        let foreignPath = Self.token(["u999999000000"])
        let badHistory = Self.token(["one", "0", UUID().uuidString])
        for token in ["garbage", "k1.!!!", "20", badPerson] {
            await expectStatus(.invalidArgument, field: "page.page_token") {
                try await api.findPeople(.init(unit: village.ref, page: .init(pageToken: token)), options: admin)
            }
        }
        for token in ["garbage", foreignPath, Self.token(["u1", "x", "y"])] {
            await expectStatus(.invalidArgument, field: "page.page_token") {
                try await api.listUnits(.init(root: county.ref, page: .init(pageToken: token)), options: admin)
            }
            await expectStatus(.invalidArgument, field: "page.page_token") {
                try await api.listCouncils(.init(unit: county.ref, page: .init(pageToken: token)), options: admin)
            }
        }
        await expectStatus(.invalidArgument, field: "page.page_token") {
            try await api.getMembershipHistory(.init(councilId: council.id, page: .init(pageToken: badHistory)), options: admin)
        }
    }

    @Test("GetCouncil loads the council and its seats in one round trip")
    func getCouncilIsOneRoundTrip() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 2, nonParty: 2)
        let before = harness.servicePool.roundTrips.count
        let fetched = try await county.getCouncil(council)
        let trips = harness.servicePool.roundTrips.count - before
        #expect(fetched.seats.count == 4)
        // The council and its seats travel in one pipeline with the scope; GetCouncil is
        // declared NO_SIDE_EFFECTS, so it runs read-only without BEGIN/COMMIT (5 round trips
        // before the service kit).
        #expect(trips == 1, "GetCouncil took \(trips) round trips")
    }

    /// A token in the kit's format (`k1.` + base64url of the JSON key parts).
    static func token(_ parts: [String]) -> String {
        let json = try! JSONEncoder().encode(parts)
        return "k1." + json.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
