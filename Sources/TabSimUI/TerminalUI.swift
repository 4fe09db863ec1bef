/// The interactive loop: keys and time in, frames out. Each turn: turn the wall time since the last
/// turn into a `tick`, draw the frame, wait for a key (no longer than a frame while running, as
/// long as it takes while paused, so a paused UI uses no CPU), then turn a resize or a key into an
/// action. Everything goes through `UIUpdate.update`, so the loop itself decides nothing.
public enum TerminalUI {
    /// Milliseconds between frames while time runs (about 30 a second).
    public static let frameMs = 33

    /// Runs until `q` or until `shouldStop` says so (a signal); returns the final state.
    public static func run(
        _ initial: UIState, session: UISession, device: any TerminalDevice, clock: any UIClock,
        shouldStop: () -> Bool = { false }
    ) -> UIState {
        var state = initial
        var size = device.size
        UIUpdate.update(&state, .resize(width: size.width, height: size.height), session)
        var last = clock.nowMs
        while !state.quitRequested && !shouldStop() {
            let now = clock.nowMs
            UIUpdate.update(&state, .tick(wallMs: now - last), session)
            last = now
            device.draw(Renderer.render(Presenter.frame(state, session)))
            let key = device.readKey(timeoutMs: state.paused ? nil : frameMs)
            let newSize = device.size
            if newSize != size {
                size = newSize
                UIUpdate.update(&state, .resize(width: size.width, height: size.height), session)
            }
            if let key, let action = KeyBinding.action(for: key, in: state) {
                UIUpdate.update(&state, action, session)
            }
        }
        return state
    }
}
