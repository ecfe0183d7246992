import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 公示 as the public sees it — the notices of a unit's subtree published in a period, with
/// personal data masked by the data's owner (issue 12 item 6, open data): the council, its
/// unit (by division code), the window, each nominee's role and masked name; objections only
/// counted. Permission `public.read` (anyone: the gateway's open-data export reads it).
struct PublicNotices {
    let scope: CallScope

    /// One row: a notice with its council, unit, nominees (JSON of [name, role]) and objections counted.
    struct Row: PostgresRecord {
        var id: UUID
        var unitPath: String
        var status: NoticeStatus
        var publishedAt: Date
        var firstDay: LocalDate
        var lastDay: LocalDate
        var councilName: String
        var councilKind: CouncilKind
        var divisionCode: String
        var unitName: String
        var nominees: String
        var objections: Int

        static let columns = """
            n.id, n.unit_path::text AS unit_path, n.status, n.published_at, n.first_day::text AS first_day, n.last_day::text AS last_day, \
            c.name AS council_name, c.kind AS council_kind, u.division_code, u.name AS unit_name, \
            COALESCE((SELECT json_agg(json_build_array(p.name, s.role) ORDER BY s.nominated_at, s.id)::text \
                        FROM membership.seats s JOIN membership.people p ON p.county_code = s.county_code AND p.id = s.person_id \
                       WHERE s.county_code = n.county_code AND s.notice_id = n.id), '[]') AS nominees, \
            (SELECT count(*) FROM membership.objections o WHERE o.county_code = n.county_code AND o.notice_id = n.id) AS objections
            """
        static let from = """
            membership.notices n JOIN membership.councils c ON c.county_code = n.county_code AND c.id = n.council_id \
            JOIN membership.units u ON u.county_code = c.county_code AND u.id = c.unit_id
            """

        init(row: PostgresRow) throws {
            id = try row["id"].decode(UUID.self)
            unitPath = try row["unit_path"].decode(String.self)
            status = try row["status"].decode(NoticeStatus.self)
            publishedAt = try row["published_at"].decode(Date.self)
            firstDay = try row["first_day"].decode(LocalDate.self)
            lastDay = try row["last_day"].decode(LocalDate.self)
            councilName = try row["council_name"].decode(String.self)
            councilKind = try row["council_kind"].decode(CouncilKind.self)
            divisionCode = try row["division_code"].decode(String.self)
            unitName = try row["unit_name"].decode(String.self)
            nominees = try row["nominees"].decode(String.self)
            objections = try row["objections"].decode(Int.self)
        }

        var wire: MembershipV1.PublicNotice {
            let pairs = (try? JSONSerialization.jsonObject(with: Data(nominees.utf8))) as? [[Any]] ?? []
            return MembershipV1.PublicNotice(
                noticeId: id.lowercased, councilName: councilName, councilKind: councilKind.wire, unitPath: unitPath,
                divisionCode: divisionCode, unitName: unitName, status: status.wire, publishedAt: CommonV1.Timestamp(publishedAt),
                firstDay: CommonV1.Date(firstDay), lastDay: CommonV1.Date(lastDay),
                nominees: pairs.map { pair in
                    MembershipV1.PublicNominee(
                        maskedName: PublicNotices.mask(pair.first as? String ?? ""),
                        role: MembershipV1.CouncilRole(rawValue: Int32((pair.last as? NSNumber)?.intValue ?? 0)))
                },
                objectionCount: Int32(objections))
        }
    }

    /// 脱敏: the first character of a name, the others starred (张三 → 张*, 欧阳娜娜 → 欧***).
    static func mask(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }

    func list(_ request: MembershipV1.ListPublicNoticesRequest) async throws -> MembershipV1.ListPublicNoticesResponse {
        var root = scope.caller.unitPath
        if let ref = request.unit, !(ref.id.isEmpty && ref.divisionCode.isEmpty) {
            root = try await UnitStore(tx: scope.tx).find(ref).path
        }
        let page = try KeysetPage(request.page, keyParts: 2)
        var binds: [PostgresValue] = [.text(root), PostgresValue(request.publishedFrom.map(\.date)), PostgresValue(request.publishedUntil.map(\.date))]
        var after = ""
        if let key = try page.binds([.timestamp, .uuid]) {
            binds += key
            after = " AND (n.published_at, n.id) > ($4::timestamptz, $5::uuid)"
        }
        let listing = try await scope.tx.listing(
            Row.self, page: page, key: { [KeysetPage.key($0.publishedAt), $0.id.lowercased] },
            { columns in
                """
                SELECT \(columns) FROM \(Row.from)
                 WHERE n.unit_path <@ $1::ltree AND ($2::timestamptz IS NULL OR n.published_at >= $2)
                   AND ($3::timestamptz IS NULL OR n.published_at < $3)\(after)
                 ORDER BY n.published_at, n.id LIMIT \(page.fetchLimit)
                """
            }, binds)
        return MembershipV1.ListPublicNoticesResponse(notices: listing.rows.map(\.wire), page: listing.info)
    }
}
