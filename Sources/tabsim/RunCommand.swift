import ArgumentParser
import TabSimulator

/// `tabsim run FILE...`: plays scenario files headless and judges their expectations.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files headless: print the log, then PASS/FAIL per expectation.",
        discussion: """
            The log uses the spec's debug-line format with virtual timestamps. Exit status: 0 when every
            expectation holds, 1 when one fails, 2 when a file cannot be used (the message names the
            file, the line and the problem).
            Examples:
              tabsim run Examples/02-leader-crash.yaml
              tabsim run --quiet Examples/*.yaml
              tabsim run --json Examples/07-concurrent-edit-diverges.yaml > run.jsonl
            """
    )

    @Flag(help: "Print only the verdicts.") var quiet = false
    @Flag(help: "Print the log as JSON lines ({time, tab, kind, type, line}) and the verdicts as JSON lines.") var json = false
    @Argument(help: "Scenario files (YAML).") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file") }
    }

    func run() throws {
        var failed = false
        for file in files {
            let results: [ExpectationResult]
            do {
                let scenario = try ScenarioParser.load(path: file)
                if !json && !quiet { print("# \(scenario.name) (\(file), seed \(scenario.seed))") }
                let player = try ScenarioPlayer(scenario: scenario)
                if !quiet {
                    player.simulation.onEvent = { event in
                        guard event.kind != .verdict else { return }
                        print(json ? event.jsonLine : event.text)
                    }
                }
                results = try player.playToEnd()
            } catch {
                printError("tabsim: \(error)")
                throw ExitCode(2)
            }
            for r in results {
                if json {
                    print("{\"file\": \(quote(file)), \"verdict\": \"\(r.passed ? "PASS" : "FAIL")\", \"line\": \(r.line), \"time\": \(r.atMs), \"expected\": \(quote(r.expected)), \"found\": \(quote(r.found))}")
                } else {
                    print((files.count > 1 ? file + ": " : "") + r.text)
                }
                if !r.passed { failed = true }
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// A JSON string literal.
func quote(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out + "\""
}
