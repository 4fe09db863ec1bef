// swift-tools-version:6.1
// libFuzzer targets of TabSync's receive path and of its JSON parser. A package of its own, so that `swift build` of the root
// never builds it (libFuzzer supplies `main`). Build and run: see README, "What a peer cannot do to you".
import PackageDescription

/// A path dependency is named after its directory, whatever the checkout is called.
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "TabSync")

let package = Package(
    name: "TabSyncFuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "ReceiveFuzz",
            dependencies: ["CFuzzDriver", .product(name: "TabSyncFuzzing", package: root)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        .executableTarget(
            name: "JSONFuzz",
            dependencies: ["CFuzzDriver", .product(name: "TabSyncFuzzing", package: root)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
