import TabSync

/// Everything that can happen to the UI: what keys ask for, and time and the terminal's size,
/// which are actions too, so one update function (`UIUpdate`) is the only thing that changes
/// anything and a test can replay any sequence of them.
public enum UIAction: Equatable, Sendable {
    case select(Int)
    case selectNext, selectPrevious
    case cycleTheme, cycleLocale, fontBigger, fontSmaller
    case concurrentEdit
    case newTab, closeTab, killTab, reopenTab
    case forceLeader, toggleFreeze, togglePartition
    /// Fires the selected follower's leader timeout now (`o`).
    case timeOutFollower
    case cycleStrategy
    case togglePause, stepOnce, faster, slower
    /// While paused: back one event (`[`), back 10 s (`{`), forward 10 s (`}`); `.` steps forward.
    case stepBack, jumpBack, jumpForward
    /// While paused: to a moment of the timeline (a click on it), back into the past or forward
    /// through the recorded history; at or past the present, the present (the rewind ends).
    case jump(toMs: Milliseconds)
    case cycleLogFilter
    /// The sequence diagram in place of the log, and back (`d`).
    case toggleDiagram
    /// Hides or shows pings in the log and the diagram (`h`).
    case togglePings
    /// The teaching network preset on or off (`N`).
    case toggleTeachingNetwork
    /// A lossy network on or off (`L`).
    case toggleLossy
    /// Marks or unmarks the selected tab for a partition (`m`).
    case toggleMark
    /// Splits the marked tabs from the rest, or heals every partition (`P`).
    case splitMarked
    /// The calm after faults, `Simulation.transitionToLiveness()` (`H`): every partition and cut
    /// healed, no loss, every tab thawed, reopened and in the foreground.
    case healAll
    /// Loses the next message sent (`D`).
    case dropNext
    /// The learner answered a lesson's prompt (its key, or space): the lesson goes on.
    case answerPrompt
    /// Scrolls the lesson's narration panel by this many lines (`(` up, `)` down).
    case scrollNarration(Int)
    /// Shows the lesson's last narration again in full, time paused until space (`R`).
    case rereadNarration
    /// Shows or hides each key's version and writer in the panes (`v`).
    case toggleVersions
    case scrollUp(Int)
    case scrollDown(Int)
    case scrollToTop, follow
    case toggleHelp, closeOverlay
    /// Writes the session so far as a scenario file (`w`): the update returns a `UIEffect.write`.
    case save
    /// The edge wrote the session (`UIEffect.write`): `actions` actions to `path`.
    case wrote(path: String, actions: Int)
    /// The edge could not write the session: why.
    case writeFailed(String)
    /// Edits one field of the selected tab's `settings` object (`e`: density, `E`: motion).
    case editSettingsField(SettingsFieldEdit.Field)
    /// The selected tab and the next running one each edit a different field of `settings`, at
    /// one instant (`X`): merge keeps both, last-write-wins one whole object.
    case concurrentFieldEdit
    /// Saves the screen as shown as text and as SVG (`S`): the update returns a `UIEffect.saveScreen`.
    case saveScreen
    /// The edge wrote the screenshot: the text file and the SVG file.
    case savedScreen(textPath: String, svgPath: String)
    /// Ends the session: the update returns `UIEffect.quit`.
    case quit
    /// Wall time passed; at the current speed it becomes virtual time (none while paused).
    case tick(wallMs: Double)
    /// The terminal's size changed (and at start).
    case resize(width: Int, height: Int)
}
