import TabSimulator
import TabSync

/// The narration panel's part of the update (`UIUpdate.update`): its keys, following the lesson's
/// narration, and `--auto`'s reading delay. Pure as the rest: state and session in, state out.
extension UIUpdate {
    /// `(` `)` scroll the panel; `R` shows the last narration again in full and pauses time until
    /// space (nothing to scroll or re-read says so).
    static func narrationKey(_ state: inout UIState, _ action: UIAction, _ session: UISession) {
        guard let panel = narrationPanel(state, session) else {
            state.message = "no narration yet"
            return
        }
        switch action {
        case .scrollNarration(let n):
            state.narrationScroll = max(0, min(panel.maxScroll, panel.scroll + n))
            state.message =
                panel.maxScroll == 0
                ? "the narration fits: nothing to scroll"
                : "narration lines \(state.narrationScroll + 1)-"
                    + "\(min(panel.body.count, state.narrationScroll + panel.bodyRows)) of \(panel.body.count)"
        case .rereadNarration:
            state.narrationOpen = true
            state.narrationScroll = 0
            if !session.isHoldingNarration && session.waitingPrompt == nil {
                state.paused = true
                state.pendingVirtualMs = 0
            }
            state.message = "the last narration again: \(KeyBinding.readOnKey.label) goes on"
        default:
            return
        }
    }

    /// After every action: whether the lesson holds its narration, and a new narration (or a
    /// rewind to another one) shown from its top, no longer as a re-read. The scroll is kept
    /// within what the panel holds (the screen may have changed).
    static func followNarration(_ state: inout UIState, _ session: UISession) {
        state.narrationHeld = session.isHoldingNarration
        if session.waitingPrompt == nil && !session.isHoldingNarration { state.heldMs = 0 }
        let said = session.saidCount
        if said != state.narrationSeen {
            state.narrationSeen = said
            state.narrationScroll = 0
            state.narrationOpen = false
        }
        state.narrationScroll = min(state.narrationScroll, narrationPanel(state, session)?.maxScroll ?? 0)
    }

    /// `--auto`: while the lesson waits and time runs, the wait lasts `NarrationPanel.readingMs` of
    /// the UI's clock, then the lesson goes on by itself, as space would have it.
    static func autoRead(_ state: inout UIState, _ session: UISession, wallMs: Double) {
        guard state.autoNarration, !state.paused, !state.showHelp, wallMs > 0, wallMs.isFinite,
            session.waitingPrompt != nil || session.isHoldingNarration
        else { return }
        state.heldMs += min(wallMs, 60_000)
        guard state.heldMs >= NarrationPanel.readingMs(session) else { return }
        state.heldMs = 0
        let problems = session.answerPrompt()
        state.message = problems.last ?? "the lesson goes on (--auto)"
    }

    /// The panel as the screen shows it now.
    static func narrationPanel(_ state: UIState, _ session: UISession) -> NarrationPanel? {
        let layout = Layout(
            width: state.width, height: state.height, tabCount: session.simulation.tabs.count,
            selected: state.selected)
        guard !layout.tooSmall else { return nil }
        return NarrationPanel(state, session, width: layout.log.width, rows: NarrationPanel.rows(layout))
    }
}
