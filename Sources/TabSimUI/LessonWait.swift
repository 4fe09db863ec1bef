import TabSimulator

/// What a lesson waits for, as the status bar and the narration panel say it, with the key from
/// the key table: `WAITING for z (freeze tab A)` while a prompt waits, `WAITING for space (read
/// on)` while its narration is held. Time stands still meanwhile.
public enum LessonWait {
    /// The waiting line, or nil when the lesson waits for nothing.
    public static func text(_ session: UISession) -> String? {
        if let prompt = session.waitingPrompt {
            let key = KeyBinding.key(for: prompt.action)?.label ?? "?"
            return "WAITING for \(key) (\(phrase(prompt)))"
        }
        if session.isHoldingNarration, let key = KeyBinding.keys(for: .togglePause).first {
            return "WAITING for \(key.label) (read on)"
        }
        return nil
    }

    /// The status bar's word for how time runs: the waiting line, `PAUSED` or `running`.
    static func runState(_ state: UIState, _ session: UISession) -> String {
        text(session) ?? (state.paused ? "PAUSED" : "running")
    }

    /// `freeze tab A`: what a prompt asks, in words.
    static func phrase(_ prompt: LessonPrompt) -> String {
        let tab = "tab " + (prompt.tab ?? "?")
        switch prompt.action {
        case .open: return "open \(tab)"
        case .close: return "close \(tab)"
        case .kill: return "kill \(tab)"
        case .reopen: return "reopen \(tab)"
        case .freeze: return "freeze \(tab)"
        case .thaw: return "thaw \(tab)"
        case .cut: return "cut \(tab) off"
        case .heal: return "heal \(tab)"
        case .forceLeader: return "make \(tab) lead"
        case .timeOut: return "time out \(tab)"
        case .concurrentEdit: return "concurrent edit from \(tab)"
        case .strategy: return "next strategy"
        }
    }
}
