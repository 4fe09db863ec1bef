import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import TabSimUI
import TabSync
import TabSyncLive

/// `tabsim watch`: a passive observer of a real channel. It binds a socket there and never sends.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch the real tabs of a channel: each tab's pane, and every frame as a debug line.",
        discussion: """
            Binds to the channel and never sends. In a terminal it is the simulator's screen over real
            processes: one pane per tab heard (the role and epoch it announces, its last known state),
            and the live traffic in the spec's debug format (q quits). Otherwise, or with --lines, it
            prints one line per frame heard and a line per tab whenever one of them changes.
            Example: tabsim watch --channel app-sync
            """
    )

    @OptionGroup var channel: ChannelOptions
    @Flag(help: "Print lines even in a terminal, instead of the screen.") var lines = false

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let screen = !lines && isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        if screen {
            let status = LiveScreenRunner.run(LiveScreen(mode: .watch, title: "watch \(channel.channel)")) { loop in
                let watcher = Watcher()
                let buffer = LineBuffer()
                watcher.output = { buffer.lines.append($0) }
                let transport = UnixDatagramTransport(eventLoop: loop, directory: channel.directory)
                watcher.endpoint = try transport.openEndpoint(
                    channelName: channel.channel, ownerId: "watch-\(getpid())"
                ) { watcher.heard($0) }
                return LiveScreenRunner.Engine(
                    refresh: { (watcher.infos(nowMs: Watcher.monotonicMs()), buffer.take()) }, perform: { _ in },
                    stop: { watcher.endpoint?.close() })
            }
            if status != 0 { throw ExitCode(status) }
            return
        }
        var failure: (any Error)?
        var watcher: Watcher?
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            let transport = UnixDatagramTransport(eventLoop: loop, directory: channel.directory)
            do {
                let current = Watcher()
                current.endpoint = try transport.openEndpoint(
                    channelName: channel.channel,
                    ownerId: "watch-\(getpid())"
                ) { current.heard($0) }
                watcher = current
                HeadlessTab.writeLine("watching \(current.endpoint!.path)")
            } catch {
                failure = error
                return loop.shutdownGracefully { _ in }
            }
            let bound = NIOLoopBound(watcher!, eventLoop: loop)
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            signal(SIGINT, SIG_IGN)
            source.setEventHandler {
                loop.execute {
                    bound.value.endpoint?.close()
                    loop.shutdownGracefully { _ in }
                }
            }
            source.resume()
            bound.value.signalSource = source
        }
        if let failure {
            printError("tabsim watch: \(failure)")
            throw ExitCode(1)
        }
    }
}

/// What the watcher knows of each tab, from the frames it heard.
final class Watcher {
    /// Only leaders announce themselves: every other tab is "not leading" as far as frames tell.
    struct Tab: Equatable {
        var role = "not leading"
        var epoch = 0
        var state: StateDocument = [:]
        var closed = false
    }

    var endpoint: UnixDatagramEndpoint?
    var signalSource: (any DispatchSourceSignal)?
    /// Where the lines go: standard output, or the screen's log.
    var output: (String) -> Void = HeadlessTab.writeLine
    private var tabs: [String: Tab] = [:]
    /// Tab ids in the order first heard: panes are named A, B, C... in that order.
    private var order: [String] = []
    private var lastHeardMs: [String: Milliseconds] = [:]
    /// A tab silent for longer is shown crashed: the engine's own tab timeout (three 2 s pings).
    static let silenceMs: Milliseconds = 6000

    /// Monotonic milliseconds, the time base of the watch's silences (a wall clock can jump).
    static func monotonicMs() -> Milliseconds { Milliseconds(NIODeadline.now().uptimeNanoseconds / 1_000_000) }

    /// `HH:MM:SS.mmm` (UTC) of a wall-clock time.
    static func timeOfDay(_ ms: Milliseconds) -> String {
        let day = ms % 86_400_000
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = day % 1000
        return two(day / 3_600_000) + ":" + two(day / 60_000 % 60) + ":" + two(day / 1000 % 60) + "."
            + (millis < 10 ? "00" : millis < 100 ? "0" : "") + "\(millis)"
    }

    func heard(_ frame: ChannelFrame) {
        let time = Self.timeOfDay(WallClock().wallNow.ms)
        let message: SyncMessage
        do {
            switch frame {
            case .message(let m): message = m
            case .json(let json): message = try SyncMessage(json: json)
            }
        } catch {
            return output("\(time) dropped malformed frame: \(error.reason)")
        }
        output("\(time) " + SyncEvent.sent(message).debugLine(tabId: message.tabId))
        if !order.contains(message.tabId) { order.append(message.tabId) }
        lastHeardMs[message.tabId] = Self.monotonicMs()
        let before = tabs[message.tabId]
        var tab = before ?? Tab()
        let payload = message.payload
        switch message.type {
        case .tabClose:
            tab.closed = true
            tab.role = "not leading"
            tabs[message.tabId] = tab
            return output("             tab \(shortTabId(message.tabId)) closed")
        case .leaderAnnounce, .heartbeat:
            tab.role = "leader"
            tab.epoch = payload?.epoch ?? tab.epoch
        case .stateUpdate, .stateResponse:
            for (key, value) in payload?.state ?? [:] { tab.state[key] = value }
        default:
            if let epoch = payload?.epoch, epoch > tab.epoch { tab.epoch = epoch }
        }
        if message.type == .leaderAnnounce || message.type == .heartbeat {
            for (id, other) in tabs where id != message.tabId && other.role == "leader" && other.epoch < tab.epoch {
                tabs[id]?.role = "not leading"
            }
        }
        tab.closed = false
        tabs[message.tabId] = tab
        if tab != before {
            output(
                "             tab \(shortTabId(message.tabId)): \(tab.role) epoch \(tab.epoch) "
                    + "state \(tab.state.jsonText)")
        }
    }

    /// Every tab heard, as panes show it: the leader of the highest epoch announced leads, the
    /// other running tabs follow it (as far as frames tell).
    func infos(nowMs: Milliseconds) -> [LiveTabInfo] {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        func name(_ i: Int) -> String { i < letters.count ? String(letters[i]) : "\(i + 1)" }
        let leaderIndex = order.indices.filter { tabs[order[$0]]?.role == "leader" }
            .max { (tabs[order[$0]]?.epoch ?? 0) < (tabs[order[$1]]?.epoch ?? 0) }
        // Liveness once per tab: closed on its TAB_CLOSE, crashed after the silence, else alive.
        let livenesses: [PaneLiveness] = order.map { id in
            tabs[id]?.closed == true ? .closed : nowMs - (lastHeardMs[id] ?? nowMs) > Self.silenceMs ? .crashed : .alive
        }
        let running = livenesses.count { $0 == .alive }
        return order.enumerated().map { i, id in
            let tab = tabs[id] ?? Tab()
            let liveness = livenesses[i]
            let role: ElectionRole =
                liveness != .alive ? .none : i == leaderIndex ? .leader : leaderIndex != nil ? .follower : .none
            return LiveTabInfo(
                name: name(i), tabId: id, role: role, epoch: tab.epoch, leaderName: leaderIndex.map(name),
                liveness: liveness, connected: running - (liveness == .alive ? 1 : 0), state: tab.state)
        }
    }
}
