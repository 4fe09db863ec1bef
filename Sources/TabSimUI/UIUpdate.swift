import TabSimulator
import TabSync

/// The one function that changes anything: the UI state and an action in, the new state and the
/// effects to carry out (`UIEffect`: a file to write, the end) out. It does nothing outside: no
/// file, no terminal. Keys that change the world become scenario actions applied to the session
/// (`RewindableSession`, the deterministic simulation the UI drives) at the current virtual time,
/// so the session records, replays and rewinds exactly. Nothing here traps on any action in any
/// state: failures become the status message.
public enum UIUpdate {
    public static var themes: [JSONValue] { LessonPrompt.themes }
    static let locales: [JSONValue] = ["en-US", "fr-FR", "de-DE", "ja-JP"]

    /// Virtual time each spare replay may move per tick: a few ms of wall time a frame.
    static let spareBudgetMs: Milliseconds = 2000

    public static func update(_ state: UIState, _ action: UIAction, _ session: UISession) -> (UIState, [UIEffect]) {
        var state = state
        var effects: [UIEffect] = []
        do { try perform(&state, &effects, action, session) } catch let error as SimulationError {
            state.message = error.message
        } catch {
            state.message = "\(error)"
        }
        let sim = session.simulation
        if !session.isRewound {
            state.presentMs = sim.nowMs
            state.presentEvents = sim.scheduler.executedCount
        }
        let prompt = session.waitingPrompt
        state.promptKey = prompt.flatMap { KeyBinding.key(for: $0.action)?.label }
        state.promptTab =
            prompt?.selectedTab.flatMap { tab in sim.tabs.firstIndex { $0.name == tab } }
        state.selected = max(0, min(state.selected, sim.tabs.count - 1))
        state.tooSmall =
            Layout(
                width: state.width, height: state.height, tabCount: sim.tabs.count,
                selected: state.selected
            ).tooSmall
        followNarration(&state, session)
        return (state, effects)
    }

    private static func perform(
        _ state: inout UIState, _ effects: inout [UIEffect], _ action: UIAction, _ session: UISession
    ) throws {
        let sim = session.simulation
        switch action {
        case .tick(let wallMs):
            // Spares for rewind creep up behind the present, a little each frame.
            _ = try? session.maintainSpares(budgetMs: UIUpdate.spareBudgetMs)
            autoRead(&state, session, wallMs: wallMs)
            guard !state.paused, wallMs > 0, wallMs.isFinite else { return }
            state.pendingVirtualMs += min(wallMs, 60_000) * state.speed
            let whole = Milliseconds(state.pendingVirtualMs)
            guard whole > 0 else { return }
            state.pendingVirtualMs -= Double(whole)
            try advance(&state, session, toMs: sim.nowMs + whole)
        case .resize(let width, let height):
            state.width = max(0, width)
            state.height = max(0, height)
            state.helpScroll = min(state.helpScroll, HelpOverlay(width: width, height: height, scroll: 0).maxScroll)
        case .select(let i):
            guard sim.tabs.indices.contains(i) else {
                state.message = "no tab \(i + 1)"
                return
            }
            state.selected = i
        case .selectNext: if !sim.tabs.isEmpty { state.selected = (state.selected + 1) % sim.tabs.count }
        case .selectPrevious:
            if !sim.tabs.isEmpty { state.selected = (state.selected + sim.tabs.count - 1) % sim.tabs.count }
        case .cycleTheme: try cycle("theme", themes, &state, session)
        case .cycleLocale: try cycle("locale", locales, &state, session)
        case .fontBigger, .fontSmaller:
            let tab = try selectedTab(state, sim)
            let size = tab.state["fontSize"]?.intValue ?? 14
            let next = min(32, max(8, size + (action == .fontBigger ? 1 : -1)))
            try session.apply(.set(tab: tab.name, state: ["fontSize": .number(Double(next))]))
            state.message = "\(tab.name): fontSize \(next)"
        case .concurrentEdit:
            // The lessons' concurrent edit: two values new to both tabs and different from each
            // other, at one instant (always a real conflict).
            let a = try selectedTab(state, sim)
            let edits: [Scenario.Action]
            do { edits = try LessonPrompt.concurrentEdit(from: a.name, in: sim) } catch {
                state.message = "a concurrent edit needs the selected tab and another running"
                return
            }
            var said: [String] = []
            for edit in edits {
                try session.apply(edit)
                if case .set(let tab, let values) = edit, let theme = values["theme"] {
                    said.append("\(tab) set theme \(theme.display)")
                }
            }
            state.message = said.joined(separator: ", ") + ", at the same instant"
        case .newTab:
            guard sim.tabs.count < DemoSetup.maxTabs else {
                state.message = "cannot open a \(sim.tabs.count + 1)th tab: at most \(DemoSetup.maxTabs) (A to Z)"
                return
            }
            guard let name = (0..<DemoSetup.maxTabs).map(DemoSetup.tabName).first(where: { sim.tab(named: $0) == nil })
            else {
                state.message = "no tab name left (A to Z are taken)"
                return
            }
            try session.apply(.open(tab: name, state: session.newTabState(name)))
            state.selected = sim.tabs.count - 1
            state.message = "opened \(name)"
        case .closeTab: try tabAction(state, session, { .close($0) }, "closed %@ (it said goodbye)", &state.message)
        case .killTab: try tabAction(state, session, { .kill($0) }, "killed %@ (no goodbye)", &state.message)
        case .reopenTab: try tabAction(state, session, { .reopen($0) }, "reopened %@", &state.message)
        case .forceLeader: try tabAction(state, session, { .forceLeader($0) }, "%@ forced to lead", &state.message)
        case .timeOutFollower:
            try tabAction(state, session, { .timeOut($0) }, "%@ timed out: it runs for election", &state.message)
        case .toggleFreeze:
            let frozen = try selectedTab(state, sim).liveness == .frozen
            try tabAction(
                state, session, { frozen ? .thaw($0) : .freeze($0) }, frozen ? "thawed %@" : "froze %@", &state.message)
        case .togglePartition:
            let cut = sim.isPartitioned(try selectedTab(state, sim).name)
            try tabAction(
                state, session, { cut ? .rejoin($0) : .isolate($0) }, cut ? "healed %@" : "cut %@ off", &state.message)
        case .cycleStrategy:
            let all = ConflictStrategy.allCases
            let i = all.firstIndex(of: sim.options.config.conflictStrategy) ?? 0
            let next = all[(i + 1) % all.count]
            let resolver = next == .custom ? DemoSetup.customResolverName : nil
            try session.apply(.conflictStrategy(next, resolver: resolver))
            state.message = "strategy \(next.rawValue)" + (resolver.map { " (\($0))" } ?? "")
        case .togglePause:
            state.paused.toggle()
            state.pendingVirtualMs = 0
            state.narrationOpen = false
            state.message = state.paused ? "paused: . steps to the next event, [ { } rewind" : "running"
            if !state.paused, session.isRewound {
                session.resume()
                state.message = "running from t=\(formatTime(sim.nowMs).drop { $0 == " " }) (later history discarded)"
            }
        case .stepBack, .jumpBack, .jumpForward, .jump:
            guard state.paused else {
                state.message = "rewind works while paused (space)"
                return
            }
            state.logScroll = 0
            state.logAnchor = nil
            switch action {
            case .stepBack:
                let events = session.simulation.scheduler.executedCount
                guard events > 0 else {
                    state.message = "at the first event"
                    return
                }
                report(try session.rewind(toEvent: events - 1), &state)
            case .jumpBack: report(try session.rewind(toMs: session.simulation.nowMs - 10_000), &state)
            case .jump(let time): try travel(&state, session, toMs: time)
            default:
                if session.isRewound {
                    try travel(&state, session, toMs: session.simulation.nowMs + 10_000)
                } else {
                    try advance(&state, session, toMs: session.simulation.nowMs + 10_000)
                }
            }
            state.message = whereNow(session)
        case .stepOnce:
            guard state.paused else {
                state.message = "step works while paused (space)"
                return
            }
            if session.isRewound {
                report(try session.rewind(toEvent: session.simulation.scheduler.executedCount + 1), &state)
                if session.simulation.scheduler.executedCount >= state.presentEvents {
                    try travel(&state, session, toMs: state.presentMs)
                }
                state.message = whereNow(session)
                return
            }
            guard let due = session.nextDueMs else {
                state.message = LessonWait.text(session).map { "the lesson is " + $0 } ?? "nothing scheduled"
                return
            }
            // Everything due at that instant runs, so an action taken next happens where a replay puts it.
            try advance(&state, session, toMs: due)
            state.message = "stepped to t=\(formatTime(sim.nowMs).drop { $0 == " " })"
        case .faster, .slower:
            state.speedIndex = max(0, min(UIState.speeds.count - 1, state.speedIndex + (action == .faster ? 1 : -1)))
            state.message = "speed x\(Presenter.format(state.speed))"
        case .cycleLogFilter:
            state.logFilter = state.logFilter.next(
                selected: sim.tabs.indices.contains(state.selected) ? sim.tabs[state.selected].name : nil)
            state.logScroll = 0
            state.logAnchor = nil
            state.message = "log filter: \(state.logFilter.label)"
        case .toggleDiagram:
            state.showDiagram.toggle()
            state.message = state.showDiagram ? "sequence diagram (d shows the log)" : "traffic log"
        case .togglePings:
            state.hidePings.toggle()
            state.logScroll = 0
            state.logAnchor = nil
            state.message = state.hidePings ? "pings hidden (h shows them)" : "pings shown"
        case .toggleTeachingNetwork:
            state.teachingNetwork.toggle()
            try applyNetwork(state, session)
            state.message =
                "network: " + (state.teachingNetwork ? "teaching" : "as the scenario set it")
                + " (\(session.simulation.options.network.summary))"
        case .toggleLossy:
            state.lossy.toggle()
            try applyNetwork(state, session)
            state.message = "network: " + (state.lossy ? "lossy" : "no loss") + " (\(sim.options.network.summary))"
        case .toggleMark:
            let name = try selectedTab(state, sim).name
            if let i = state.marked.firstIndex(of: name) {
                state.marked.remove(at: i)
            } else {
                state.marked.append(name)
            }
            state.message =
                state.marked.isEmpty ? "no tab marked" : "marked " + state.marked.joined(separator: ",") + " (P splits)"
        case .splitMarked:
            if sim.tabs.contains(where: { sim.isPartitioned($0.name) }) {
                try session.apply(.heal)
                state.message = "healed every partition"
                return
            }
            let marked = sim.tabs.map(\.name).filter { state.marked.contains($0) }
            let rest = sim.tabs.filter { $0.liveness.exists && !state.marked.contains($0.name) }.map(\.name)
            guard !marked.isEmpty, !rest.isEmpty else {
                state.message = "mark some tabs with m first (not all): P splits them from the rest"
                return
            }
            try session.apply(.partition([marked, rest]))
            state.marked = []
            state.message = "partition: " + marked.joined(separator: ",") + " | " + rest.joined(separator: ",")
        case .healAll:
            try session.apply(.healAll)
            // Loss off; the network the keys chose (teaching or the scenario's own) again.
            state.lossy = false
            state.dropNextArmed = false
            state.marked = []
            try applyNetwork(state, session)
            state.message = "healed everything: the fuzzer's calm (heal: all)"
        case .dropNext:
            guard !state.dropNextArmed else {
                state.dropNextArmed = false
                try applyNetwork(state, session)
                state.message = "drop cancelled"
                return
            }
            state.dropNextArmed = true
            try applyNetwork(state, session)
            state.message = "the next message will be lost"
        case .answerPrompt:
            guard session.waitingPrompt != nil || session.isHoldingNarration else {
                state.message = "no prompt waiting"
                return
            }
            let problems = session.answerPrompt()
            state.paused = false
            state.narrationOpen = false
            state.message = "the lesson goes on"
            report(problems, &state)
        case .scrollNarration, .rereadNarration:
            narrationKey(&state, action, session)
        case .toggleVersions:
            state.showVersions.toggle()
            state.message = state.showVersions ? "versions shown (v hides them)" : "versions hidden"
        case .scrollUp(let n):
            if state.showHelp {
                state.helpScroll = max(0, state.helpScroll - n)
                return
            }
            scrollLog(&state, sim, to: state.logScroll + n)
        case .scrollDown(let n):
            if state.showHelp {
                state.helpScroll = min(helpMaxScroll(state), state.helpScroll + n)
                return
            }
            scrollLog(&state, sim, to: state.logScroll - n)
        case .scrollToTop:
            if state.showHelp {
                state.helpScroll = 0
                return
            }
            scrollLog(&state, sim, to: Int.max)
        case .follow:
            if state.showHelp {
                state.helpScroll = helpMaxScroll(state)
                return
            }
            scrollLog(&state, sim, to: 0)
        case .toggleHelp:
            state.showHelp.toggle()
            state.helpScroll = 0
        case .closeOverlay:
            state.showHelp = false
            state.helpScroll = 0
        case .save:
            let path = state.recordPath ?? "tabsim-session-seed\(session.scenario.seed).yaml"
            let file = try session.scenarioFile()
            state.recordPath = path
            effects.append(.write(path: path, contents: file.text, actions: file.actions))
        case .wrote(let path, let actions):
            state.message = "saved \(Presenter.count(actions, "action")) to \(path) (replay: tabsim run \(path))"
        case .writeFailed(let problem):
            state.message = problem
        case .editSettingsField(let field):
            let tab = try selectedTab(state, sim)
            let edit = SettingsFieldEdit.edit(field, in: tab)
            try session.apply(edit.action)
            state.message = SettingsFieldEdit.said(tab.name, field, edit.value)
        case .concurrentFieldEdit:
            let edit = try SettingsFieldEdit.concurrent(from: try selectedTab(state, sim).name, in: sim)
            for action in edit.actions { try session.apply(action) }
            state.message = edit.said.joined(separator: ", ") + ", at the same instant"
        case .saveScreen:
            // The screen the user sees as the key is pressed, before this action's own message.
            let screen = Renderer.render(Presenter.frame(state, session))
            let name = Screenshot.baseName(seed: session.scenario.seed, nowMs: sim.nowMs)
            effects.append(
                .saveScreen(
                    textPath: name + ".txt", text: Screenshot.text(screen), svgPath: name + ".svg",
                    svg: ScreenSVG.svg(screen)))
        case .savedScreen(let textPath, let svgPath):
            state.message = "saved the screen to \(textPath) and \(svgPath)"
        case .quit:
            effects.append(.quit)
        }
    }

    /// The network the keys ask for: the teaching preset or the scenario's own, lossy or not, and
    /// losing everything while a drop (`D`) waits for its message.
    static func applyNetwork(_ state: UIState, _ session: UISession) throws {
        var network = state.teachingNetwork ? NetworkConditions.teaching : session.scenario.options.network
        if state.lossy { network.drop = max(network.drop, 0.2) }
        if state.dropNextArmed { network.drop = 1 }
        try session.apply(.network(network))
    }

    /// Runs virtual time to `time`. While a drop is armed it goes one event at a time, and puts the
    /// network back as soon as a message has been lost.
    private static func advance(_ state: inout UIState, _ session: UISession, toMs time: Milliseconds) throws {
        let sim = session.simulation
        while state.dropNextArmed, let due = session.nextDueMs, due <= time {
            let seen = sim.log.totalCount
            if let event = sim.nextEventMs, event <= (session.player.nextStepMs ?? .max) {
                sim.step()  // one event; the scenario's steps at that instant come after its events
            } else {
                report(try session.advance(toMs: due), &state)
            }
            let fresh = sim.log.events.suffix(max(0, sim.log.totalCount - seen))
            let lost = fresh.compactMap { e -> NetworkRouteFact? in
                if case .route(let r) = e.fact, r.outcome == .lost { r } else { nil }
            }
            if !lost.isEmpty {
                state.dropNextArmed = false
                try applyNetwork(state, session)
                state.message = DropReport.text(lost)
            }
        }
        report(try session.advance(toMs: time), &state)
    }

    /// Moves the paused session to `time` within its recorded history: back into the past, or
    /// forward; at or past the present, to the present itself, where the rewind ends (time is not
    /// run past the present by a rewind: `}` and a click on the timeline stop there).
    private static func travel(_ state: inout UIState, _ session: UISession, toMs time: Milliseconds) throws {
        guard time < state.presentMs else {
            report(try session.rewind(toMs: state.presentMs), &state)
            session.resume()
            return
        }
        report(try session.rewind(toMs: time), &state)
    }

    /// `at t=3.250s, event 120`, and whether that is the past or the present.
    private static func whereNow(_ session: UISession) -> String {
        let now = session.simulation
        return "at t=\(formatTime(now.nowMs).drop { $0 == " " }), event \(now.scheduler.executedCount)"
            + (session.isRewound ? " (rewound: space goes on from here)" : " (the present)")
    }

    private static func helpMaxScroll(_ state: UIState) -> Int {
        HelpOverlay(width: state.width, height: state.height, scroll: 0).maxScroll
    }

    /// Scrolls the log to `target` lines back from the newest, kept within what there is to see.
    private static func scrollLog(_ state: inout UIState, _ sim: Simulation, to target: Int) {
        let rows = Layout(width: state.width, height: state.height, tabCount: sim.tabs.count, selected: state.selected)
            .logRows
        let anchor = state.logAnchor ?? sim.log.totalCount
        let limit = max(0, Presenter.matchingCount(state, sim.log, anchor: anchor) - rows)
        state.logScroll = max(0, min(target, limit))
        state.logAnchor = state.logScroll == 0 ? nil : anchor
    }

    private static func report(_ problems: [String], _ state: inout UIState) {
        if let last = problems.last { state.message = last }
    }

    private static func selectedTab(_ state: UIState, _ sim: Simulation) throws(SimulationError) -> SimTab {
        guard sim.tabs.indices.contains(state.selected) else { throw SimulationError("no tab selected") }
        return sim.tabs[state.selected]
    }

    /// Applies the action made for the selected tab and says so (`%@` is the tab's name).
    private static func tabAction(
        _ state: UIState, _ session: UISession, _ make: (String) -> Scenario.Action,
        _ done: String, _ message: inout String
    ) throws {
        let tab = try selectedTab(state, session.simulation)
        try session.apply(make(tab.name))
        message = done.replacing("%@", with: tab.name)
    }

    private static func cycle(_ key: String, _ values: [JSONValue], _ state: inout UIState, _ session: UISession) throws
    {
        let tab = try selectedTab(state, session.simulation)
        let next = values.firstIndex(of: tab.state[key] ?? .null).map { values[($0 + 1) % values.count] } ?? values[0]
        try session.apply(.set(tab: tab.name, state: [key: next]))
        state.message = "\(tab.name): \(key) \(next.display)"
    }
}
