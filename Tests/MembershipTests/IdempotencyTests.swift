import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// 幂等键: a method that is not idempotent by itself (CreatePerson, CreateUnit) called again
/// with the same `x-idempotency-key` by the same principal answers the first result and
/// writes once; keys are per principal; a key cannot be reused for another request.
@Suite(.membershipService("idempotency"))
struct IdempotencyTests {
    private func keyed(_ options: CallOptions, _ key: String) -> CallOptions {
        var options = options
        options.metadata.idempotencyKey = key
        return options
    }

    private func people(named name: String) async throws -> Int {
        try await MembershipHarness.current.superuser.count("SELECT count(*) FROM membership.people WHERE name = $1", [.text(name)])
    }

    @Test("the same key twice from the same principal: one row, one audit entry, the same answer")
    func sameKeyOnce() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let request = MembershipV1.CreatePersonRequest(unit: .init(id: village.id), name: "幂等甲", gender: .female, birthYear: 1970)
        let options = keyed(county.admin, "create-person-0001")
        let first = try await county.api.createPerson(request, options: options)
        let second = try await county.api.createPerson(request, options: options)
        #expect(second == first)
        #expect(try await people(named: "幂等甲") == 1)
        let audits = try await MembershipHarness.current.superuser.count(
            "SELECT count(*) FROM audit.entries WHERE method = 'CreatePerson' AND target = $1", [.text("person/\(first.id)")])
        #expect(audits == 1)
    }

    @Test("without a key, the same request twice creates two rows")
    func noKeyTwice() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let request = MembershipV1.CreatePersonRequest(unit: .init(id: village.id), name: "幂等乙", gender: .male, birthYear: 1971)
        let first = try await county.api.createPerson(request, options: county.admin)
        let second = try await county.api.createPerson(request, options: county.admin)
        #expect(first.id != second.id)
        #expect(try await people(named: "幂等乙") == 2)
    }

    @Test("another principal with the same key is independent")
    func keysArePerPrincipal() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let request = MembershipV1.CreatePersonRequest(unit: .init(id: village.id), name: "幂等丙", gender: .female, birthYear: 1972)
        let clerk = keyed(county.caller(at: county.path, [Permissions.read, Permissions.write], principal: "clerk-a"), "shared-key")
        let other = keyed(county.caller(at: county.path, [Permissions.read, Permissions.write], principal: "clerk-b"), "shared-key")
        let first = try await county.api.createPerson(request, options: clerk)
        let second = try await county.api.createPerson(request, options: other)
        #expect(first.id != second.id)
        #expect(try await people(named: "幂等丙") == 2)
    }

    @Test("a key reused for a different request is INVALID_ARGUMENT and writes nothing")
    func keyReuseRefused() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let options = keyed(county.admin, "reused-key")
        _ = try await county.api.createPerson(
            .init(unit: .init(id: village.id), name: "幂等丁", gender: .male, birthYear: 1973), options: options)
        await expectStatus(.invalidArgument, field: "x-idempotency-key") {
            try await county.api.createPerson(
                .init(unit: .init(id: village.id), name: "幂等戊", gender: .male, birthYear: 1973), options: options)
        }
        #expect(try await people(named: "幂等戊") == 0)
    }

    @Test("a malformed key is INVALID_ARGUMENT naming x-idempotency-key")
    func malformedKey() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let request = MembershipV1.CreatePersonRequest(unit: .init(id: village.id), name: "幂等己", gender: .male, birthYear: 1974)
        for bad in ["has space", String(repeating: "k", count: 129), "中文键"] {
            await expectStatus(.invalidArgument, field: "x-idempotency-key") {
                try await county.api.createPerson(request, options: keyed(county.admin, bad))
            }
        }
        #expect(try await people(named: "幂等己") == 0)
    }

    @Test("a failed call stores nothing: the same key succeeds once the cause is fixed")
    func failureIsNotRemembered() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let options = keyed(county.admin, "retry-after-error")
        await expectStatus(.invalidArgument, field: "name") {
            try await county.api.createPerson(.init(unit: .init(id: village.id), name: "", gender: .male, birthYear: 1975), options: options)
        }
        let person = try await county.api.createPerson(
            .init(unit: .init(id: village.id), name: "幂等庚", gender: .male, birthYear: 1975), options: options)
        #expect(person.name == "幂等庚")
    }

    @Test("duplicates sent at the same time write once and all answer the same")
    func concurrentDuplicates() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let request = MembershipV1.CreatePersonRequest(unit: .init(id: village.id), name: "幂等辛", gender: .female, birthYear: 1976)
        let options = keyed(county.admin, "concurrent-key")
        let api = county.api
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 { group.addTask { try await api.createPerson(request, options: options).id } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await people(named: "幂等辛") == 1)
    }
}
