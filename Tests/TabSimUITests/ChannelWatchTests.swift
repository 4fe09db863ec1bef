import TabSync
import Testing

@testable import TabSimUI

/// `tabsim watch`'s knowledge of a channel, fed frames and times by hand.
@Suite struct ChannelWatchTests {
    static func ping(
        _ id: String, name: String? = nil, priority: Milliseconds = 100, digest: String? = nil
    ) -> ChannelFrame {
        .message(
            SyncMessage(
                type: .tabPing, tabId: id, timestamp: 1,
                payload: SyncMessage.Payload(
                    priority: WallClockInstant(ms: priority), epoch: 1, digest: digest, name: name)))
    }

    static func update(_ id: String, _ state: StateDocument) -> ChannelFrame {
        .message(
            SyncMessage(
                type: .stateUpdate, tabId: id, timestamp: 1,
                payload: SyncMessage.Payload(state: state, keys: state.keys.sorted(), counter: 1)))
    }

    static func heartbeat(_ id: String, priority: Milliseconds) -> ChannelFrame {
        .message(
            SyncMessage(
                type: .heartbeat, tabId: id, timestamp: 1,
                payload: SyncMessage.Payload(leaderId: id, priority: WallClockInstant(ms: priority), epoch: 1)))
    }

    /// The watch's status line over its tabs.
    static func status(_ watch: ChannelWatch, nowMs: Milliseconds) -> String {
        var screen = LiveScreen(mode: .watch, title: "watch app-sync")
        screen.update(.resize(width: 120, height: 30))
        screen.update(.refresh(tabs: watch.infos(nowMs: nowMs), newLines: []))
        guard case .main(let main) = LivePresenter.frame(screen).content else { return "" }
        return main.status
    }

    /// 30,000 made-up ids made every frame 5x dearer and memory grow for ever: the table keeps the
    /// most recently heard `capacity` tabs, and forgets a tab silent for `forgetMs`.
    @Test func aFloodOfDistinctIdsKeepsTheTableAtItsBound() {
        let watch = ChannelWatch()
        _ = watch.heard(Self.ping("tab-real", name: "Real"), nowMs: 0)
        for i in 0..<30_000 {
            _ = watch.heard(Self.ping("tab-fake-\(i)"), nowMs: i / 10)
            if i % 1000 == 0 { #expect(watch.count <= ChannelWatch.defaultCapacity) }
            if i % 100 == 0 { _ = watch.heard(Self.ping("tab-real", name: "Real"), nowMs: i / 10) }
        }
        #expect(watch.count == ChannelWatch.defaultCapacity)
        let names = Set(watch.infos(nowMs: 3000).map(\.tabId))
        #expect(names.contains("tab-real"))  // heard recently, so kept
        #expect(names.contains("tab-fake-29999") && !names.contains("tab-fake-0"))
        // Silent for longer than forgetMs: forgotten at the next frame.
        _ = watch.heard(Self.ping("tab-late"), nowMs: 3000 + ChannelWatch.forgetMs + 1)
        #expect(watch.count == 1)
    }

    @Test func panesShowEachTabsAnnouncedNameAndPriorityAndNameTheLeaderByIt() {
        let watch = ChannelWatch()
        _ = watch.heard(Self.ping("tab-1", name: "Alpha", priority: 1_700_000_000_000), nowMs: 0)
        _ = watch.heard(Self.heartbeat("tab-1", priority: 1_700_000_000_000), nowMs: 1)
        _ = watch.heard(Self.ping("tab-2", name: "Beta", priority: 1_700_000_000_500), nowMs: 2)
        _ = watch.heard(Self.update("tab-3", ["theme": "dark"]), nowMs: 3)  // no ping heard yet
        let infos = watch.infos(nowMs: 10)
        #expect(infos.map(\.name) == ["Alpha", "Beta", "C"])
        #expect(infos.map(\.priority) == [1_700_000_000_000, 1_700_000_000_500, nil])
        #expect(infos.map(\.leaderName) == ["Alpha", "Alpha", "Alpha"])
        #expect(infos.map(\.role) == [.leader, .follower, .follower])
        var screen = LiveScreen(mode: .watch, title: "watch app-sync")
        screen.update(.resize(width: 120, height: 30))
        screen.update(.refresh(tabs: infos, newLines: []))
        let text = Renderer.render(LivePresenter.frame(screen)).text
        #expect(text.contains("prio 1700000000000"))
        #expect(text.contains("prio ?"))
        #expect(!text.contains("prio 0"))
    }

    /// A tab that applied another's update never sends the value itself: it was shown `theme -`
    /// beside a status of "in sync". Now it is unknown (`?`, and the status says so) until the tabs'
    /// digests agree, which says they hold the same synced state.
    @Test func aValueAppliedButNeverSentIsUnknownUntilTheDigestsAgree() {
        let watch = ChannelWatch()
        _ = watch.heard(Self.ping("tab-a", name: "A", digest: "1111"), nowMs: 0)
        _ = watch.heard(Self.ping("tab-b", name: "B", digest: "2222"), nowMs: 1)
        _ = watch.heard(Self.update("tab-b", ["theme": "dark"]), nowMs: 2)
        var infos = watch.infos(nowMs: 3)
        #expect(infos[0].unknownKeys == ["theme"] && infos[0].state["theme"] == nil)
        #expect(infos[1].unknownKeys.isEmpty && infos[1].state["theme"] == "dark")
        #expect(Self.status(watch, nowMs: 3).contains("unknown: theme"))
        #expect(!Self.status(watch, nowMs: 3).contains("in sync"))
        var screen = LiveScreen(mode: .watch, title: "watch app-sync")
        screen.update(.resize(width: 120, height: 30))
        screen.update(.refresh(tabs: infos, newLines: []))
        let text = Renderer.render(LivePresenter.frame(screen)).text
        #expect(text.contains("theme      ?"))
        #expect(!text.contains("theme      -"))

        // Both ping the same digest: A holds what B holds.
        _ = watch.heard(Self.ping("tab-a", name: "A", digest: "3333"), nowMs: 2000)
        #expect(watch.infos(nowMs: 2001)[0].unknownKeys == ["theme"])  // B's digest not heard since
        _ = watch.heard(Self.ping("tab-b", name: "B", digest: "3333"), nowMs: 2002)
        infos = watch.infos(nowMs: 2003)
        #expect(infos[0].unknownKeys.isEmpty && infos[0].state["theme"] == "dark")
        #expect(Self.status(watch, nowMs: 2003).contains("in sync"))

        // A value sent differently by another tab makes it unknown again, and the old digests say nothing.
        _ = watch.heard(Self.update("tab-a", ["theme": "light"]), nowMs: 2100)
        infos = watch.infos(nowMs: 2101)
        #expect(infos[0].state["theme"] == "light" && infos[1].unknownKeys == ["theme"])
        #expect(Self.status(watch, nowMs: 2101).contains("unknown: theme"))
    }

    /// A watch's lines carry their colour from the frame they say (no view reads it from the text).
    @Test func linesAreColouredByTheFrameTheySay() {
        let watch = ChannelWatch()
        let ping = watch.hear(Self.ping("tab-a", name: "A"), nowMs: 0)
        #expect(ping.first?.style == CellStyle(.logPresence))
        let update = watch.hear(Self.update("tab-a", ["theme": "dark"]), nowMs: 1)
        #expect(update.first?.style == CellStyle(.logState))
        let heartbeat = watch.hear(Self.heartbeat("tab-a", priority: 5), nowMs: 2)
        #expect(heartbeat.first?.style == CellStyle(.logElection))
        let garbage = watch.hear(.json(.string("garbage")), nowMs: 3)
        #expect(garbage.count == 1 && garbage[0].style == CellStyle(.logFault))
    }
}
