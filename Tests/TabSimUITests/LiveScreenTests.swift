import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The screen over real tabs (`tabsim tab`, `tabsim watch`) as plain values: keys become commands
/// for the engine, refreshes become panes and log lines, and the frame says who leads and what differs.
@Suite struct LiveScreenTests {
    static func tab(
        _ name: String, _ role: ElectionRole, epoch: Int = 1, leader: String? = nil, liveness: Liveness = .alive,
        _ state: StateDocument
    ) -> LiveTabInfo {
        LiveTabInfo(
            name: name, tabId: "tab-\(name)", role: role, epoch: epoch, leaderName: leader, liveness: liveness,
            connected: 2, state: state)
    }

    static func screen(_ mode: LiveScreen.Mode, _ tabs: [LiveTabInfo], lines: [String] = []) -> LiveScreen {
        var s = LiveScreen(mode: mode, title: mode == .tab ? "tab A on app-sync" : "watch app-sync")
        s.update(.resize(width: 120, height: 30))
        s.update(.refresh(tabs: tabs, newLines: lines))
        return s
    }

    @Test func aTabsKeysBecomeCommandsThatCycleFromTheCurrentValue() {
        var s = Self.screen(.tab, [Self.tab("A", .follower, leader: "B", ["theme": "dark", "locale": "ja-JP"])])
        #expect(s.update(.key(.char("t"))) == .set(key: "theme", value: "system"))
        #expect(s.message == "set theme=system")
        #expect(s.update(.key(.char("l"))) == .set(key: "locale", value: "en-US"))  // wraps around
        #expect(s.update(.key(.char("f"))) == .lead)
        #expect(s.update(.key(.char("c"))) == .close)
        #expect(s.update(.key(.char("x"))) == nil)
        #expect(!s.quitRequested)
        #expect(s.update(.key(.char("q"))) == .quit)
        #expect(s.quitRequested)
        // A value outside the cycle starts it again.
        var other = Self.screen(.tab, [Self.tab("A", .leader, ["theme": "sepia"])])
        #expect(other.update(.key(.char("t"))) == .set(key: "theme", value: "light"))
    }

    /// The live screens read their keys and hints from the one key table (`KeyBinding`): every key
    /// that acts there is a row of it, doing what the row says, and the hint line names them.
    @Test func keysAndHintsComeFromTheOneKeyTable() {
        let s = Self.screen(.tab, [Self.tab("A", .leader, ["theme": "dark"])])
        #expect(s.hints == KeyBinding.hints(for: s.actions))
        #expect(s.hints.hasPrefix("t theme  l locale  c close  f lead  Up Down PgUp PgDn log"))
        #expect(s.hints.hasSuffix("q quit"))
        for binding in KeyBinding.all {
            for (key, action) in zip(binding.keys, binding.actions) {
                var screen = s
                let command = screen.update(.key(key))
                if !s.actions.contains(action) {
                    #expect(command == nil && screen == s, "\(key.label) does nothing here")
                } else if [.cycleTheme, .cycleLocale, .forceLeader, .closeTab, .quit].contains(action) {
                    #expect(command != nil, "\(key.label) asks the tab for something")
                }
            }
        }
        let watch = Self.screen(.watch, [])
        #expect(watch.hints == "Up Down PgUp PgDn log  Home / End oldest / newest  q quit")
    }

    @Test func aWatchNeverAsksTheEngineForAnything() {
        var s = Self.screen(.watch, [Self.tab("A", .leader, ["theme": "dark"])])
        for key in ["t", "l", "f", "c", "q"] { #expect(s.update(.key(.char(Character(key)))) == nil) }
        #expect(s.quitRequested)
    }

    @Test func theLogFollowsNewLinesUntilScrolledBackAndKeepsItsPlace() {
        var s = Self.screen(.watch, [], lines: (1...30).map { "line \($0)" })
        s.update(.key(.up))
        s.update(.key(.pageUp))
        #expect(s.logScroll == 11)
        s.update(.refresh(tabs: [], newLines: ["line 31", "line 32"]))
        #expect(s.logScroll == 13)  // the same lines stay on screen
        s.update(.key(.end))
        #expect(s.logScroll == 0)
        s.update(.refresh(tabs: [], newLines: (33...2100).map { "line \($0)" }))
        #expect(s.log.count == LiveScreen.maxLogLines && s.log.last?.text == "line 2100")
    }

    @Test func aWatchShowsEveryTabSideBySideAndNamesWhatDiffers() {
        let tabs = [
            Self.tab("A", .leader, epoch: 2, ["theme": "dark", "locale": "en-US"]),
            Self.tab("B", .follower, epoch: 2, leader: "A", ["theme": "light"]),  // locale unknown, not different
            Self.tab("C", .none, liveness: .closed, ["theme": "system"]),  // closed: not compared
        ]
        var s = Self.screen(.watch, tabs)
        // A line's colour comes with it, from the event it says (a heartbeat: election traffic).
        let heartbeat = SyncMessage(type: .heartbeat, tabId: "tab-aaaaaa", timestamp: 1, payload: nil)
        s.update(.refresh(tabs: tabs, lines: [LiveLogLine(.sent(heartbeat), tabId: "tab-aaaaaa", time: "12:00")]))
        let frame = LivePresenter.frame(s)
        guard case .main(let main) = frame.content else {
            Issue.record("too small")
            return
        }
        #expect(main.panes.map(\.name) == ["A", "B", "C"])
        #expect(main.layout.panes.map(\.y) == [0, 0, 0])  // side by side
        #expect(main.diverged)
        #expect(main.status.contains("3 tabs  leader A (epoch 2)  differ: theme"))
        let b = main.panes[1]
        #expect(b.cells.map(\.key) == ["locale", "theme"])
        #expect(b.cells.map(\.mark) == [.same, .diverged])
        #expect(main.panes[2].look == .closed && main.panes[2].cells.allSatisfy { $0.mark == .same })
        #expect(main.logLines.map(\.style) == [CellStyle(.logElection)])
        let text = Renderer.render(frame).text
        #expect(text.contains("LEADER  epoch 2") && text.contains("follower of A  epoch 2"))
    }

    @Test func aTabsStatusSaysWhomItFollows() {
        let s = Self.screen(.tab, [Self.tab("A", .follower, epoch: 3, leader: "k2j4xq", ["theme": "dark"])])
        guard case .main(let main) = LivePresenter.frame(s).content else {
            Issue.record("too small")
            return
        }
        #expect(main.status.hasPrefix(" tab A on app-sync  following k2j4xq (epoch 3)  2 other tabs  |"))
        #expect(main.panes.map(\.selected) == [true])
        #expect(main.hints.contains("t theme") && main.hints.contains("q quit"))
    }

    @Test func aTurnTakesTheKeysTypedSinceTheLastOneWithoutWaiting() {
        let device = FakeDevice(
            width: 100, height: 30, script: [(0, .key(.char("t"))), (0, .resize(50, 12)), (0, .key(.char("f")))])
        var s = LiveScreen(mode: .tab, title: "tab A on app-sync")
        var own = Self.tab("A", .follower, ["theme": "light"])
        var performed: [LiveScreen.Command] = []
        LiveTerminalUI.turn(
            &s, device: device, refreshing: { ([own], [LiveLogLine(text: "first")]) }, perform: { performed.append($0) }
        )
        #expect(performed == [.set(key: "theme", value: "dark")])
        #expect(device.timeouts == [0, 0])  // never waits: the engine's loop goes on; the resize ends the turn
        #expect(s.width == 50 && device.frames.count == 1)
        #expect(device.frames.last?.text.contains("Terminal too small: 50x12") == true)
        own.state["theme"] = "dark"
        LiveTerminalUI.turn(&s, device: device, refreshing: { ([own], []) }, perform: { performed.append($0) })
        #expect(performed == [.set(key: "theme", value: "dark"), .lead, .quit])  // the script over, the fake quits
        #expect(s.quitRequested && s.log.map(\.text) == ["first"])
    }
}
