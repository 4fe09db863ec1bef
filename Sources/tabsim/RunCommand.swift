import ArgumentParser
import TabSimulator
import TabSync

/// `tabsim run FILE...`: plays scenario files headless and judges their expectations.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files headless: print the log, then PASS/FAIL per expectation.",
        discussion: """
            Each file is played on a fresh simulation from its seed. The log uses the spec's debug-line
            format after a virtual timestamp and the tab's name:
                 1.250s B  [BroadcastSync:xum32i] Sent: STATE_UPDATE {"keys":["theme"],...}
            Then one line per expectation (what was expected and, on FAIL, what was found), and a last
            one for the safety invariants checked on every event.
            Exit status: 0 when every expectation holds, 1 when one fails, 2 when a file cannot be used
            (the message names the file, the line and the problem: unknown action, unknown tab, bad
            time, malformed YAML...). A step that cannot run stops its file: the verdicts reached before
            it are still printed, and a FAIL among them still makes the status 1 (1 wins over 2).
            See Examples/ for the format, commented.
            Examples:
              tabsim run Examples/02-leader-crash.yaml
              tabsim run --quiet Examples/*.yaml
              tabsim run --json Examples/07-concurrent-edit-diverges.yaml > run.jsonl
            """
    )

    @Flag(help: "Print only the verdicts.") var quiet = false
    @Flag(help: "Print the log as JSON lines ({time, tab, kind, type, line}) and the verdicts as JSON lines.")
    var json = false
    @Option(help: "How long an external tab (a step's open with command:) may take to answer, in wall-clock ms.")
    var externalDeadlineMs = 10_000
    @Argument(help: "Scenario files (YAML).") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file") }
        guard externalDeadlineMs > 0 else { throw ValidationError("--external-deadline-ms must be more than 0") }
    }

    func run() throws {
        var failed = false
        var unusable = false
        for file in files {
            var results: [ExpectationResult] = []
            var player: ScenarioPlayer?
            do {
                var scenario = try ScenarioParser.load(path: file)
                scenario.options.externalDeadlineMs = externalDeadlineMs
                if !json && !quiet { printLine("# \(scenario.name) (\(file), seed \(scenario.seed))") }
                player = try ScenarioPlayer(scenario: scenario)
                if !quiet {
                    player?.simulation.onEvent = { event in
                        guard event.kind != .verdict else { return }
                        if json { printJSONLine(event.jsonLine) } else { printLine(event.text) }
                    }
                }
                results = try player?.playToEnd() ?? []
            } catch {
                // The verdicts reached before the step that could not run still count.
                results = player?.results ?? []
                printError("tabsim: \(error)")
                unusable = true
            }
            for r in results {
                if json {
                    let verdict: JSONValue = [
                        "file": .string(file), "verdict": .string(r.passed ? "PASS" : "FAIL"),
                        "line": .number(Double(r.line)),
                        "time": .number(Double(r.atMs)), "expected": .string(r.expected), "found": .string(r.found),
                    ]
                    printJSONLine(verdict.description)
                } else {
                    printLine((files.count > 1 ? file + ": " : "") + r.text)
                }
                if !r.passed { failed = true }
            }
        }
        if failed { throw ExitCode(1) }
        if unusable { throw ExitCode(2) }
    }
}
