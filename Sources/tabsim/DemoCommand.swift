import ArgumentParser
import TabSimulator
import TabSync

/// A headless session of three tabs on a virtual clock, printed as the spec's debug log.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Print the debug log of a short three-tab session (virtual time, deterministic).",
        discussion: """
            Tab A opens, then B and C; B changes the theme; the leader A closes and B takes over.
            Example: tabsim demo --seed 7
            """
    )

    @Option(parsing: .unconditional, help: "Seed for the tab ids.") var seed: UInt64 = 1

    func run() throws {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: 2)
        var names: [String: String] = [:]
        func open(_ name: String, _ state: StateDocument, seed: UInt64) throws -> BroadcastSync {
            let config = DemoSetup.config(syncKeys: ["theme", "locale"])
            var tabId = ""
            let env = SyncEnvironment(virtual: scheduler, transport: hub, seed: seed) { (event: SyncEvent) in
                if case .localChange = event { return }  // not one of the spec's debug lines
                let name = names[tabId] ?? "?"
                printLine("\(formatTime(scheduler.nowMs)) \(name) \(event.debugLine(tabId: tabId))")
            }
            let sync = try BroadcastSync(store: Store(state), config: config, environment: env)
            tabId = sync.tabId
            names[tabId] = name
            sync.start()
            return sync
        }
        let a = try open("A", ["theme": "light", "locale": "en-US", "sessionToken": "a-secret"], seed: seed &* 3)
        scheduler.advance(byMs: 300)
        let b = try open("B", ["theme": "light", "locale": "en-US", "sessionToken": "b-secret"], seed: seed &* 5)
        scheduler.advance(byMs: 100)
        let c = try open("C", ["theme": "light", "locale": "en-US"], seed: seed &* 7)
        scheduler.advance(byMs: 1000)
        try b.store.setState(["theme": "dark", "sessionToken": "b-rotated"])
        scheduler.advance(byMs: 1000)
        a.stop()
        scheduler.advance(byMs: 1500)
        for (name, tab) in [("B", b), ("C", c)] {
            printLine(
                "\(name): leader=\(tab.isLeader()) epoch=\(tab.epoch) connected=\(tab.getConnectedTabs()) state=\(tab.store.state.jsonText)"
            )
        }
    }
}
