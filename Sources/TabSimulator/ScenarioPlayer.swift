import TabSync

/// The verdict on one expectation of a scenario.
public struct ExpectationResult: Sendable, Equatable {
    public let line: Int
    public let atMs: Milliseconds
    public let expected: String
    public let found: String
    public let passed: Bool

    /// `PASS 6.000s (line 14) leader is B` or `FAIL ... : found ...`.
    public var text: String {
        (passed ? "PASS " : "FAIL ") + formatTime(atMs).trimmingLeadingSpaces + (line > 0 ? " (line \(line)) " : " ")
            + expected + (passed ? "" : ": found \(found)")
    }
}

/// Plays a scenario's steps on a simulation as virtual time reaches them: the headless runner
/// plays it to the end, the terminal UI plays it along with its clock.
public final class ScenarioPlayer {
    public let scenario: Scenario
    public let simulation: Simulation
    public private(set) var results: [ExpectationResult] = []
    /// Every action carried out so far, the file's and `apply`'s, at the virtual time it ran: what a
    /// recording writes, and what replays the run exactly.
    public private(set) var performed: [Scenario.Step] = []
    private var next = 0
    /// When true (an interactive lesson), `advance` stops at a `prompt` step and time stands still
    /// until `answerPrompt()`. Headless players leave it false: a prompt is logged and the lesson goes on.
    public var pausesAtPrompts = false
    /// When true (`tabsim learn`), narration stays: after the steps of an instant that says
    /// something (`say:`), time stands still until `answerPrompt()` (the learner's space), so every
    /// `say` of that instant can be read. Prompts wait as `pausesAtPrompts` has them.
    public var holdsNarration = false
    /// The prompt waiting for the learner, while paused at one.
    public var waitingPrompt: LessonPrompt? {
        if case .action(.prompt(let prompt)) = waitingStep?.kind { prompt } else { nil }
    }
    /// True while time stands still for the learner to read the narration (`holdsNarration`).
    public var isHoldingNarration: Bool {
        if case .action(.say) = waitingStep?.kind { true } else { false }
    }
    /// True while time stands still for the learner: a prompt or a narration waits.
    public var isWaiting: Bool { waitingStep != nil }
    /// The prompt's step, while paused at it: `answerPrompt()` carries out its action. Or the last
    /// `say` step of an instant, while its narration is held.
    private var waitingStep: Scenario.Step?
    /// The `say` step performed at this instant whose narration is to be held once the instant's
    /// steps are done (`holdsNarration`).
    private var narrationToHold: Scenario.Step?
    /// When true (`playToEnd`, what `tabsim run` does), at most `ScenarioLimits.maxEvents` events
    /// and `ScenarioLimits.maxDeliveredValues` delivered values run before the file's last step;
    /// past either, `advance` throws naming the limit and the step it was reaching. False, as in
    /// the terminal UI, where the learner sets the pace: the run is not counted.
    public var enforcesRunLimits = false

    /// Makes the simulation the scenario describes.
    public init(scenario: Scenario) throws(ScenarioError) {
        self.scenario = scenario
        do { simulation = try Simulation(options: scenario.options) } catch {
            throw ScenarioError(file: scenario.file, line: nil, problem: error.message)
        }
        simulation.tracksWinners = scenario.steps.contains {
            if case .expect(.winners) = $0.kind { true } else { false }
        }
    }

    public var isFinished: Bool { next >= scenario.steps.count }
    /// How many of the scenario's steps have been reached (performed, checked, or waiting).
    public var stepsReached: Int { next }
    /// When the next step is due.
    public var nextStepMs: Milliseconds? { isFinished ? nil : scenario.steps[next].atMs }
    public var endMs: Milliseconds { scenario.steps.last?.atMs ?? 0 }

    /// Runs the simulation up to `time`, carrying out every step due by then, in order.
    /// An action that cannot be carried out (unknown tab, a dead tab...) throws with its line.
    public func advance(toMs time: Milliseconds) throws(ScenarioError) {
        guard waitingStep == nil else { return }
        while next < scenario.steps.count, scenario.steps[next].atMs <= time {
            let step = scenario.steps[next]
            if holdNarration(before: step) { return }
            try run(untilMs: step.atMs, reaching: step)
            next += 1
            if pausesAtPrompts, case .action(.prompt(let prompt)) = step.kind {
                simulation.narrate(.prompt(prompt, waits: true))
                narrationToHold = nil  // the prompt waits, its narration beside it
                waitingStep = step
                return
            }
            if holdsNarration, case .action(.say) = step.kind { narrationToHold = step }
            switch step.kind {
            case .action(let action):
                do { try perform(action) } catch {
                    throw ScenarioError(file: scenario.file, line: step.line, problem: error.message)
                }
                performed.append(Scenario.Step(atMs: simulation.nowMs, line: step.line, kind: step.kind))
            case .expect(let expectation):
                let result = check(expectation, step: step)
                results.append(result)
                simulation.record(
                    SimEvent(timeMs: simulation.nowMs, tab: "sim", kind: .verdict, fact: .verdict(result)))
            }
        }
        if holdNarration(before: nil) { return }
        if let step = isFinished ? scenario.steps.last : scenario.steps[next], time <= endMs {
            try run(untilMs: time, reaching: step)
        }
        simulation.run(untilMs: time)
    }

    /// Holds the narration of the instant just played when the next step (nil: none due now) is
    /// later than that instant: every step of the instant is done, no later event has run. True
    /// when time now stands still.
    private func holdNarration(before step: Scenario.Step?) -> Bool {
        guard let held = narrationToHold, step.map({ $0.atMs > held.atMs }) ?? true else { return false }
        narrationToHold = nil
        waitingStep = held
        return true
    }

    /// Runs the simulation up to `time` (as `Simulation.run(untilMs:)`, one event at a time), on the
    /// way to `step`; with `enforcesRunLimits`, refuses to run an event past a limit, naming the
    /// step's line.
    private func run(untilMs time: Milliseconds, reaching step: Scenario.Step) throws(ScenarioError) {
        guard enforcesRunLimits else { return simulation.run(untilMs: time) }
        let sim = simulation
        while let due = sim.scheduler.nextDueMs, due <= time {
            let passed =
                sim.scheduler.executedCount >= ScenarioLimits.maxEvents
                ? "\(ScenarioLimits.maxEvents) simulated events (timers and message deliveries; ScenarioLimits.maxEvents)"
                : sim.deliveredValues >= ScenarioLimits.maxDeliveredValues
                    ? "\(ScenarioLimits.maxDeliveredValues) values delivered in messages (a state of ten keys is "
                        + "eleven; ScenarioLimits.maxDeliveredValues)" : nil
            if let passed {
                throw ScenarioError(
                    file: scenario.file, line: step.line,
                    problem:
                        "the run reaches the limit of \(passed) at \(formatTime(sim.nowMs).trimmingLeadingSpaces), "
                        + "before this step: fewer tabs, slower timers, a lighter workload, a smaller state "
                        + "or a shorter scenario stays within it")
            }
            sim.scheduler.step()
        }
        sim.run(untilMs: time)
    }

    /// The learner answered the waiting prompt (its key on its tab, or space): the prompt's action
    /// is carried out now, once, and the lesson goes on from the next step. An action that cannot
    /// be carried out (the learner killed the tab meanwhile...) throws with the prompt's line; the
    /// lesson goes on all the same.
    public func answerPrompt() throws(ScenarioError) {
        guard let step = waitingStep else { return }
        waitingStep = nil
        guard case .action(.prompt(let prompt)) = step.kind else { return }  // a held narration: read
        do { try act(prompt) } catch {
            throw ScenarioError(file: scenario.file, line: step.line, problem: error.message)
        }
        performed.append(Scenario.Step(atMs: simulation.nowMs, line: step.line, kind: step.kind))
    }

    /// Carries out what a prompt asks the learner to do.
    private func act(_ prompt: LessonPrompt) throws(SimulationError) {
        for action in try prompt.actions(in: simulation) { try perform(action) }
    }

    /// Plays every step; returns the verdicts, ending with the safety invariants.
    public func playToEnd() throws(ScenarioError) -> [ExpectationResult] {
        enforcesRunLimits = true
        try advance(toMs: endMs)
        // A property a step expects broken (`violated`) was shown on purpose: the others are judged.
        let shown = Set(
            scenario.steps.compactMap { step -> String? in
                if case .expect(.violated(let property)) = step.kind { return property }
                return nil
            })
        let violations = simulation.violations.filter { !shown.contains($0.property) }
        return results + [
            ExpectationResult(
                line: 0, atMs: simulation.nowMs, expected: "safety invariants held",
                found: violations.map(\.description).joined(separator: "; "), passed: violations.isEmpty)
        ]
    }

    /// Carries out an action now, as a step of the file at this time would be: everything due by
    /// now runs first, so a replay that plays it as a step does exactly the same.
    public func apply(_ action: Scenario.Action) throws(SimulationError) {
        simulation.run(untilMs: simulation.nowMs)
        try performRecorded(action)
    }

    /// Carries out an action at this very moment (between two events of one instant, when stepped
    /// there) and keeps it with what was performed: how a replay does a recorded action again.
    func performRecorded(_ action: Scenario.Action) throws(SimulationError) {
        try perform(action)
        performed.append(Scenario.Step(atMs: simulation.nowMs, line: 0, kind: .action(action)))
    }

    func perform(_ action: Scenario.Action) throws(SimulationError) {
        let sim = simulation
        switch action {
        case .open(let tab, let state): try sim.open(tab, state: state)
        case .close(let tab): try sim.close(tab)
        case .kill(let tab): try sim.kill(tab)
        case .freeze(let tab): try sim.freeze(tab)
        case .thaw(let tab): try sim.thaw(tab)
        case .reopen(let tab): try sim.reopen(tab)
        case .set(let tab, let state): try sim.set(tab, state)
        case .forceLeader(let tab): try sim.forceLeader(tab)
        case .timeOut(let tab): try sim.timeOut(tab)
        case .requestState(let tab): try sim.requestState(tab)
        case .broadcastState(let tab, let keys): try sim.broadcastState(tab, keys: keys)
        case .partition(let groups): try sim.partition(groups)
        case .heal: sim.heal()
        case .healAll: sim.transitionToLiveness()
        case .isolate(let tab): try sim.isolate(tab)
        case .rejoin(let tab): try sim.rejoin(tab)
        case .cut(let link): try sim.cutLink(from: link.from, to: link.to)
        case .restore(let link): try sim.restoreLink(from: link.from, to: link.to)
        case .workload(let w): try sim.startWorkload(w)
        case .stopWorkload: sim.stopWorkload()
        case .network(let n): try sim.setNetwork(n)
        case .background(let tab, let ms): try sim.setBackground(tab, throttleMs: ms)
        case .clockSkew(let tab, let ms): try sim.setClockSkew(tab, ms: ms)
        case .inject(let tab, let raw): try sim.inject(raw: raw, to: tab)
        case .say(let text): sim.narrate(.narration(text))
        case .prompt(let prompt):
            sim.narrate(.prompt(prompt, waits: false))
            try act(prompt)
        case .conflictStrategy(let strategy, let resolver):
            try sim.setConflictStrategy(strategy, customResolver: resolver.flatMap { BuiltinResolvers.all[$0] })
        }
    }

    /// Judges one expectation now (the fuzzer judges its liveness checks here too, so a saved run
    /// checks exactly what the run checked).
    func check(_ e: Scenario.Expectation, step: Scenario.Step) -> ExpectationResult {
        let sim = simulation
        func result(_ passed: Bool, _ found: String) -> ExpectationResult {
            ExpectationResult(line: step.line, atMs: step.atMs, expected: e.description, found: found, passed: passed)
        }
        func names(_ tabs: [SimTab]) -> String { tabs.isEmpty ? "none" : tabs.map(\.name).joined(separator: ", ") }
        switch e {
        case .leader(let name):
            let running = sim.tabs.filter { $0.liveness == .alive && $0.isLeader }
            let ok = name == nil ? running.isEmpty : (running.count == 1 && running[0].name == name)
            return result(ok, "leaders: \(names(running))")
        case .leaders(let n):
            return result(sim.leaders.count == n, "\(sim.leaders.count) (\(names(sim.leaders)))")
        case .runningLeaders(let n):
            let running = sim.tabs.filter { $0.liveness == .alive && $0.isLeader }
            return result(running.count == n, "\(running.count) (\(names(running)))")
        case .allFollow(let expected):
            let running = sim.tabs.filter { $0.liveness == .alive }
            let leading = running.filter(\.isLeader)
            guard leading.count == 1 else {
                return result(!expected, "\(leading.count) running leaders (\(names(leading)))")
            }
            let stray = running.first { $0.leaderId != leading[0].tabId }
            let found = stray.map {
                "\($0.name) follows \($0.leaderId.map(shortTabId) ?? "nobody"), leader is \(leading[0].name)"
            }
            return result((stray == nil) == expected, found ?? "all follow \(leading[0].name)")
        case .state(let tabName, let values):
            guard let tab = sim.tab(named: tabName) else { return result(false, "no tab \(tabName)") }
            // `null` expects the key absent: a file has no other way to say "not there".
            let ok = values.allSatisfy { $0.value == .null ? tab.state[$0.key] == nil : tab.state[$0.key] == $0.value }
            let present = values.keys.reduce(into: StateDocument()) { $0[$1] = tab.state[$1] }
            let absent = values.keys.filter { tab.state[$0] == nil }.sorted()
            let found =
                JSONValue.object(present).description
                + (absent.isEmpty ? "" : " (absent: " + absent.joined(separator: ", ") + ")")
            return result(ok, found)
        case .converged(let expected):
            let c = sim.convergence()
            return result(c.converged == expected, c.summary)
        case .winners(let strategy):
            let problems = sim.winnerProblems(claiming: strategy)
            return result(
                problems.isEmpty,
                problems.isEmpty ? "every key holds its winner" : problems.joined(separator: "; "))
        case .maxSentPerSecond(let bound):
            let t = sim.calmTraffic
            guard t.sinceMs != nil else { return result(false, "no heal: all before") }
            return result(
                t.maxPerSecond <= bound,
                "at most \(t.maxPerSecond)" + (t.busiestTab.isEmpty ? "" : " (\(t.busiestTab))"))
        case .connectedTabs(let tabName, let count):
            guard let tab = sim.tab(named: tabName) else { return result(false, "no tab \(tabName)") }
            return result(tab.connectedTabs == count, "\(tab.connectedTabs)")
        case .sent(let tabName, let type, let count):
            guard let tab = sim.tab(named: tabName) else { return result(false, "no tab \(tabName)") }
            let n = tab.external.map { $0.sentCounts[type] ?? 0 } ?? tab.sync.statistics.sent[type] ?? 0
            return result(n == count, "\(n)")
        case .dropped(let tabName, let reason, let count):
            guard let tab = sim.tab(named: tabName) else { return result(false, "no tab \(tabName)") }
            let n = tab.sync.statistics.dropped[reason] ?? 0
            return result(n == count, "\(n)")
        case .violated(let property):
            let found = sim.violations.filter { $0.property == property }
            return result(
                !found.isEmpty, found.first.map { "\(found.count): \($0.description)" } ?? "not reported")
        case .neverOnWire(let key):
            return result(
                !sim.checker.keysOnWire.contains(key),
                sim.checker.keysOnWire.contains(key) ? "'\(key)' was sent" : "never sent")
        }
    }
}
