import ArgumentParser
import Dispatch
import Foundation
import NIOCore
import NIOPosix
import TabSimUI
import TabSync
import TabSyncLive

/// `tabsim tab`: one real tab, a process on a channel shared with other processes of this user.
struct TabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tab",
        abstract: "Run one real tab: this process syncs state with the other tabs on the channel.",
        discussion: """
            Start several in different terminals; kill -9 one to crash it, close or SIGTERM to say goodbye.
            In a terminal it shows its pane, its log and its status; keys: t theme, l locale, f lead,
            c close, Up/Down/PgUp/PgDn/End scroll the log, q quit. tabsim watch shows them all.
            With --headless, reads one command per line on standard input:
              set KEY=VALUE...   change the state (VALUE is JSON when it parses, else a string)
              lead               force this tab to lead
              close              say goodbye and close the channel (the process stays)
              state              print the state, role and counters
              quit               say goodbye and exit
            and prints one JSON object per line for each event (started, role, applied, dropped, state...).
            The end of input is quit: the commands before it run, then the tab says goodbye and exits 0
            (standard input may be a pipe, a terminal, a file or /dev/null; with /dev/null it quits at once).
            A line longer than 64 KiB is refused whole with an error event; nothing of it runs.
            Example: tabsim tab --headless --name A theme=light locale=en-US
            """
    )

    @OptionGroup var channel: ChannelOptions
    @Option(help: "Name shown for this tab.") var name = "tab"
    @Option(help: "Conflict strategy: last-write-wins, first-write-wins, merge or custom.")
    var strategy: ConflictStrategy = .lastWriteWins
    @Option(parsing: .unconditional, help: "Leader heartbeat interval in milliseconds (leader timeout: three of them).")
    var heartbeat = 1000
    @Option(
        parsing: .unconditional,
        help: "At most one state update per interval, in milliseconds (0: each change at once).")
    var throttle = 100
    @Flag(help: "Read commands on standard input and print JSON lines, instead of the terminal pane.")
    var headless = false
    @Flag(help: "Print every message sent and received as well (headless).") var verbose = false
    @Argument(help: "Initial state as KEY=VALUE pairs.") var state: [String] = []

    func validate() throws {
        guard heartbeat > 0 else { throw ValidationError("--heartbeat must be more than 0 (got \(heartbeat))") }
        guard throttle >= 0 else { throw ValidationError("--throttle must be 0 or more (got \(throttle))") }
        _ = try initialState()
    }

    /// The state pairs given, as a document; a pair that is not `KEY=VALUE` is named.
    private func initialState() throws -> StateDocument {
        var initial: StateDocument = [:]
        for pair in state {
            do {
                let (key, value) = try Assignment.parse(pair)
                initial[key] = value
            } catch {
                throw ValidationError(error.description)
            }
        }
        return initial
    }

    func run() throws {
        let initial = try initialState()
        let settings = LiveTab.Settings(
            name: name, channelName: channel.channel, directory: channel.directory,
            postgres: try channel.postgresSettings(), strategy: strategy,
            heartbeatMs: heartbeat, throttleMs: throttle, initialState: initial, verbose: verbose)
        let status = headless ? HeadlessTab.run(settings) : Self.runPane(settings)
        if status != 0 { throw ExitCode(status) }
    }
}

extension TabCommand {
    /// The interactive tab: its pane (the simulator's pane view), its log in the spec's debug format,
    /// and keys that edit and steer it.
    static func runPane(_ settings: LiveTab.Settings) -> Int32 {
        let title = "tab \(settings.name) on \(settings.channelName)"
        return LiveScreenRunner.run(LiveScreen(mode: .tab, title: title)) { loop in
            let buffer = LineBuffer()
            // The events the debug lines do not show: the socket, a stale socket removed, errors.
            let shown: Set<LiveTab.Event.Kind> = [
                .socket, .staleSocketRemoved, .lost, .unresponsive, .responsive, .error,
            ]
            let tab = try LiveTab(settings, loop: loop) { event in
                if shown.contains(event.kind) {
                    buffer.note(event.jsonLine, fault: [.lost, .unresponsive, .error].contains(event.kind))
                }
            }
            tab.onSyncEvent = { [unowned tab] event in
                buffer.lines.append(
                    LiveLogLine(
                        event, tabId: tab.sync.tabId, time: ChannelWatch.timeOfDay(WallClock().wallNow.ms)))
            }
            try tab.start { error in buffer.note("error: \(error)", fault: true) }
            return LiveScreenRunner.Engine(
                refresh: { ([tab.info], buffer.take()) },
                perform: { command in
                    switch command {
                    // The keys cycle through short strings: they always fit a frame.
                    case .set(let key, let value): tab.perform(.set([key: value]))
                    case .lead: tab.perform(.lead)
                    case .close: tab.perform(.close)
                    case .quit: tab.perform(.quit)
                    }
                },
                stop: { tab.quit() })
        }
    }
}

extension LiveTab {
    /// This tab as its pane shows it.
    var info: LiveTabInfo {
        var info = LiveTabInfo(
            name: name, tabId: sync.tabId, role: sync.role, epoch: sync.epoch, leaderName: leaderName,
            liveness: sync.isActive() ? .alive : .closed, connected: sync.getConnectedTabs(), state: sync.store.state)
        info.priority = sync.priority.ms
        return info
    }

    /// Runs one line of `tabsim tab --headless`'s input: parsed into a command, or refused whole
    /// (a line over the limit, a command that does not parse) with an `error` event.
    func perform(_ line: LineSplitter.Line) {
        switch line {
        case .command(let text):
            do {
                if let command = try Command(parsing: text) { perform(command) }
            } catch {
                refuse(error.description)
            }
        case .tooLong(let number, let bytes):
            refuse(
                "line \(number) refused: \(bytes) bytes, longer than the limit of \(LineSplitter.maxLineBytes); "
                    + "nothing of it ran")
        }
    }
}

/// The headless tab's process: the main thread becomes the event loop, standard input is read on
/// it (see `StandardInput`), SIGTERM and SIGINT are turned into `quit` on it. The end of input
/// is `quit`: the commands before it run, then the tab says goodbye and the process exits 0.
enum HeadlessTab {
    static func run(_ settings: LiveTab.Settings) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        var status: Int32 = 0
        var signalSources: [any DispatchSourceSignal] = []
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            // Once: a failed connection and the end of input may both want to stop it.
            var stopping = false
            let stopLoop = {
                if !stopping { loop.shutdownGracefully { _ in } }
                stopping = true
            }
            let tab: LiveTab
            do {
                tab = try LiveTab(settings, loop: loop) { writeJSONLine($0.jsonLine) }
                try tab.start { error in  // over PostgreSQL: could not connect
                    printError("tabsim tab: \(error)")
                    status = 1
                    stopLoop()
                }
            } catch {
                printError("tabsim tab: \(error)")
                status = 1
                loop.shutdownGracefully { _ in }
                return
            }
            let bound = NIOLoopBound(tab, eventLoop: loop)
            tab.onQuit = stopLoop
            signalSources = [SIGTERM, SIGINT].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { loop.execute { bound.value.quit() } }
                source.resume()
                return source
            }
            StandardInput.readLines(
                on: loop, { bound.value.perform($0) }, isDone: { bound.value.isQuitting }, atEnd: { bound.value.quit() }
            )
        }
        for source in signalSources { source.cancel() }
        return status
    }

    /// A line for people, escaped (Output.swift).
    static func writeLine(_ line: String) {
        tabsim.writeLine(line)
    }
}
