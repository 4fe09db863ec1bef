import TabSync
import Yams

/// What a scenario file may cost to read and to run: a file comes from whoever wrote it, and
/// neither reading nor running it may hang the tool or exhaust its memory. Each limit is checked
/// before the work it bounds, and any file within them runs in seconds (the worst measured: about
/// 4.4 s in a debug build on a busy 2-core machine: 26 tabs on 1 ms timers, a workload and state
/// broadcasts, just within both run limits).
///
/// Reading:
/// - Size: at most `maxFileBytes`, checked while reading (only a regular file is read).
/// - Nesting: at most `maxNesting` levels; a cheap scan of the text refuses deeper files before the
///   YAML parser (which recurses per level) sees them.
/// - Expansion: aliases are expanded by the parser into shared nodes; a file whose tree, walked
///   with every alias expanded, holds more than `maxNodes` nodes is refused before it is read (a
///   "billion laughs" file of ten levels of ten aliases would be ten billion).
///
/// Running, checked when the file is read:
/// - Tabs: at most `maxTabs` opened (2000 tabs ran for minutes: every frame goes to every tab).
/// - Injected frames: at most `maxInjects` `inject` steps (each TAB_PING from a new id adds a peer
///   every tab keeps: 9500 of them ran for 78 s in 2.1 GB).
/// - Time: no step later than `maxTimeMs`.
///
/// Running, counted while `tabsim run` plays the file (`ScenarioPlayer.playToEnd`), since what a
/// run costs depends on its timers, its network and its state, not on its length in the file:
/// - Events: at most `maxEvents` simulated events (timers and message deliveries).
/// - Delivered values: at most `maxDeliveredValues` values carried by the message copies delivered
///   (one delivery of a thousand-key state costs as much as a thousand heartbeats).
/// Passing one stops the run with an error naming the limit and the step it was reaching.
public enum ScenarioLimits {
    public static let maxFileBytes = 1 << 20
    public static let maxNesting = 64
    public static let maxNodes = 100_000
    /// As many as the terminal UI and the fuzzer have (tabs A to Z).
    public static let maxTabs = 26
    /// The hostile-peer example injects 6.
    public static let maxInjects = 100
    /// The latest time a step may have: an hour (the examples end within 100 s; a saved fuzz run
    /// within about 6 minutes).
    public static let maxTimeMs: Milliseconds = 3_600_000
    /// Some 3 s of simulation in a debug build (30 000 to 45 000 events a second with 26 busy
    /// tabs); the longest fuzz run `--save` writes (26 tabs, merge, 300 s of faults) takes about 62 000.
    public static let maxEvents = 100_000
    /// Some 2 s in a debug build (about 130 000 delivered values a second, a thousand-key state sent
    /// to 25 tabs); the longest saved fuzz run delivers about 121 000.
    public static let maxDeliveredValues = 250_000

    /// Characters after which a quote starts a quoted scalar.
    private static let tokenStarts: Set<UInt8> = Set(" [{,:-?".utf8)

    /// A conservative bound on the nesting of each line (its indentation, its leading `- ` and `? `
    /// markers and its open flow brackets outside quotes and comments, which are never fewer than
    /// its real levels); refuses the text when one exceeds the nesting limit four times over. Real
    /// depths are then checked exactly on the parsed tree (`checkTree`).
    static func checkText(_ text: String, file: String) throws(ScenarioError) {
        var flow = 0
        var quote: UInt8? = nil
        var lineNumber = 0
        for line in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var i = line.startIndex
            var bound = 0
            if quote == nil && flow == 0 {
                while i < line.endIndex, line[i] == UInt8(ascii: " ") {
                    bound += 1
                    i += 1
                }
                while i < line.endIndex, line[i] == UInt8(ascii: "-") || line[i] == UInt8(ascii: "?") {
                    let next = line.index(after: i)
                    guard next == line.endIndex || line[next] == UInt8(ascii: " ") else { break }
                    bound += 2
                    i = next
                    while i < line.endIndex, line[i] == UInt8(ascii: " ") { i += 1 }
                }
            }
            var previous = UInt8(ascii: " ")
            var deepest = flow
            scan: while i < line.endIndex {
                let c = line[i]
                if let q = quote {
                    if c == q && !(q == UInt8(ascii: "\"") && previous == UInt8(ascii: "\\")) { quote = nil }
                } else {
                    switch c {
                    // A quote opens a quoted scalar only where a token starts (`don't` is plain text).
                    case UInt8(ascii: "\"") where Self.tokenStarts.contains(previous),
                        UInt8(ascii: "'") where Self.tokenStarts.contains(previous):
                        quote = c
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        flow += 1
                        deepest = max(deepest, flow)
                    case UInt8(ascii: "]"), UInt8(ascii: "}"): flow = max(0, flow - 1)
                    case UInt8(ascii: "#") where previous == UInt8(ascii: " "): break scan
                    default: break
                    }
                }
                previous = previous == UInt8(ascii: "\\") && c == UInt8(ascii: "\\") ? UInt8(ascii: " ") : c
                i = line.index(after: i)
            }
            if bound + deepest + 1 > 4 * maxNesting {
                throw ScenarioError(
                    file: file, line: lineNumber,
                    problem: "nested too deeply (the limit is \(maxNesting) levels)")
            }
        }
    }

    /// Walks the parsed tree with aliases expanded, refusing it at the first node deeper than the
    /// nesting limit or past the node limit: the walk itself costs at most `maxNodes` steps.
    static func checkTree(_ root: Node, file: String) throws(ScenarioError) {
        var count = 0
        func walk(_ node: Node, _ depth: Int) throws(ScenarioError) {
            count += 1
            if count > maxNodes {
                throw ScenarioError(
                    file: file, line: node.mark?.line,
                    problem: "more than \(maxNodes) values once aliases are expanded (the limit)")
            }
            if depth > maxNesting {
                throw ScenarioError(
                    file: file, line: node.mark?.line,
                    problem: "nested too deeply (the limit is \(maxNesting) levels)")
            }
            switch node {
            case .mapping(let m):
                for (k, v) in m {
                    try walk(k, depth + 1)
                    try walk(v, depth + 1)
                }
            case .sequence(let s):
                for v in s { try walk(v, depth + 1) }
            case .scalar, .alias:
                break
            }
        }
        try walk(root, 1)
    }
}
