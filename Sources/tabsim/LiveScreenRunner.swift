import Foundation
import NIOCore
import NIOPosix
import TabSimUI
import TabSync
import TabSyncLive

/// Lines waiting for the screen's next turn, each with its colour (loop-confined, like everything
/// it serves).
final class LineBuffer {
    var lines: [LiveLogLine] = []

    /// A line about nothing the engine said: an error, a note of the transport.
    func note(_ text: String, fault: Bool = false) {
        lines.append(LiveLogLine(text: text, style: CellStyle(fault ? .logFault : .logPresence)))
    }

    func take() -> [LiveLogLine] {
        defer { lines.removeAll() }
        return lines
    }
}

/// Runs a `LiveScreen` in this terminal for `tabsim tab` and `tabsim watch`. One thread: it becomes
/// the event loop, and the screen takes its turn on it every frame (`LiveTerminalUI.turn`), so the
/// engine stays single-threaded and keys never wait on it.
enum LiveScreenRunner {
    /// What the screen needs from the engine, all called on the loop.
    struct Engine {
        var refresh: () -> (tabs: [LiveTabInfo], lines: [LiveLogLine])
        var perform: (LiveScreen.Command) -> Void
        /// Ends the engine's part (a tab says goodbye) before the loop stops.
        var stop: () -> Void
    }

    /// The screen and the terminal, used only on the loop.
    private final class Driver {
        var screen: LiveScreen
        let terminal: Terminal
        let engine: Engine

        init(screen: LiveScreen, terminal: Terminal, engine: Engine) {
            self.screen = screen
            self.terminal = terminal
            self.engine = engine
        }
    }

    /// Starts the engine with `start` (on the loop), then the screen; returns the exit status:
    /// 0 after q, 1 when the engine could not start (said on standard error), 2 without a terminal,
    /// 128 + N after signal N.
    static func run(_ screen: LiveScreen, start: @escaping (any EventLoop) throws -> Engine) -> Int32 {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            printError("tabsim: this screen needs a terminal (stdin and stdout must be a TTY)")
            return 2
        }
        var status: Int32 = 0
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            let engine: Engine
            do {
                engine = try start(loop)
            } catch {
                printError("tabsim: \(error)")
                status = 1
                return loop.shutdownGracefully { _ in }
            }
            let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
            Terminal.installStopSignals()
            let driver = NIOLoopBound(
                Driver(screen: screen, terminal: Terminal(useColor: !noColor), engine: engine), eventLoop: loop)
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(Int64(TerminalUI.frameMs))) { task in
                let d = driver.value
                LiveTerminalUI.turn(
                    &d.screen, device: d.terminal, refreshing: d.engine.refresh, perform: d.engine.perform)
                guard d.screen.quitRequested || Terminal.receivedStopSignal != 0 else { return }
                task.cancel()
                d.engine.stop()
                d.terminal.restore()
                loop.shutdownGracefully { _ in }
            }
        }
        let signal = Terminal.receivedStopSignal
        return signal != 0 ? 128 + signal : status
    }
}
