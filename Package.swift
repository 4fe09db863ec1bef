// swift-tools-version:6.1
import PackageDescription

/// `TABSYNC_BENCH=1 swift run -c release tabsim bench` builds the single-threaded engine and simulator
/// without dynamic exclusivity checks (about 15% of a delivery, measured with callgrind). Never set in an
/// ordinary build: SwiftPM refuses unsafe flags in a package used as a versioned dependency.
let benchFlags: [SwiftSetting] = Context.environment["TABSYNC_BENCH"] == "1"
    ? [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
    : []

let package = Package(
    name: "TabSync",
    products: [
        .library(name: "TabSync", targets: ["TabSync"]),
        .library(name: "TabSimulator", targets: ["TabSimulator"]),
        // Real tabs: the engine across processes and machines, for programs of their own.
        .library(name: "TabSyncLive", targets: ["TabSyncLive"]),
        .executable(name: "tabsim", targets: ["tabsim"]),
        // For the libFuzzer package in Fuzz/ (which the root build never builds).
        .library(name: "TabSyncFuzzing", targets: ["TabSyncFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        // Child processes: real tabs driven by the live bench and the tests.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // Real tabs across machines: LISTEN/NOTIFY on a PostgreSQL server.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The engine: the spec's BroadcastSync as a deterministic state machine.
        .target(
            name: "TabSync",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Collections", package: "swift-collections"),
            ],
            swiftSettings: benchFlags
        ),
        // Many tabs on one virtual clock, with faults, a checker and YAML scenarios.
        .target(
            name: "TabSimulator",
            dependencies: [
                "TabSync",
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Lessons")],  // the built-in lessons (`Lesson.builtIn()`): `tabsim learn` anywhere
            swiftSettings: benchFlags
        ),
        // The fuzz harness of the receive path: run by Fuzz/ under libFuzzer, replayed by the tests.
        .target(
            name: "TabSyncFuzzing",
            dependencies: ["TabSync", "TabSimulator"]
        ),
        // ncursesw, seen from Swift through a small shim header.
        .systemLibrary(
            name: "CNCurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        // The terminal UI: layout, panes and keys are plain Swift; only Terminal.swift touches ncurses.
        .target(
            name: "TabSimUI",
            dependencies: ["TabSync", "TabSimulator", "CNCurses"]
        ),
        // Real tabs: the engine across processes of one user, over Unix datagram sockets on a NIO event loop,
        // and across machines, over PostgreSQL's LISTEN/NOTIFY; the live tab, the watcher, the live bench's
        // round trips and child tabs (a product: see Tests/Fixtures/LiveConsumer).
        .target(
            name: "TabSyncLive",
            dependencies: [
                "TabSync",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Workloads behind `tabsim bench`, timed by their stopwatch: no simulation reads wall time (the
        // live transport, the UI's frame ticks and the live commands do, outside the simulator).
        .target(
            name: "TabBenchmarks",
            dependencies: ["TabSync", "TabSimulator", "TabSimUI"]
        ),
        .executableTarget(
            name: "tabsim",
            dependencies: [
                "TabSync", "TabSimulator", "TabSimUI", "TabBenchmarks", "TabSyncLive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Runs the built `tabsim` binary for the tests that need the real program.
        .target(
            name: "TabsimTestSupport",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/TabsimTestSupport"
        ),
        .testTarget(
            name: "TabSyncTests",
            dependencies: [
                "TabSync",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TabSimulatorTests",
            dependencies: [
                "TabSync", "TabSimulator", "TabSyncFuzzing",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: []
        ),
        .testTarget(
            name: "TabBenchmarksTests",
            dependencies: ["TabBenchmarks"]
        ),
        .testTarget(
            name: "TabSyncLiveTests",
            dependencies: [
                "TabSync", "TabSyncLive",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // `tabsim run`, `fuzz`, `bench` and `learn` as a user runs them: the real binary.
        .testTarget(
            name: "TabSimCommandLineTests",
            dependencies: ["TabsimTestSupport"]
        ),
        .testTarget(
            name: "TabSimUITests",
            dependencies: ["TabSync", "TabSimulator", "TabSimUI", "TabsimTestSupport"],
            exclude: ["Golden"]   // golden frames, read by path
        ),
    ],
    swiftLanguageModes: [.v6]
)
