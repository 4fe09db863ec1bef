import TabSimulator
import TabSync

/// A lesson's narration panel, at the top of the log: a heading that says what the lesson waits
/// for (`WAITING for z (freeze tab A): time is held`), how far it is, and the keys that scroll and
/// re-read; under it the waiting prompt and the latest narration (every `say` of its instant),
/// wrapped to the width (`NarrationText`) and scrolled. While the lesson waits, or the narration is
/// read again (`R`), the panel may take the log's rows but one; otherwise at most half of them, so
/// the log shows. Built from the UI state and the session; pure.
public struct NarrationPanel: Equatable, Sendable {
    public var heading: String
    /// Every line of the prompt and the narration, wrapped.
    public var body: [String]
    /// Body lines scrolled past.
    public var scroll: Int
    /// Body lines the panel shows under its heading.
    public var bodyRows: Int

    /// The panel for the session now in a log `width` columns wide with `rows` rows to spare; nil
    /// when there is nothing to tell (no narration, no prompt) or no row for it.
    public init?(_ state: UIState, _ session: UISession, width: Int, rows: Int) {
        let texts = Self.texts(session, selected: state.selected)
        let over = Self.isLessonOver(session)
        guard rows >= 2, width >= 10, !texts.isEmpty || over else { return nil }
        body = texts.flatMap { NarrationText.wrap($0.text, width: width - 1, first: $0.mark) }
        let expanded = session.waitingPrompt != nil || session.isHoldingNarration || state.narrationOpen
        let limit = expanded ? rows : min(rows, max(3, rows / 2))
        bodyRows = max(1, min(body.count, limit - 1))
        scroll = max(0, min(state.narrationScroll, body.count - bodyRows))
        heading = ""
        heading = makeHeading(state, session, width: width - 1, over: over, expanded: expanded)
    }

    public var maxScroll: Int { max(0, body.count - bodyRows) }

    /// The panel's rows: the heading, then the body lines shown.
    public var lines: [String] { [heading] + body.dropFirst(scroll).prefix(bodyRows) }

    /// The prompt waiting (`▶`, with the key the key table binds to its action and the tab to
    /// select first) and the latest narration (`»`), as texts to wrap.
    static func texts(_ session: UISession, selected: Int) -> [(mark: String, text: String)] {
        var texts: [(mark: String, text: String)] = []
        if let prompt = session.waitingPrompt {
            let key = KeyBinding.key(for: prompt.action)?.label ?? "?"
            let tabs = session.simulation.tabs
            let selectedName = tabs.indices.contains(selected) ? tabs[selected].name : nil
            let select = prompt.selectedTab.flatMap { name in
                name == selectedName
                    ? nil
                    : tabs.firstIndex { $0.name == name }.map { i in
                        "Select tab \(name) (" + (i < 9 ? "key \(i + 1)" : "Tab") + "), then press \(key)"
                    }
            }
            let press = select ?? "Press \(key)" + (prompt.selectedTab.map { " on tab \($0)" } ?? "")
            texts.append(
                ("▶ ", press + ": \(prompt.text)  (\(KeyBinding.readOnKey.label) lets the lesson do it)"))
        }
        return texts + session.narration.map { ("» ", $0) }
    }

    /// True when a lesson (its narration held) has played every step and waits for nothing.
    static func isLessonOver(_ session: UISession) -> Bool {
        session.recording.holdsNarration && session.player.isFinished && !session.player.isWaiting
    }

    /// `Lesson 2/6  WAITING for space (read on): time is held  ( / ) lines 1-3/5`, or
    /// `R read again` while time runs: the parts that fit, most important first.
    private func makeHeading(_ state: UIState, _ session: UISession, width: Int, over: Bool, expanded: Bool)
        -> String
    {
        let steps = session.scenario.steps
        let told = { (s: Scenario.Step) -> Bool in
            switch s.kind {
            case .action(.say), .action(.prompt): true
            default: false
            }
        }
        let total = steps.count(where: told)
        let reached = steps.prefix(session.player.stepsReached).count(where: told)
        var parts = [total > 0 ? "Lesson \(reached)/\(total)" : "Narration"]
        if over {
            let results = session.player.results
            parts.append("Lesson over: \(results.count(where: \.passed)) of \(results.count) checks passed")
        } else if let wait = LessonWait.text(session) {
            let left = Int(((Self.readingMs(session) - state.heldMs) / 1000).rounded(.up))
            parts.append(wait + ": time is held" + (state.autoNarration ? " (--auto: on in \(max(0, left)) s)" : ""))
        } else if state.narrationOpen {
            parts.append("read again, time paused: \(KeyBinding.readOnKey.label) goes on")
        }
        if maxScroll > 0, let keys = KeyBinding.all.first(where: { $0.actions.contains(.scrollNarration(1)) }) {
            parts.append(keys.label + " lines \(scroll + 1)-\(min(body.count, scroll + bodyRows))/\(body.count)")
        }
        if !expanded { parts.append(KeyBinding.hints(for: [.rereadNarration])) }
        var heading = ""
        for part in parts where heading.count + 3 + part.count <= width || heading.isEmpty {
            heading += (heading.isEmpty ? "" : "   ") + part
        }
        return heading
    }

    /// How long `--auto` leaves a held narration or a waiting prompt on screen before going on, on
    /// the UI's clock: 2 s, and 50 ms a character (about 200 words a minute), at most 20 s.
    public static func readingMs(_ session: UISession) -> Double {
        let characters = texts(session, selected: 0).reduce(0) { $0 + $1.text.count }
        return min(20_000, 2_000 + 50 * Double(characters))
    }
}

extension NarrationPanel {
    /// The log rows the panel may take: all but one, so a line of the log always shows.
    public static func rows(_ layout: Layout) -> Int { max(0, layout.logRows - 1) }
}
