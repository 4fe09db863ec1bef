// swift-tools-version:6.1
import PackageDescription

// A program of someone else's that syncs its settings through real tabs: it depends on this
// repository by path, as another package would by URL, and its source is README.md's "A real
// program" as printed there. `LiveConsumerTests` checks that it builds against the library.
let package = Package(
    name: "LiveConsumer",
    dependencies: [
        .package(name: "TabSync", path: "../../.."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .executableTarget(
            name: "LiveConsumer",
            dependencies: [
                .product(name: "TabSync", package: "TabSync"),
                .product(name: "TabSyncLive", package: "TabSync"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
