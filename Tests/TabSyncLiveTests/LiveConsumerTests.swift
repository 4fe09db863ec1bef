import Foundation
import TabSync
import TabSyncLive
import Testing

/// Another package can depend on `TabSyncLive`: `Tests/Fixtures/LiveConsumer` depends on this
/// repository by path, and its source is README.md's "A real program" as printed.
///
/// Building that package for real resolves and compiles every dependency again (minutes on a
/// fresh 2-core machine). This checks the same two halves for a few seconds: the manifests (this
/// package exports the product, the consumer asks for it by path) as SwiftPM reads them, and the
/// consumer's sources type-checked against the modules `swift test` has just built.
@Suite struct LiveConsumerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let consumer = root.appendingPathComponent("Tests/Fixtures/LiveConsumer")
    static let sources = consumer.appendingPathComponent("Sources/LiveConsumer")

    @Test func theConsumersSourceIsTheReadmeExampleAsPrinted() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let marker =
            "<!-- real-program-example: Tests/Fixtures/LiveConsumer/Sources/LiveConsumer/SyncSettings.swift -->\n```swift\n"
        let start = try #require(readme.range(of: marker), "README.md lacks the real-program example's marker")
        let rest = readme[start.upperBound...]
        let end = try #require(rest.range(of: "\n```\n"))
        let block = String(rest[..<end.lowerBound]) + "\n"
        let source = try String(
            contentsOf: Self.sources.appendingPathComponent("SyncSettings.swift"), encoding: .utf8)
        #expect(source == "// swift-format-ignore-file\n" + block)
    }

    @Test func anotherPackageDependsOnTheLibraryProductByPath() async throws {
        let swift = try #require(Self.which("swift"), "no swift on PATH")
        // A scratch folder of its own: `swift test` holds this package's `.build` while it runs.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tabsync-consumer-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        func dump(_ package: URL) async throws -> StateDocument {
            try await Self.json(
                swift, ["package", "--package-path", package.path, "--scratch-path", scratch.path, "dump-package"])
        }
        let ours = try await dump(Self.root)
        let products = ours["products"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let live = products.first { $0["name"]?.stringValue == "TabSyncLive" }
        #expect(live?["targets"] == ["TabSyncLive"], "TabSyncLive is not a product of the package")
        #expect(live?["type"]?.objectValue?["library"] != nil)

        let theirs = try await dump(Self.consumer)
        let dependency = theirs["dependencies"]?.arrayValue?.first?.objectValue?["fileSystem"]?.arrayValue?.first
        let path = dependency?.objectValue?["path"]?.stringValue
        #expect(path.map { URL(fileURLWithPath: $0).standardizedFileURL.path } == Self.root.standardizedFileURL.path)
        #expect(theirs.description.contains(#"{"product":["TabSyncLive","TabSync""#))

        let swiftc = try #require(Self.which("swiftc"), "no swiftc on PATH")
        let status = try await Self.run(swiftc, Self.typecheckArguments())
        #expect(status.code == 0, "the README's example does not compile against TabSyncLive:\n\(status.errors)")
    }

    /// `swiftc -typecheck` of the consumer's sources with the modules and C module maps of this build.
    static func typecheckArguments() throws -> [String] {
        let build = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var arguments = [
            "-typecheck", "-swift-version", "6", "-I", build.appendingPathComponent("Modules").path,
            "-module-cache-path", build.appendingPathComponent("ModuleCache").path,
        ]
        let files = FileManager.default.enumerator(atPath: build.path)
        while let file = files?.nextObject() as? String {
            if file.hasSuffix(".build/module.modulemap") {
                arguments += ["-Xcc", "-fmodule-map-file=" + build.appendingPathComponent(file).path]
            }
            if !file.hasSuffix(".build") { files?.skipDescendants() }
        }
        let checkouts = root.appendingPathComponent(".build/checkouts")
        for module in Self.moduleMaps(under: checkouts) { arguments += ["-Xcc", "-fmodule-map-file=" + module] }
        return arguments + ["SyncSettings.swift", "main.swift"].map { sources.appendingPathComponent($0).path }
    }

    /// The module maps C targets of the dependencies ship in their `include` folders.
    static func moduleMaps(under folder: URL) -> [String] {
        guard let files = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var found: [String] = []
        while let file = files.nextObject() as? String {
            if file.hasSuffix("/include/module.modulemap") { found.append(folder.appendingPathComponent(file).path) }
        }
        return found
    }

    static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    static func run(_ program: String, _ arguments: [String]) async throws -> (code: Int32, out: String, errors: String)
    {
        let child = try await ChildTab(program, executable: program, arguments: arguments)
        try await eventually("\(program) ends", within: 600) { child.exitStatus != nil }
        return (child.exitStatus!, child.outputLines.joined(separator: "\n"), child.standardError)
    }

    static func json(_ program: String, _ arguments: [String]) async throws -> StateDocument {
        let result = try await run(program, arguments)
        try #require(result.code == 0, "\(program) \(arguments): \(result.errors)")
        return try #require(try JSONDecoder().decode(JSONValue.self, from: Data(result.out.utf8)).objectValue)
    }
}
