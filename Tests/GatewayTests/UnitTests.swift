import Foundation
import GatewayCore
import Testing

@Suite("passwords and routes")
struct PasswordAndRoutesTests {
    @Test("a password is hashed with scrypt under a fresh salt and verifies only itself")
    func scrypt() throws {
        let hasher = PasswordHasher(logN: 10)
        let first = try hasher.hash("correct horse battery staple")
        let second = try hasher.hash("correct horse battery staple")
        #expect(first.hasPrefix("scrypt$10$8$1$"))
        #expect(first != second)
        #expect(hasher.verify("correct horse battery staple", against: first))
        #expect(hasher.verify("correct horse battery staple", against: second))
        #expect(!hasher.verify("correct horse battery stapler", against: first))
        #expect(!hasher.verify("correct horse battery staple", against: "scrypt$10$8$1$AAAA$AAAA"))
        #expect(!hasher.verify("x", against: ""))
        // The production cost, and a hash made under a lower cost still verifies under it.
        #expect(PasswordHasher().logN == 15 && PasswordHasher().r == 8 && PasswordHasher().p == 1)
        #expect(PasswordHasher().verify("correct horse battery staple", against: first))
    }

    @Test("routes name each service's instances")
    func routes() throws {
        let routes = try Routes.parse("membership=127.0.0.1:7101|127.0.0.1:7111,agenda=10.0.0.2:7102")
        #expect(routes["membership"]?.map(\.port) == [7101, 7111])
        #expect(routes["agenda"]?.first?.host == "10.0.0.2")
        for bad in ["membership", "membership=host", "membership=host:0", "=127.0.0.1:1", "membership=127.0.0.1:x"] {
            #expect(throws: (any Error).self, "\(bad)") { try Routes.parse(bad) }
        }
    }
}
