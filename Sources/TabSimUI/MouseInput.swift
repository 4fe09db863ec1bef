/// What a mouse report does in the screen the user sees, as an action for `UIUpdate`: the mouse's
/// counterpart of `KeyBinding.action(for:in:)`. Pure: it reads the state and the session (for the
/// layout and the timeline's scale, exactly as the frame was drawn from them) and changes nothing.
///
/// A left click on a pane selects its tab; on the timeline's track, jumps to the moment under it
/// (`UIUpdate` does it only while paused, and says so otherwise); the wheel scrolls the log, or
/// help while it is open. Anything else (other buttons, releases, a click on the log or the bars,
/// any click while help or the "too small" message shows) does nothing.
public enum MouseInput {
    /// Lines one wheel notch scrolls.
    public static let wheelLines = 3

    public static func action(for event: MouseEvent, in state: UIState, _ session: UISession) -> UIAction? {
        if state.tooSmall { return nil }
        switch event.kind {
        case .wheelUp: return .scrollUp(wheelLines)
        case .wheelDown: return .scrollDown(wheelLines)
        case .release, .press(button: 1...): return nil
        case .press: break
        }
        guard !state.showHelp else { return nil }
        let sim = session.simulation
        let layout = Layout(
            width: state.width, height: state.height, tabCount: sim.tabs.count, selected: state.selected)
        for (i, pane) in layout.panes.enumerated() where pane.contains(x: event.x, y: event.y) {
            return .select(layout.firstTab + i)
        }
        if event.y == layout.timeline.y, layout.timeline.width > 0 {
            let timeline = Timeline(state, session)
            let column = event.x - timeline.track.x
            guard (0..<timeline.track.count).contains(column) else { return nil }
            return .jump(toMs: timeline.time(ofColumn: column))
        }
        return nil
    }
}

extension Rect {
    /// True when the cell at (`x`, `y`) is inside.
    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < x + width && py >= y && py < y + height
    }
}
