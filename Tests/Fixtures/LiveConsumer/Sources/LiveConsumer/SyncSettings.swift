// swift-format-ignore-file
import Foundation
import NIOCore
import NIOPosix
import TabSync
import TabSyncLive

/// Keeps this process's settings in sync with the other instances of the tool, until the loop stops.
func syncSettings(channelName: String) {
    var sync: BroadcastSync?                              // held for as long as the program syncs
    MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in   // this thread: the engine's loop
        let root = ChannelDirectory.defaultRoot(environment: ProcessInfo.processInfo.environment)
        let transport = UnixDatagramTransport(eventLoop: loop, directory: ChannelDirectory(root: root))
        var config = BroadcastSyncConfig(channelName: channelName)
        config.syncKeys = ["theme", "locale"]
        config.enableLeaderElection = true
        config.onRemoteUpdate = { keys, source in print("synced \(keys) from \(source)") }
        do {
            sync = try createBroadcastSync(Store(["theme": "light", "locale": "en-US"]), config,
                                           environment: .live(eventLoop: loop, transport: transport))
        } catch {
            print("cannot sync: \(error)")                // names the configuration field
            return loop.shutdownGracefully { _ in }
        }
        sync!.start()
        guard sync!.isActive() else {                     // e.g. the channel directory was refused
            print("cannot sync: \(transport.lastError!)")
            return loop.shutdownGracefully { _ in }
        }
        sync!.whileLeader(everyMs: 60_000) { print("only one instance runs this") }
        try? sync!.store.setState(["theme": "dark"])           // reaches every other instance
    }
}
