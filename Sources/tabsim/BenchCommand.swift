import ArgumentParser
import Foundation
import TabBenchmarks

/// `tabsim bench`: measures the engine and the simulator and prints the figures.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the engine, the simulator and the UI model (use a release build).",
        discussion: """
            Examples:
              TABSYNC_BENCH=1 swift run -c release tabsim bench
              TABSYNC_BENCH=1 swift run -c release tabsim bench --json
              TABSYNC_BENCH=1 swift run -c release tabsim bench --compare    also run the same fanout on Node's BroadcastChannel
            """
    )

    @Flag(help: "Print one JSON object per line: {\"name\": ..., \"value\": ..., \"unit\": ...}.")
    var json = false

    @Flag(help: "Also run Benchmarks/node-broadcastchannel.mjs with node and print the ratio.")
    var compare = false

    @Option(parsing: .unconditional, help: "State updates per fanout run.")
    var updates = 200_000

    @Option(
        parsing: .unconditional, help: "Tab counts for the fanout figures, comma-separated.",
        transform: BenchCommand.parseTabs)
    var tabs: [Int] = [2, 4, 8]

    @Option(parsing: .unconditional, help: "Runs per figure; the best is reported.")
    var rounds = 3

    @Option(parsing: .unconditional, help: "Messages to pass through the simulator for the memory figure.")
    var messages = 1_000_000

    @Option(
        parsing: .unconditional,
        help: "Tabs for the idle and join figures (idle.tabsN.*, join.tabsN.*), from 2 to \(BenchCommand.maxScaleTabs)."
    )
    var scaleTabs = 800

    /// The engine tracks at most 1024 peers (PeerTracker.maxPeers): more would not be one channel.
    static let maxScaleTabs = 1024

    @Option(
        parsing: .unconditional,
        help: "Run only these benchmarks, comma-separated (tui.frame_ms,ui.rewind_ms): what a profiler should see.")
    var only: String?

    func validate() throws {
        for (name, value) in [("--updates", updates), ("--rounds", rounds), ("--messages", messages)] where value < 1 {
            throw ValidationError("\(name) must be at least 1 (got \(value))")
        }
        guard (2...Self.maxScaleTabs).contains(scaleTabs) else {
            throw ValidationError("--scale-tabs must be from 2 to \(Self.maxScaleTabs) (got \(scaleTabs))")
        }
    }

    /// Every figure by name, measured only when asked for (`--only` picks some).
    private var benchmarks: [(name: String, measure: () throws -> BenchmarkResult)] {
        var all: [(name: String, measure: () throws -> BenchmarkResult)] = []
        for count in tabs {
            all.append(
                (
                    "fanout.tabs\(count).deliveries_per_s",
                    { try FanoutBenchmark(tabs: count, updates: updates).measure(rounds: rounds) }
                ))
        }
        for count in tabs {
            all.append(
                (
                    "floor.tabs\(count).deliveries_per_s",
                    { DictionaryFloorBenchmark(tabs: count, updates: updates).measure(rounds: rounds) }
                ))
        }
        all += [
            ("sim.speedup", { try SimulationBenchmarks.speedup() }),
            ("fuzz.seeds_per_s", { SimulationBenchmarks.fuzzSeedsPerSecond() }),
            ("tui.frame_ms", { try SimulationBenchmarks.frameMilliseconds(tabs: 8) }),
            ("tui.frame_ms.26_tabs", { try SimulationBenchmarks.frameMilliseconds(tabs: 26) }),
            ("tui.lesson_frame_ms.80x24", { try SimulationBenchmarks.lessonFrameMilliseconds(width: 80, height: 24) }),
            (
                "tui.lesson_frame_ms.200x60",
                { try SimulationBenchmarks.lessonFrameMilliseconds(width: 200, height: 60) }
            ),
            ("tui.recording_5min_kb", { try SimulationBenchmarks.recordedSessionBytes(minutes: 5) }),
            ("ui.diagram_ms", { try DiagramBenchmark.measure() }),
            ("ui.rewind_ms", { try RewindBenchmark.measure(rounds: rounds) }),
            ("ui.rewind_from_start_ms", { try RewindBenchmark.measure(rounds: rounds, fromStart: true) }),
            ("wire.encode_us", { WireBenchmark.encodeMicroseconds() }),
            ("wire.parse_us", { WireBenchmark.parseMicroseconds() }),
        ]
        // One run gives two figures each: measured once, when the first of them is asked for.
        let idle = MeasuredOnce { [scaleTabs] in try ScaleBenchmarks.idle(tabs: scaleTabs) }
        let join = MeasuredOnce { [scaleTabs] in try ScaleBenchmarks.join(tabs: scaleTabs) }
        all += [
            ("idle.tabs\(scaleTabs).deliveries_per_sim_s", { try idle.result(0) }),
            ("idle.tabs\(scaleTabs).speedup", { try idle.result(1) }),
            ("join.tabs\(scaleTabs).wall_ms", { try join.result(0) }),
            ("join.tabs\(scaleTabs).peak_rss_mb", { try join.result(1) }),
            ("log.peak_rss_mb", { try SimulationBenchmarks.peakMemory(messages: messages) }),
        ]
        return all
    }

    func run() throws {
        let all = benchmarks
        var chosen = all
        if let only {
            let names = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            chosen = all.filter { names.contains($0.name) }
            let unknown = names.subtracting(all.map(\.name))
            guard unknown.isEmpty else {
                throw ValidationError(
                    "--only: no benchmark named " + unknown.sorted().joined(separator: ", ") + " (known: "
                        + all.map(\.name).joined(separator: ", ") + ")")
            }
        }
        var results: [BenchmarkResult] = []
        for b in chosen { results.append(try b.measure()) }
        var node: [BenchmarkResult] = []
        if compare { node = try runNode() }
        if json {
            for r in results { print(r.jsonLine) }
            for r in node { print(BenchmarkResult(name: "node." + r.name, value: r.value, unit: r.unit).jsonLine) }
        } else {
            printTable(results, node: node)
        }
    }

    static func parseTabs(_ text: String) throws -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), (2...64).contains(n) else {
                throw ValidationError("--tabs: '\(part)' is not a tab count from 2 to 64")
            }
            return n
        }
    }

    private func runNode() throws -> [BenchmarkResult] {
        let script = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("Benchmarks/node-broadcastchannel.mjs")
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw ValidationError("--compare: \(script.path) not found; run from the repository root")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["node", script.path, String(updates), String(rounds)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        do { try process.run() } catch {
            FileHandle.standardError.write(
                Data("--compare: node is not on the PATH; showing TabSync figures only\n".utf8))
            return []
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            FileHandle.standardError.write(
                Data("--compare: node exited with status \(process.terminationStatus); is it installed?\n".utf8))
            return []
        }
        return output.split(separator: "\n").compactMap { BenchmarkResult(jsonLine: String($0)) }
    }

    private func printTable(_ results: [BenchmarkResult], node: [BenchmarkResult]) {
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        func lpad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        let nodeByName = Dictionary(node.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        var header = pad("benchmark", 34) + lpad("TabSync", 14)
        if !node.isEmpty { header += lpad("Node", 12) + lpad("ratio", 8) }
        print(header + "  unit")
        for r in results {
            var line = pad(r.name, 34) + lpad(format(r.value), 14)
            if !node.isEmpty {
                if let n = nodeByName[r.name] {
                    line += lpad(format(n), 12) + lpad(String(format: "%.1fx", r.value / n), 8)
                } else {
                    line += lpad("-", 12) + lpad("-", 8)
                }
            }
            print(line + "  " + r.unit)
        }
    }

    private func format(_ v: Double) -> String {
        v >= 1000 ? String(Int(v.rounded())) : String(format: "%.2f", v)
    }
}

/// A workload that yields several figures, run at most once.
private final class MeasuredOnce {
    private let measure: () throws -> [BenchmarkResult]
    private var results: [BenchmarkResult]?

    init(_ measure: @escaping () throws -> [BenchmarkResult]) { self.measure = measure }

    func result(_ index: Int) throws -> BenchmarkResult {
        if results == nil { results = try measure() }
        return results![index]
    }
}
