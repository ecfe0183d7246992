import AgendaAPI
import Foundation
import Testing
import TongxinRPC
import TongxinSchemas

/// Keyset paging of the ledger: stable cursors through a large list.
@Suite(.agendaService("paging", region: 32))
struct PagingTests {
    @Test("paging through 10,000 items — many sharing a received_at — without duplicates or gaps")
    func tenThousand() async throws {
        let county = try AgendaHarness.current.county()
        let village = county.village(1)
        // Written directly (the RPC path is covered elsewhere): ten items share every second,
        // so the id breaks ties and the cursor must carry both.
        _ = try await AgendaHarness.current.superuser.query(
            """
            INSERT INTO agenda.items (county_code, id, unit_path, channel, category, status, text, received_at, created_at, updated_at)
            SELECT $1, gen_random_uuid(), $2::ltree, 1 + g % 9, 1 + g % 14, 1, 'item ' || g,
                   timestamptz '2025-01-01 00:00:00+08' + ((g / 10) * interval '1 second'), now(), now()
              FROM generate_series(1, 10000) g
            """, [.text(county.code), .text(village)])
        var seen: [String] = []
        var token = ""
        var pages = 0
        var total: Int64 = 0
        repeat {
            let page = try await county.api.listItems(
                .init(unitPath: county.path, page: .init(pageSize: 500, pageToken: token, includeTotal: token.isEmpty)),
                options: county.admin)
            if token.isEmpty { total = page.page?.totalCount ?? 0 }
            seen += page.items.map(\.id)
            token = page.page?.nextPageToken ?? ""
            pages += 1
            #expect(pages <= 21)
        } while !token.isEmpty && pages <= 21
        #expect(total == 10_000)
        #expect(seen.count == 10_000)
        #expect(Set(seen).count == 10_000)
        #expect(pages == 20)
    }

    @Test("items recorded between pages neither repeat nor shift the pages already read")
    func stableUnderInserts() async throws {
        let county = try AgendaHarness.current.county()
        let village = county.village(1)
        let base = instant("2025-02-01T08:00:00+08:00")
        var created: [String] = []
        for index in 0..<12 {
            created.append(try await county.item(at: village, receivedAt: base.addingTimeInterval(Double(index) * 60)).id)
        }
        let first = try await county.api.listItems(.init(unitPath: village, page: .init(pageSize: 5)), options: county.admin)
        // A newer item arrives: it sorts before the cursor and must not appear on later pages.
        _ = try await county.item(at: village, receivedAt: base.addingTimeInterval(3600))
        var rest: [String] = []
        var token = first.page?.nextPageToken ?? ""
        while !token.isEmpty {
            let page = try await county.api.listItems(.init(unitPath: village, page: .init(pageSize: 5, pageToken: token)), options: county.admin)
            rest += page.items.map(\.id)
            token = page.page?.nextPageToken ?? ""
        }
        #expect(first.items.map(\.id) + rest == Array(created.reversed()))
    }
}
