/// The interactive loop: keys, mouse and time in, frames out, and the edge where effects are carried out.
/// Each turn: turn the wall time since the last turn into a `tick`, draw the frame, wait for a key
/// (no longer than a frame while running, as long as it takes while paused, so a paused UI uses no
/// CPU), then turn a resize or a key into an action. Everything goes through `UIUpdate.update`, so
/// the loop itself decides nothing: it writes the files the update asks for (reporting back how it
/// went) and stops when asked to.
public enum TerminalUI {
    /// Milliseconds between frames while time runs (about 30 a second).
    public static let frameMs = 33

    /// Runs until `q` or until `shouldStop` says so (a signal); returns the final state.
    /// `writeFile` carries out `UIEffect.write` (the disk; a test passes its own).
    public static func run(
        _ initial: UIState, session: UISession, device: any TerminalDevice, clock: any UIClock,
        writeFile: (String, String) throws -> Void = UIEffect.writeToDisk, shouldStop: () -> Bool = { false }
    ) -> UIState {
        var state = initial
        var quit = false
        func send(_ action: UIAction) {
            let (next, effects) = UIUpdate.update(state, action, session)
            state = next
            for effect in effects {
                if effect == .quit { quit = true }
                if let outcome = effect.carryOut(writeFile: writeFile) { send(outcome) }
            }
        }
        var size = device.size
        send(.resize(width: size.width, height: size.height))
        var last = clock.nowMs
        while !quit && !shouldStop() {
            let now = clock.nowMs
            send(.tick(wallMs: now - last))
            last = now
            device.draw(Renderer.render(Presenter.frame(state, session)))
            let key = device.readKey(timeoutMs: state.paused ? nil : frameMs)
            let newSize = device.size
            if newSize != size {
                size = newSize
                send(.resize(width: size.width, height: size.height))
            }
            if let key, let action = action(for: key, state, session) { send(action) }
        }
        return state
    }

    /// What a key or a mouse report does in the screen the user sees.
    static func action(for key: Key, _ state: UIState, _ session: UISession) -> UIAction? {
        if case .mouse(let event) = key { return MouseInput.action(for: event, in: state, session) }
        return KeyBinding.action(for: key, in: state)
    }
}
