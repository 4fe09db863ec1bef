/// One row of the key table: the keys, what they do, and how the help overlay, the hint bar and
/// the README name them. Key dispatch, help and hints are all read from `KeyBinding.all`, so they
/// cannot disagree (a test holds the README's table to it too).
public struct KeyBinding: Sendable {
    public let keys: [Key]
    /// How help names the keys (`1-9`, `+ / -`).
    public let label: String
    public let help: String
    /// The hint bar's short form, or nil to leave the binding out of the hint bar.
    public let hint: String?
    /// The action for each key, in `keys` order.
    public let actions: [UIAction]
    /// A word for what the keys do where the hint bar has room for every key (`LiveScreen`'s few):
    /// the hint, or a word of its own.
    public let brief: String?

    init(
        _ keys: [Key], _ label: String? = nil, _ help: String, hint: String? = nil, brief: String? = nil,
        actions: [UIAction]
    ) {
        self.keys = keys
        self.label = label ?? keys.map(\.label).joined(separator: " ")
        self.help = help
        self.hint = hint
        self.brief = hint ?? brief
        self.actions = actions
    }

    init(_ key: Key, _ help: String, hint: String? = nil, brief: String? = nil, _ action: UIAction) {
        self.init([key], nil, help, hint: hint, brief: brief, actions: [action])
    }

    public static let all: [KeyBinding] = [
        KeyBinding(
            (1...9).map { Key.char(Character(String($0))) }, "1-9", "select tab 1 to 9", hint: "select",
            actions: (0..<9).map { .select($0) }),
        KeyBinding(
            [.char("\t"), .backTab], "Tab / Shift-Tab", "select the next / previous tab (all 26)",
            actions: [.selectNext, .selectPrevious]),
        KeyBinding(
            .char("t"), "cycle theme (light, dark, system, high-contrast) in the selected tab", hint: "theme",
            .cycleTheme),
        KeyBinding(.char("l"), "cycle locale (en-US, fr-FR, de-DE, ja-JP)", brief: "locale", .cycleLocale),
        KeyBinding(
            [.char("+"), .char("-")], "+ / -", "font size up / down",
            actions: [.fontBigger, .fontSmaller]),
        KeyBinding(
            .char("x"), "concurrent edit: two tabs set new, different themes at one instant", hint: "conflict",
            .concurrentEdit),
        KeyBinding(
            .char("e"), "edit one field of settings in the selected tab: density", brief: "density",
            .editSettingsField(SettingsFieldEdit.density)),
        KeyBinding(
            .char("E"), "edit one field of settings in the selected tab: motion", brief: "motion",
            .editSettingsField(SettingsFieldEdit.motion)),
        KeyBinding(
            .char("X"), "concurrent field edit: two tabs edit different fields of settings at once",
            brief: "field conflict", .concurrentFieldEdit),
        KeyBinding(.char("n"), "open a new tab (at most 26, A to Z)", hint: "new", .newTab),
        KeyBinding(.char("c"), "close the selected tab gracefully (it says goodbye)", brief: "close", .closeTab),
        KeyBinding(.char("k"), "kill the selected tab (crash: no goodbye)", hint: "kill", .killTab),
        KeyBinding(.char("r"), "reopen a closed or killed tab", .reopenTab),
        KeyBinding(.char("f"), "force the selected tab to lead (new epoch)", hint: "lead", .forceLeader),
        KeyBinding(
            .char("o"), "time out the selected follower now: it runs for election", hint: "timeout", .timeOutFollower),
        KeyBinding(.char("z"), "freeze or thaw the selected tab", hint: "freeze", .toggleFreeze),
        KeyBinding(
            .char("p"), "cut the selected tab off from the others, or heal it", hint: "cut",
            .togglePartition),
        KeyBinding(
            .char("m"), "mark or unmark the selected tab for a partition (P splits)", hint: "mark", .toggleMark),
        KeyBinding(
            .char("P"), "partition: the marked tabs against the rest, or heal every partition", hint: "split",
            .splitMarked),
        KeyBinding(.char("L"), "lossy network (one message in five lost), or back", hint: "lossy", .toggleLossy),
        KeyBinding(.char("D"), "drop the next message sent (to every receiver)", hint: "drop", .dropNext),
        KeyBinding(.char("H"), "heal everything: partitions, cuts, loss; every tab thawed and reopened", .healAll),
        KeyBinding(.char("s"), "cycle the conflict strategy (all tabs)", hint: "strategy", .cycleStrategy),
        KeyBinding(
            .char(" "), "pause or resume; in a lesson, read on",
            hint: "pause", .togglePause),
        KeyBinding(.char("."), "step to the next event while paused (one event when rewound)", hint: "step", .stepOnce),
        KeyBinding(.char("["), "back one event while paused (rewind)", hint: "back", .stepBack),
        KeyBinding(
            [.char("{"), .char("}")], "{ / }",
            "back / forward 10 s of virtual time while paused; space goes on from there", hint: "10s",
            actions: [.jumpBack, .jumpForward]),
        KeyBinding([.char(">"), .char("<")], "> / <", "faster / slower", actions: [.faster, .slower]),
        KeyBinding(
            .char("/"), "filter the log: all, selected tab, state, election, faults", hint: "filter",
            .cycleLogFilter),
        KeyBinding(
            .char("d"), "sequence diagram in place of the log, and back (same filter)", hint: "diagram",
            .toggleDiagram),
        KeyBinding(.char("h"), "hide or show pings in the log and the diagram", hint: "pings", .togglePings),
        KeyBinding(
            .char("N"), "teaching network (300-900 ms: messages visibly in flight at x1), or back", hint: "slow",
            .toggleTeachingNetwork),
        KeyBinding(
            .char("v"), "show or hide each key's version and writer in the panes", hint: "versions",
            .toggleVersions),
        KeyBinding(
            [.up, .down, .pageUp, .pageDown], "Up Down PgUp PgDn", "scroll the log (autoscroll pauses)", brief: "log",
            actions: [.scrollUp(1), .scrollDown(1), .scrollUp(10), .scrollDown(10)]),
        KeyBinding(
            [.home, .end], "Home / End", "oldest line / follow new lines again", brief: "oldest / newest",
            actions: [.scrollToTop, .follow]),
        KeyBinding(
            [.char("("), .char(")")], "( / )", "scroll a lesson's narration up / down", brief: "scroll",
            actions: [.scrollNarration(-1), .scrollNarration(1)]),
        KeyBinding(
            .char("R"), "read a lesson's last narration again (time pauses; space goes on)", brief: "read again",
            .rereadNarration),
        KeyBinding(.char("w"), "write the session so far as a scenario file", .save),
        KeyBinding(
            .char("S"), "save the screen as tabsim-screen-*.txt and .svg", brief: "screenshot", .saveScreen),
        KeyBinding(.char("?"), "this help (Esc or ? closes it)", hint: "help", .toggleHelp),
        KeyBinding(.char("q"), "quit (prints the seed and how to replay)", hint: "quit", .quit),
    ]

    /// This binding as a row of the README's key table (a test keeps the README in step).
    public var readmeRow: String { "| `\(label)` | \(help) |" }

    /// Every hint: `1-9 select  t theme ... q quit` (longer than a screen; see `hintBar(width:paused:)`).
    public static let hintBar = all.compactMap { b in b.hint.map { b.label + " " + $0 } }.joined(separator: "  ")

    /// The hint bar's keys, most important first, by the first action of their binding: quit, help
    /// and pause, then what a demo shows first (select, the diagram, the teaching network, kill,
    /// edit, a new tab), then the time keys, then the faults and views. A binding with a hint and
    /// no rank comes last (a test keeps every hint ranked).
    static let importance: [UIAction] = [
        .quit, .toggleHelp, .togglePause, .select(0), .toggleDiagram, .toggleTeachingNetwork, .killTab,
        .cycleTheme, .concurrentEdit, .newTab, .stepOnce, .stepBack, .jumpBack, .forceLeader, .toggleFreeze,
        .togglePartition, .timeOutFollower, .dropNext, .toggleLossy, .cycleLogFilter, .togglePings,
        .cycleStrategy, .toggleMark, .splitMarked, .toggleVersions,
    ]

    /// This binding's rank in the hint bar: 0 is the most important (`q quit`); nil for a binding
    /// the hint bar leaves out.
    public var importance: Int? {
        guard hint != nil else { return nil }
        return actions.first.flatMap { Self.importance.firstIndex(of: $0) } ?? Self.importance.count
    }

    /// The bottom line for a screen `width` wide: the hints by importance (`importance`), as many as
    /// fit, `q quit` first whatever the width (cut to `q` when even that does not fit). While paused
    /// the time keys come right after quit, help and pause.
    public static func hintBar(width: Int, paused: Bool) -> String {
        var line = ""
        var columns = 0
        for (hint, hintColumns) in paused ? rankedHints.paused : rankedHints.running {
            let gap = line.isEmpty ? 0 : 2
            guard columns + gap + hintColumns <= width else { break }
            if gap > 0 { line += "  " }
            line += hint
            columns += gap + hintColumns
        }
        return line.isEmpty ? String("q quit".prefix(width >= 6 ? 6 : min(1, max(0, width)))) : line
    }

    /// The hints in hint-bar order, running and paused, with their widths: ranked once, not on
    /// every frame (ranking them was a third of a frame's instructions).
    private static let rankedHints: (running: [(String, Int)], paused: [(String, Int)]) = {
        let ranked = all.filter { $0.importance != nil }.sorted { $0.importance! < $1.importance! }
        let time = ranked.filter { b in b.actions.contains { timeActions.contains($0) } && b.importance! > 2 }
        let paused =
            ranked.filter { $0.importance! <= 2 } + time
            + ranked.filter { b in b.importance! > 2 && !time.contains { $0.label == b.label } }
        func hints(_ bindings: [KeyBinding]) -> [(String, Int)] {
            bindings.compactMap { b in b.hint.map { b.label + " " + $0 } }.map { ($0, $0.count) }
        }
        return (hints(ranked), hints(paused))
    }()

    /// The actions of the keys that move time, shown right after quit, help and pause while paused.
    static let timeActions: [UIAction] = [.togglePause, .stepOnce, .stepBack, .jumpBack, .faster, .slower]

    /// The hint line of a screen where only `actions` act: every binding with one of them, in
    /// table order, by its brief word (`t theme  f lead  q quit`).
    public static func hints(for actions: [UIAction]) -> String {
        all.filter { b in b.actions.contains { actions.contains($0) } }
            .compactMap { b in b.brief.map { b.label + " " + $0 } }.joined(separator: "  ")
    }

    /// The action a key stands for in the table, whatever the screen shows.
    public static func action(for key: Key) -> UIAction? { table[key] }

    private static let table: [Key: UIAction] = {
        var t: [Key: UIAction] = [:]
        for b in all { for (k, a) in zip(b.keys, b.actions) { t[k] = a } }
        return t
    }()

    /// What a key does in the screen the user sees. While the "too small" message shows, only
    /// `q` and `?` act; while help is open, scroll keys scroll it and Esc or `?` close it.
    public static func action(for key: Key, in state: UIState) -> UIAction? {
        if key == .escape { return state.showHelp ? .closeOverlay : nil }
        // While a lesson holds its narration, space reads on.
        if state.narrationHeld, !state.showHelp, key == readOnKey { return .answerPrompt }
        if let asked = state.promptKey, !state.showHelp {
            // The prompted key on the prompted tab, or space: the prompt does its action, once.
            if key == .char(" ") || (key.label == asked && (state.promptTab.map { $0 == state.selected } ?? true)) {
                return .answerPrompt
            }
            if key.label == asked { return nil }  // on another tab: the narration panel says which tab to select
        }
        guard let action = table[key] else { return nil }
        if state.showHelp {
            switch action {
            case .scrollUp, .scrollDown, .scrollToTop, .follow, .toggleHelp, .quit: return action
            default: return nil
            }
        }
        if state.tooSmall {
            return action == .quit || action == .toggleHelp ? action : nil
        }
        return action
    }
}
