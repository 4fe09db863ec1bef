/// One turn of the screen over real tabs, run on the engine's own event loop every frame: refresh
/// the screen from the engine, take the keys typed since the last turn (without waiting: the loop
/// must go on serving the engine's timers and sockets; a resize ends the keys of a turn), hand what
/// they ask to `perform`, draw.
/// As in `TerminalUI`, `LiveScreen.update` is the only thing that changes the screen's state.
public enum LiveTerminalUI {
    /// Keys taken in one turn at most, so a flood of input cannot hold the engine's loop.
    public static let maxKeysPerTurn = 32

    /// - Parameters:
    ///   - refresh: the tabs now and the log lines since the last call.
    ///   - perform: runs a key's command on the engine.
    public static func turn(
        _ screen: inout LiveScreen, device: any TerminalDevice,
        refreshing refresh: () -> (tabs: [LiveTabInfo], lines: [LiveLogLine]),
        perform: (LiveScreen.Command) -> Void
    ) {
        // The latest state first, so a key acts on what the engine holds now.
        let now = refresh()
        screen.update(.refresh(tabs: now.tabs, lines: now.lines))
        var taken = 0
        while taken < maxKeysPerTurn, !screen.quitRequested, let key = device.readKey(timeoutMs: 0) {
            taken += 1
            if let command = screen.update(.key(key)) { perform(command) }
        }
        let size = device.size
        if size.width != screen.width || size.height != screen.height {
            screen.update(.resize(width: size.width, height: size.height))
        }
        device.draw(Renderer.render(LivePresenter.frame(screen)))
    }
}
