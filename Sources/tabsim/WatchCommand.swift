import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import TabSync
import TabSyncLive

/// `tabsim watch`: a passive observer of a real channel. It binds a socket there and never sends.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch the real tabs of a channel: every frame as a debug line, and what each tab last announced.",
        discussion: """
            Binds to the channel and never sends. Prints one line per frame heard, in the spec's debug
            format, and a line per tab (role, epoch, last known state) whenever one of them changes.
            Ctrl-C ends it. Example: tabsim watch --channel app-sync
            """
    )

    @OptionGroup var channel: ChannelOptions

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        var failure: (any Error)?
        var watcher: Watcher?
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            let transport = UnixDatagramTransport(eventLoop: loop, directory: channel.directory)
            do {
                let current = Watcher()
                current.endpoint = try transport.openEndpoint(channelName: channel.channel,
                                                              ownerId: "watch-\(getpid())") { current.heard($0) }
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
    }

    var endpoint: UnixDatagramEndpoint?
    var signalSource: (any DispatchSourceSignal)?
    private var tabs: [String: Tab] = [:]

    /// `HH:MM:SS.mmm` (UTC) of a wall-clock time.
    static func timeOfDay(_ ms: Milliseconds) -> String {
        let day = ms % 86_400_000
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = day % 1000
        return two(day / 3_600_000) + ":" + two(day / 60_000 % 60) + ":" + two(day / 1000 % 60) + "."
            + (millis < 10 ? "00" : millis < 100 ? "0" : "") + "\(millis)"
    }

    func heard(_ frame: ChannelFrame) {
        let time = Self.timeOfDay(WallClock().nowMs)
        let message: SyncMessage
        do {
            switch frame {
            case .message(let m): message = m
            case .json(let json): message = try SyncMessage(json: json)
            }
        } catch {
            return HeadlessTab.writeLine("\(time) dropped malformed frame: \(error.reason)")
        }
        HeadlessTab.writeLine("\(time) " + SyncEvent.sent(message).debugLine(tabId: message.tabId))
        let before = tabs[message.tabId]
        var tab = before ?? Tab()
        let payload = message.payload
        switch message.type {
        case .tabClose:
            tabs[message.tabId] = nil
            return HeadlessTab.writeLine("             tab \(shortTabId(message.tabId)) closed")
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
        tabs[message.tabId] = tab
        if tab != before {
            HeadlessTab.writeLine("             tab \(shortTabId(message.tabId)): \(tab.role) epoch \(tab.epoch) "
                                  + "state \(tab.state.jsonText)")
        }
    }
}
