import TabSync
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The signal that asked the UI to stop (0: none). Set from a signal handler, so an atomic.
private let stopSignal = Atomic<Int32>(0)

/// The interactive loop: keys in, frames out, wall time turned into virtual time at the chosen speed.
public enum TerminalUI {
    /// Runs until `q`, Ctrl-C or SIGTERM; the terminal is restored in every case.
    /// Returns the exit status: 0 for `q`, 128 + the signal number for a signal.
    public static func run(options: UIOptions, noColor: Bool) throws -> Int32 {
        let app = try AppState(options: options)   // before curses starts, so errors print plainly
        installSignalHandlers()
        let terminal = Terminal(useColor: !noColor)
        defer { terminal.restore() }
        let clock = ContinuousClock()
        var last = clock.now
        var size = terminal.size
        while !app.quitRequested && stopSignal.load(ordering: .relaxed) == 0 {
            let now = clock.now
            let elapsed = last.duration(to: now)
            last = now
            app.advance(wallMs: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            terminal.draw(Renderer.render(app, width: size.width, height: size.height))
            // Paused: block until a key (or a signal) comes, using no CPU. Running: about 30 frames a second.
            guard let key = terminal.readKey(timeoutMs: app.paused ? -1 : 33) else { continue }
            if key == Terminal.resizeKey {
                size = terminal.size
            } else if let action = KeyMap.action(for: key, special: Terminal.specialKeys) {
                app.apply(action)
            }
        }
        terminal.restore()
        let signal = stopSignal.load(ordering: .relaxed)
        print("tabsim: stopped at virtual time \(formatTime(app.simulation.nowMs).drop { $0 == " " })"
              + (signal != 0 ? " by signal \(signal)" : ""))
        return signal == 0 ? 0 : 128 + signal
    }

    /// SIGINT and SIGTERM end the loop instead of the process, without SA_RESTART so a blocking
    /// read of the keyboard returns and the terminal gets restored.
    private static func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in stopSignal.store(received, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }
}
