import TabSimulator
import TabSync

/// The one-line timeline above the status bar: virtual time from 0 to the present (or to the
/// lesson's last step, when later), the moment shown, the present when rewound, and the lesson's
/// steps:
///
///     time ━━━━━━━━●────────┃┄┄┄◇┄┄◦┄┄ 40s
///
/// `●` the moment shown, `━` time before it; `─` recorded time after it, up to `┃` the present
/// (drawn only when rewound: otherwise the moment shown is the present); `┄` time not played yet
/// (a lesson's later steps); `◦` a step of the scenario or lesson, `◇` one of its prompts. The
/// scale is the track's own: column `c` stands for `time(ofColumn: c)`, which a click on the
/// timeline (`MouseInput`) turns into a jump. Pure: the same values give the same line.
public struct Timeline: Equatable, Sendable {
    /// The moment shown (the simulation's now, rewound or not).
    public var nowMs: Milliseconds
    /// The latest moment the session reached: where it goes on from when not rewound.
    public var presentMs: Milliseconds
    /// When the scenario's steps come (every step), and which of them are prompts.
    public var stepsMs: [Milliseconds]
    public var promptsMs: [Milliseconds]
    /// Columns of the whole line.
    public var width: Int

    public static let label = " time "

    public init(
        nowMs: Milliseconds, presentMs: Milliseconds, stepsMs: [Milliseconds] = [], promptsMs: [Milliseconds] = [],
        width: Int
    ) {
        self.nowMs = max(0, nowMs)
        self.presentMs = max(self.nowMs, presentMs)
        self.stepsMs = stepsMs
        self.promptsMs = promptsMs
        self.width = max(0, width)
    }

    /// The timeline of a UI session: its scenario's steps (a lesson's, a scenario file's; not the
    /// demo setup's, which only open its tabs), the present the UI state keeps
    /// (`UIState.presentMs`), the simulation's now.
    public init(_ state: UIState, _ session: UISession) {
        var steps: [Milliseconds] = []
        var prompts: [Milliseconds] = []
        for step in session.scenario.steps where session.scenario.file != "(demo)" {  // `DemoSetup.scenario`
            steps.append(step.atMs)
            if case .action(.prompt) = step.kind { prompts.append(step.atMs) }
        }
        self.init(
            nowMs: session.simulation.nowMs, presentMs: state.presentMs, stepsMs: steps, promptsMs: prompts,
            width: state.width)
    }

    /// The end of the scale: the present or the last step, whichever is later (at least 1 ms).
    public var endMs: Milliseconds { max(1, presentMs, stepsMs.max() ?? 0) }

    /// The end's label, right of the track: `40s`, `2m05s`.
    public var endLabel: String { " " + Self.seconds(endMs) + " " }

    /// The track's first column and its number of columns (0 when the line is too narrow for one).
    public var track: (x: Int, count: Int) {
        let count = width - Self.label.count - endLabel.count
        return count >= 2 ? (Self.label.count, count) : (Self.label.count, 0)
    }

    /// The column of the track (0-based, within it) that stands for `ms`.
    public func column(of ms: Milliseconds) -> Int {
        let n = track.count
        guard n > 1 else { return 0 }
        let t = min(max(0, ms), endMs)
        return Int((Double(t) * Double(n - 1) / Double(endMs)).rounded())
    }

    /// The moment a column of the track stands for (0-based, within it), clamped to the track.
    public func time(ofColumn c: Int) -> Milliseconds {
        let n = track.count
        guard n > 1 else { return 0 }
        let c = min(max(0, c), n - 1)
        return Milliseconds((Double(c) * Double(endMs) / Double(n - 1)).rounded())
    }

    /// True when the moment shown is before the present (rewound).
    public var isRewound: Bool { nowMs < presentMs }

    /// The whole line, `width` columns at most.
    public var line: String {
        let (_, n) = track
        guard n > 0 else { return String(Self.label.prefix(width)) }
        let now = column(of: nowMs)
        let present = column(of: presentMs)
        var cells: [Character] = (0..<n).map { c in c <= now ? "━" : c <= present ? "─" : "┄" }
        for ms in stepsMs { cells[column(of: ms)] = "◦" }
        for ms in promptsMs { cells[column(of: ms)] = "◇" }
        if isRewound { cells[present] = "┃" }
        cells[now] = "●"
        return Self.label + String(cells) + endLabel
    }

    /// A time in few columns: `0s`, `3.4s`, `40s`, `2m05s`, `95m` (rounded down).
    public static func seconds(_ ms: Milliseconds) -> String {
        let ms = max(0, ms)
        if ms < 10_000 { return "\(ms / 1000)" + (ms % 1000 >= 100 ? ".\(ms % 1000 / 100)" : "") + "s" }
        let s = ms / 1000
        if s < 60 { return "\(s)s" }
        if s < 600 { return "\(s / 60)m" + (s % 60 < 10 ? "0" : "") + "\(s % 60)s" }
        return "\(s / 60)m"
    }
}
