/// What the screen's symbols mean, as help's first page lists them after quit, pause and help:
/// the panes' (`Renderer`'s `TabPane`), the timeline's (`Timeline`) and the sequence diagram's
/// (`SequenceDiagram`). Each row is a symbol as drawn and its meaning; a test checks that every
/// symbol those draw is here.
public enum Legend {
    public struct Row: Equatable, Sendable {
        public let symbols: String
        public let meaning: String
    }

    /// One line each at 80 columns (two for the timer bars and the timeline), so that quit, pause,
    /// help and the whole legend fit help's first page at 80x24 (a test holds it to that).
    public static let rows: [Row] = [
        Row(symbols: "↓1 ↑0", meaning: "messages on their way to the tab / its own on their way"),
        Row(
            symbols: "beat ███░░",
            meaning: "time left on a timer: beat (next heartbeat), timeout (for the leader), round (election), ping"),
        Row(symbols: "→ ← »", meaning: "log: sent to, received from; lesson narration, ▶ prompt"),
        Row(symbols: "*", meaning: "a value that differs between running tabs"),
        Row(
            symbols: "● ━ ─ ┃ ┄",
            meaning: "timeline: ● the moment shown (━ before it), ┃ the present when rewound, ─ recorded, ┄ to come"),
        Row(symbols: "◦ ◇", meaning: "timeline: a lesson's step, a step that prompts you"),
        Row(symbols: "●──HB e2──▶", meaning: "diagram (d): sent ●, delivered ▶ ◀, type and epoch"),
        Row(symbols: "╌╌▷ ◁", meaning: "diagram: still in flight"),
        Row(symbols: "× ⊘", meaning: "diagram: lost (or receiver gone); blocked by a partition"),
        Row(symbols: "★ ◆ ○", meaning: "diagram: became leader, candidate, follower (epoch)"),
        Row(symbols: "┬ ┴ ✖", meaning: "diagram: opened, closed (goodbye), killed"),
        Row(symbols: "◌ ◎ ✎ !", meaning: "diagram: frozen, thawed, a user's edit, message ignored"),
        Row(symbols: "│ ┆ ══", meaning: "diagram: running, frozen; a network change (all columns)"),
    ]

    /// What the mouse does (`MouseInput`), as help and the README say it.
    public static let mouse: [Row] = [
        Row(symbols: "click a pane", meaning: "select its tab"),
        Row(symbols: "click the timeline", meaning: "while paused: go to that moment (no further than the present)"),
        Row(symbols: "wheel", meaning: "scroll the log (or this help) three lines"),
    ]
}
