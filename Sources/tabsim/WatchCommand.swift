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
                let watch = ChannelWatch()
                let buffer = LineBuffer()
                let watcher = ChannelWatcher(loop: loop) { frame, monotonicMs, wallMs in
                    buffer.lines += watch.hear(frame, nowMs: monotonicMs, wallMs: wallMs)
                }
                watcher.onNote = { buffer.note($0) }
                if let server = try channel.postgresSettings() {
                    watcher.listen(server, channelName: channel.channel) { buffer.note("error: \($0)", fault: true) }
                } else {
                    try watcher.open(channel.directory, channelName: channel.channel)
                }
                return LiveScreenRunner.Engine(
                    refresh: { (watch.infos(nowMs: ChannelWatcher.monotonicMs()), buffer.take()) }, perform: { _ in },
                    stop: { watcher.close() })
            }
            if status != 0 { throw ExitCode(status) }
            return
        }
        var failure: (any Error)?
        var watcher: ChannelWatcher?
        var signalSource: (any DispatchSourceSignal)?
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            let watch = ChannelWatch()
            let current = ChannelWatcher(loop: loop) { frame, monotonicMs, wallMs in
                for line in watch.heard(frame, nowMs: monotonicMs, wallMs: wallMs) { HeadlessTab.writeLine(line) }
            }
            current.onNote = HeadlessTab.writeLine
            do {
                if let server = try channel.postgresSettings() {
                    current.listen(server, channelName: channel.channel) { error in
                        printError("tabsim watch: \(error)")
                        Foundation.exit(1)
                    }
                } else {
                    try current.open(channel.directory, channelName: channel.channel)
                }
            } catch {
                failure = error
                return loop.shutdownGracefully { _ in }
            }
            watcher = current
            signalSource = installInterrupt(loop, current)
        }
        withExtendedLifetime(watcher) {}
        signalSource?.cancel()
        if let failure {
            printError("tabsim watch: \(failure)")
            throw ExitCode(1)
        }
    }

    /// SIGINT closes the watch's endpoint and stops the loop.
    private func installInterrupt(_ loop: any EventLoop, _ watcher: ChannelWatcher) -> any DispatchSourceSignal {
        let bound = NIOLoopBound(watcher, eventLoop: loop)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        signal(SIGINT, SIG_IGN)
        source.setEventHandler {
            loop.execute {
                bound.value.close()
                loop.shutdownGracefully { _ in }
            }
        }
        source.resume()
        return source
    }
}
