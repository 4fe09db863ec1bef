import CNCurses

#if canImport(Glibc)
    import Glibc
#endif

/// Puts the terminal back when the process dies of a fatal signal (a trap, a crash): the normal
/// screen, the cursor shown, the saved modes (echo, line editing) restored, then the signal
/// re-raised so the process still ends as it would have. The handler uses only what a signal
/// handler may (`write`, `tcsetattr`, `raise`), with the bytes prepared in advance. It replaces
/// any earlier handler of these signals (the Swift runtime's crash report among them) while the UI runs.
enum TerminalGuard {
    nonisolated(unsafe) private static var savedModes = termios()
    nonisolated(unsafe) private static var haveSavedModes = false
    /// clear, rmcup, cnorm and sgr0 of the terminal, mouse reporting off, and a newline: what ends
    /// the UI's screen (blanked first, as `Terminal.restore` does, so nothing of it is carried over
    /// to the normal screen).
    nonisolated(unsafe) private static var restoreBytes: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) private static var restoreCount = 0

    static let fatalSignals = [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE]

    /// Keeps the terminal's modes as they are before curses changes them.
    static func saveTerminalModes() {
        haveSavedModes = tcgetattr(STDIN_FILENO, &savedModes) == 0
    }

    /// Prepares the restoring bytes (after `initscr`, which loads the terminal's description) and
    /// installs the handler for every fatal signal.
    static func install() {
        var bytes: [UInt8] = []
        for cap in ["clear", "rmcup", "cnorm", "sgr0"] {
            if let s = tigetstr(cap), Int(bitPattern: s) != -1, Int(bitPattern: s) != 0 {
                bytes += Array(String(cString: s).utf8)
            }
        }
        if bytes.isEmpty { bytes = Array("\u{1B}[H\u{1B}[2J\u{1B}[?1049l\u{1B}[?25h\u{1B}[0m".utf8) }
        // Mouse reporting off (`Terminal.enableMouse` asked for it; `endwin` is not called here).
        bytes += Array("\u{1B}[?1006l\u{1B}[?1000l".utf8)
        bytes += Array("\r\n".utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        buffer.initialize(from: bytes, count: bytes.count)
        restoreBytes = buffer
        restoreCount = bytes.count
        for sig in fatalSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in TerminalGuard.restoreAndDie(received) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND) | UInt32(SA_NODEFER))
            sigaction(sig, &action, nil)
        }
    }

    private static func restoreAndDie(_ sig: Int32) {
        if let restoreBytes { _ = write(STDOUT_FILENO, restoreBytes, restoreCount) }
        if haveSavedModes { tcsetattr(STDIN_FILENO, TCSANOW, &savedModes) }
        raise(sig)
    }
}
