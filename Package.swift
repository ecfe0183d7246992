// swift-tools-version:6.2
import PackageDescription

/// Every Swift target: Swift 6 language mode (strict concurrency) plus explicit `any`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")

let package = Package(
    name: "tongxin",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tongxin-membership", targets: ["tongxin-membership"]),
        .executable(name: "tongxin-agenda", targets: ["tongxin-agenda"]),
        .executable(name: "tongxin-supervision", targets: ["tongxin-supervision"]),
        .executable(name: "tongxin-session", targets: ["tongxin-session"]),
        .executable(name: "tongxin-gateway", targets: ["tongxin-gateway"]),
        .executable(name: "tongxin-bench", targets: ["tongxin-bench"]),
        .executable(name: "tongxinctl", targets: ["tongxinctl"]),
        .executable(name: "tongxin-fuzz", targets: ["tongxin-fuzz"]),
        .library(name: "TongxinRPC", targets: ["TongxinRPC"]),
        .library(name: "TongxinPostgres", targets: ["TongxinPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // System libraries (apt: libprotobuf-c-dev, libpq-dev).
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c", providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // protoc-c output, generated from Schemas/ by Scripts/generate.py and committed.
        .target(name: "CTongxinSchemas", dependencies: ["CProtobufC"]),

        // Swift <-> protobuf-c, by walking protoc-c's runtime descriptors.
        .target(name: "TongxinWire", dependencies: ["CProtobufC"], swiftSettings: swiftSettings),
        // Generated Swift value types for every message of Schemas/.
        .target(name: "TongxinSchemas", dependencies: ["TongxinWire", "CTongxinSchemas"], swiftSettings: swiftSettings),
        // The RPC layer: frames, server, client, status, deadlines.
        .target(
            name: "TongxinRPC",
            dependencies: ["TongxinWire", "TongxinSchemas", logging, lifecycle] + nio + [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Generated server protocol, method descriptors and client, one target per service
        // (Sources/API/<Name>/Generated), so a service links only the APIs it serves or calls.
        .target(name: "HealthAPI", dependencies: ["TongxinRPC", "TongxinSchemas"], path: "Sources/API/Health", swiftSettings: swiftSettings),
        .target(name: "MembershipAPI", dependencies: ["TongxinRPC", "TongxinSchemas"], path: "Sources/API/Membership", swiftSettings: swiftSettings),
        .target(name: "AgendaAPI", dependencies: ["TongxinRPC", "TongxinSchemas"], path: "Sources/API/Agenda", swiftSettings: swiftSettings),
        .target(name: "SessionAPI", dependencies: ["TongxinRPC", "TongxinSchemas"], path: "Sources/API/Session", swiftSettings: swiftSettings),
        .target(name: "SupervisionAPI", dependencies: ["TongxinRPC", "TongxinSchemas"], path: "Sources/API/Supervision", swiftSettings: swiftSettings),
        .target(name: "GatewayAPI", dependencies: ["TongxinRPC", "TongxinSchemas"], path: "Sources/API/Gateway", swiftSettings: swiftSettings),
        .target(name: "AuditAPI", dependencies: ["TongxinRPC", "TongxinSchemas"], path: "Sources/API/Audit", swiftSettings: swiftSettings),
        .target(name: "ChangesAPI", dependencies: ["TongxinRPC", "TongxinSchemas"], path: "Sources/API/Changes", swiftSettings: swiftSettings),
        // libpq: pool, queries, transactions, tenant scope, migrations.
        .target(name: "TongxinPostgres", dependencies: ["CLibPQ", logging] + nio, swiftSettings: swiftSettings),
        // Shared bootstrap of every service: configuration, logs, metrics, health, lifecycle, audit.
        .target(
            name: "TongxinService",
            dependencies: ["TongxinRPC", "HealthAPI", "AuditAPI", "ChangesAPI", "TongxinPostgres", "TongxinRules", "TongxinSchemas", "TongxinWire", logging, lifecycle] + nio + [
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),

        // Fuzz targets (frame decoder, every message decoder) and their libFuzzer driver /
        // replayer; Scripts/fuzz.sh builds it with -sanitize=fuzzer,address.
        .target(name: "TongxinFuzzing", dependencies: ["TongxinRPC", "TongxinSchemas", "TongxinWire"], swiftSettings: swiftSettings),
        .executableTarget(name: "tongxin-fuzz", dependencies: ["TongxinFuzzing"], swiftSettings: swiftSettings),

        // The load generator.
        .executableTarget(
            name: "tongxin-bench",
            dependencies: [
                "TongxinRPC", "HealthAPI", "MembershipAPI", "AgendaAPI", "SessionAPI", "GatewayAPI", "SupervisionAPI", "TongxinSchemas",
                "TongxinService", "TongxinPostgres", logging,
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // The administrators' command-line client: every command in TongxinctlKit (one file per
        // noun in Nouns/), talking only to the gateway; the executable only runs it.
        .target(
            name: "TongxinctlKit",
            dependencies: [
                "TongxinRPC", "TongxinWire", "TongxinSchemas", "CProtobufC", "TongxinService", "GatewayRules",
                "HealthAPI", "MembershipAPI", "AgendaAPI", "SessionAPI", "SupervisionAPI", "GatewayAPI", "AuditAPI", logging,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "tongxinctl", dependencies: ["TongxinctlKit"], swiftSettings: swiftSettings),

        // The shared domain vocabulary: thresholds, Civil Code periods, dates, violations. No dependencies.
        .target(name: "TongxinRules", swiftSettings: swiftSettings),

        // Membership (谁来协商): units, people, councils, composition rules, notice, terms.
        .target(name: "MembershipRules", dependencies: ["TongxinRules"], path: "Services/Membership/Rules", swiftSettings: swiftSettings),
        .target(
            name: "MembershipCore",
            dependencies: [
                "MembershipRules", "TongxinService", "MembershipAPI", "TongxinSchemas", "TongxinRPC", "TongxinPostgres", logging,
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/Membership/Core",
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tongxin-membership",
            dependencies: ["MembershipCore", "MembershipRules", "TongxinService"],
            path: "Services/Membership/Main",
            swiftSettings: swiftSettings
        ),

        // Agenda (协商什么): the problem ledger, scope lists, topics and their approval,
        // research, meeting plans, the annual plan.
        .target(name: "AgendaRules", dependencies: ["TongxinRules"], path: "Services/Agenda/Rules", swiftSettings: swiftSettings),
        .target(
            name: "AgendaCore",
            dependencies: ["AgendaRules", "TongxinService", "AgendaAPI", "MembershipAPI", "TongxinSchemas", "TongxinWire", "TongxinRPC", "TongxinPostgres", logging],
            path: "Services/Agenda/Core",
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tongxin-agenda",
            dependencies: ["AgendaCore", "TongxinService", "TongxinRPC"],
            path: "Services/Agenda/Main",
            swiftSettings: swiftSettings
        ),

        // Session (怎么协商): democracy days, meetings from published plans, attendance and
        // quorum, opinions, rounds and escalation, votes, results, publication, filing, minutes.
        .target(name: "SessionRules", dependencies: ["TongxinRules"], path: "Services/Session/Rules", swiftSettings: swiftSettings),
        .target(
            name: "SessionCore",
            dependencies: [
                "SessionRules", "TongxinService", "SessionAPI", "AgendaAPI", "MembershipAPI", "SupervisionAPI", "TongxinSchemas",
                "TongxinWire", "TongxinRPC", "TongxinPostgres", logging,
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/Session/Core",
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tongxin-session",
            dependencies: ["SessionCore", "TongxinService", "TongxinRPC"],
            path: "Services/Session/Main",
            swiftSettings: swiftSettings
        ),

        // Supervision (议后监督): implementation cases, progress, checks, reports to residents,
        // feedback, three zeros, the warning ledger, the consultation index, the dossier.
        .target(name: "SupervisionRules", dependencies: ["AgendaRules", "TongxinRules"], path: "Services/Supervision/Rules", swiftSettings: swiftSettings),
        .target(
            name: "SupervisionCore",
            dependencies: [
                "SupervisionRules", "TongxinService", "SupervisionAPI", "AgendaAPI", "SessionAPI", "TongxinSchemas", "TongxinWire", "TongxinRPC",
                "TongxinPostgres", logging, .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/Supervision/Core",
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tongxin-supervision",
            dependencies: ["SupervisionCore", "TongxinService", "TongxinRPC"],
            path: "Services/Supervision/Main",
            swiftSettings: swiftSettings
        ),

        // Gateway (网关): accounts, sessions, roles at units, routing to the services, per-town limits.
        .target(name: "GatewayRules", path: "Services/Gateway/Rules", swiftSettings: swiftSettings),
        .target(
            name: "GatewayCore",
            dependencies: [
                "GatewayRules", "GatewayAPI", "MembershipAPI", "AgendaAPI", "SessionAPI", "SupervisionAPI", "HealthAPI", "AuditAPI", "ChangesAPI", "TongxinService", "TongxinSchemas",
                "TongxinRPC", "TongxinPostgres", "TongxinWire", logging, lifecycle,
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Services/Gateway/Core",
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tongxin-gateway",
            dependencies: ["GatewayCore", "TongxinService", .product(name: "Crypto", package: "swift-crypto")],
            path: "Services/Gateway/Main",
            swiftSettings: swiftSettings
        ),

        // Tests.
        .target(name: "CHeapStats", path: "Tests/CHeapStats"),
        // Test support: fresh bootstrapped databases, in-process services on real TCP.
        .target(
            name: "TongxinTesting",
            dependencies: ["TongxinService", "TongxinPostgres", "TongxinRPC", logging],
            path: "Tests/TongxinTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TongxinServiceTests",
            dependencies: [
                "TongxinService", "TongxinTesting", "TongxinPostgres", "TongxinRPC", "HealthAPI", "AuditAPI", "ChangesAPI", "TongxinSchemas",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TongxinWireTests", dependencies: ["TongxinWire", "TongxinSchemas", "TongxinFuzzing", "CHeapStats"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TongxinRPCTests",
            dependencies: ["TongxinRPC", "HealthAPI", "TongxinSchemas", "TongxinWire", logging, lifecycle] + nio + [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TongxinPostgresTests", dependencies: ["TongxinPostgres"], swiftSettings: swiftSettings),
        .testTarget(name: "TongxinRulesTests", dependencies: ["TongxinRules"], swiftSettings: swiftSettings),
        .testTarget(name: "AgendaRulesTests", dependencies: ["AgendaRules"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AgendaTests",
            dependencies: ["AgendaCore", "AgendaRules", "MembershipCore", "MembershipAPI", "TongxinService", "TongxinTesting", "AgendaAPI", "TongxinSchemas", "TongxinRPC", "TongxinPostgres"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SessionRulesTests", dependencies: ["SessionRules"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SessionTests",
            dependencies: [
                "SessionCore", "SessionRules", "SessionAPI", "AgendaCore", "AgendaAPI", "MembershipCore", "MembershipAPI", "SupervisionAPI",
                "ChangesAPI", "TongxinService", "TongxinTesting", "TongxinSchemas", "TongxinRPC", "TongxinPostgres", logging, lifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SupervisionRulesTests", dependencies: ["SupervisionRules"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SupervisionTests",
            dependencies: [
                "SupervisionCore", "SupervisionRules", "SupervisionAPI", "AgendaCore", "AgendaAPI", "SessionCore", "SessionAPI", "AuditAPI",
                "ChangesAPI", "TongxinService", "TongxinTesting", "TongxinSchemas", "TongxinRPC", "TongxinPostgres",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "GatewayRulesTests", dependencies: ["GatewayRules"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "GatewayCore", "GatewayRules", "GatewayAPI", "MembershipCore", "MembershipAPI", "AgendaCore", "AgendaAPI", "ChangesAPI",
                "SessionCore", "SessionAPI", "SupervisionCore", "SupervisionAPI", "HealthAPI", "TongxinService",
                "TongxinTesting", "TongxinSchemas", "TongxinRPC", "TongxinPostgres",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TongxinctlKitTests",
            dependencies: ["TongxinctlKit", "TongxinRPC", "TongxinSchemas", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TongxinctlTests",
            dependencies: [
                "GatewayCore", "GatewayRules", "GatewayAPI", "MembershipCore", "MembershipAPI", "AgendaCore", "AgendaAPI",
                "SessionCore", "SessionAPI", "SupervisionCore", "SupervisionAPI", "TongxinService",
                "TongxinTesting", "TongxinSchemas", "TongxinRPC", "TongxinPostgres", "TongxinctlKit",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MembershipRulesTests", dependencies: ["MembershipRules"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MembershipTests",
            dependencies: ["MembershipCore", "MembershipRules", "TongxinService", "TongxinTesting", "MembershipAPI", "HealthAPI", "AuditAPI", "TongxinSchemas", "TongxinRPC", "TongxinPostgres"],
            swiftSettings: swiftSettings
        ),
    ]
)
