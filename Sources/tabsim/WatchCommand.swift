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
            processes: one pane per tab heard (its name, role, epoch and priority as announced, its known
            state, ? for a value it cannot know; at most 256 tabs, forgotten after 60 s of silence),
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
                if let server = try channel.postgresSettings() {
                    watcher.listen(server, channel.channel, on: loop) { buffer.lines.append("error: \($0)") }
                } else {
                    let transport = UnixDatagramTransport(eventLoop: loop, directory: channel.directory)
                    watcher.endpoint = try transport.openEndpoint(
                        channelName: channel.channel, ownerId: "watch-\(getpid())"
                    ) { watcher.heard($0) }
                }
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
            do {
                let current = Watcher()
                if let server = try channel.postgresSettings() {
                    current.listen(server, channel.channel, on: loop) { error in
                        printError("tabsim watch: \(error)")
                        Foundation.exit(1)
                    }
                    watcher = current
                    return installInterrupt(loop, current)
                }
                let transport = UnixDatagramTransport(eventLoop: loop, directory: channel.directory)
                let opened = try transport.openEndpoint(
                    channelName: channel.channel,
                    ownerId: "watch-\(getpid())"
                ) { current.heard($0) }
                current.endpoint = opened
                watcher = current
                HeadlessTab.writeLine("watching \(opened.path)")
            } catch {
                failure = error
                return loop.shutdownGracefully { _ in }
            }
            installInterrupt(loop, watcher!)
        }
        if let failure {
            printError("tabsim watch: \(failure)")
            throw ExitCode(1)
        }
    }

    /// SIGINT closes the watch's endpoint and stops the loop.
    private func installInterrupt(_ loop: any EventLoop, _ watcher: Watcher) {
        let bound = NIOLoopBound(watcher, eventLoop: loop)
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
}

/// The watch's process side: its endpoint, its signal source, and where its lines go; what it
/// knows of the tabs is a `ChannelWatch`, fed the wall-clock time of each frame.
final class Watcher {
    var endpoint: (any ChannelEndpoint)?
    var signalSource: (any DispatchSourceSignal)?
    /// Where the lines go: standard output, or the screen's log.
    var output: (String) -> Void = HeadlessTab.writeLine
    let watch = ChannelWatch()

    func heard(_ frame: ChannelFrame) {
        for line in watch.heard(frame, nowMs: Self.monotonicMs(), wallMs: WallClock().wallNow.ms) { output(line) }
    }

    /// Listens on `channelName` on a PostgreSQL server (never notifying); `onFailure` hears why not.
    /// Its connection's ups and downs are lines too.
    func listen(
        _ server: PostgresSettings, _ channelName: String, on loop: any EventLoop,
        onFailure: @escaping (any Error) -> Void
    ) {
        let transport = PostgresTransport(eventLoop: loop, settings: server)
        transport.observer = { [unowned self] event in output("postgres: \(event)") }
        transport.connect(channelName: channelName).assumeIsolated().whenComplete { [self] result in
            if case .failure(let error) = result { return onFailure(error) }
            endpoint = transport.open(
                channelName: channelName, ownerId: "watch-\(getpid())", scheduler: EventLoopScheduler(eventLoop: loop)
            ) { [unowned self] in heard($0) }
            output("watching \(server) channel \(channelName)")
        }
    }

    func infos(nowMs: Milliseconds) -> [LiveTabInfo] { watch.infos(nowMs: nowMs) }

    /// Monotonic milliseconds, the time base of the watch's silences (a wall clock can jump).
    static func monotonicMs() -> Milliseconds { Milliseconds(NIODeadline.now().uptimeNanoseconds / 1_000_000) }
}
