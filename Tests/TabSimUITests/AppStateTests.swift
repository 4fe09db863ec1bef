import Testing
import TabSync
import TabSimulator
@testable import TabSimUI

/// Keys drive the app state exactly as the terminal loop does, on the virtual clock.
@Suite struct AppStateTests {
    func app(tabs: Int = 3, strategy: ConflictStrategy = .lastWriteWins) throws -> AppState {
        var o = UIOptions()
        o.tabs = tabs
        o.strategy = strategy
        let app = try AppState(options: o)
        run(app, ms: 2000)
        return app
    }

    func run(_ app: AppState, ms: Milliseconds) {
        app.simulation.advance(byMs: ms)
    }

    @Test func startsWithThreeTabsAndOneLeader() throws {
        let a = try app()
        let views = a.tabViews()
        #expect(views.map(\.name) == ["A", "B", "C"])
        #expect(views.filter { $0.role == .leader }.count == 1)
        #expect(views.filter { $0.role == .follower }.allSatisfy { $0.leaderName == "A" })
        #expect(views[0].selected)
    }

    @Test func themeKeyReachesEveryTab() throws {
        let a = try app()
        a.apply(.select(1))
        a.apply(.cycleTheme)
        run(a, ms: 200)
        #expect(a.tabViews().map(\.theme) == ["dark", "dark", "dark"])
        a.apply(.cycleLocale)
        a.apply(.fontBigger)
        run(a, ms: 300)
        #expect(a.simulation.tabs.allSatisfy { $0.state["locale"] == "fr-FR" && $0.state["fontSize"] == 15 })
    }

    @Test func killingTheLeaderElectsAnother() throws {
        let a = try app()
        a.apply(.select(0))
        a.apply(.killTab)
        #expect(a.tabViews()[0].liveness == "dead")
        run(a, ms: 5000)
        let leaders = a.tabViews().filter { $0.role == .leader }
        #expect(leaders.map(\.name) == ["B"])
        a.apply(.reopenTab)
        run(a, ms: 1000)
        #expect(a.tabViews()[0].liveness == "alive")
        #expect(a.tabViews()[0].leaderName == "B")
    }

    @Test func concurrentEditDivergesInArrivalOrderAndStatusSaysSo() throws {
        let a = try app(strategy: .arrivalOrder)   // last-write-wins settles it now (versions)
        a.apply(.concurrentEdit)
        run(a, ms: 500)
        let status = a.statusLine()
        #expect(status.diverged)
        #expect(status.text.contains("DIVERGED: theme"))
    }

    @Test func concurrentEditConvergesUnderFirstWriteWins() throws {
        let a = try app(strategy: .firstWriteWins)
        a.apply(.concurrentEdit)
        run(a, ms: 500)
        #expect(!a.statusLine().diverged)
    }

    @Test func strategyCyclesForAllTabs() throws {
        let a = try app()
        a.apply(.cycleStrategy)
        #expect(a.simulation.tabs.allSatisfy { $0.sync.config.conflictStrategy == .firstWriteWins })
        a.apply(.cycleStrategy); a.apply(.cycleStrategy)
        #expect(a.simulation.tabs.allSatisfy { $0.sync.config.conflictStrategy == .custom })
        a.apply(.cycleStrategy)
        #expect(a.simulation.options.config.conflictStrategy == .lastWriteWins)
    }

    @Test func freezePartitionForceAndClose() throws {
        let a = try app()
        a.apply(.select(2))
        a.apply(.toggleFreeze)
        #expect(a.tabViews()[2].liveness == "frozen")
        a.apply(.toggleFreeze)
        #expect(a.tabViews()[2].liveness == "alive")
        a.apply(.togglePartition)
        #expect(a.tabViews()[2].liveness == "partitioned")
        a.apply(.togglePartition)
        #expect(a.tabViews()[2].liveness == "alive")
        a.apply(.forceLeader)
        run(a, ms: 100)
        #expect(a.tabViews().filter { $0.role == .leader }.map(\.name) == ["C"])
        a.apply(.closeTab)
        run(a, ms: 100)
        #expect(a.tabViews()[2].liveness == "closed")
        #expect(a.tabViews().filter { $0.role == .leader }.count == 1)
        a.apply(.newTab)
        #expect(a.tabViews().map(\.name) == ["A", "B", "C", "D"])
        #expect(a.tabViews()[3].selected)
    }

    @Test func pauseStopsTimeAndStepRunsOneEvent() throws {
        let a = try app()
        a.apply(.togglePause)
        let t = a.simulation.nowMs
        a.advance(wallMs: 5000)
        #expect(a.simulation.nowMs == t)
        let before = a.simulation.scheduler.executedCount
        a.apply(.stepOnce)
        #expect(a.simulation.scheduler.executedCount == before + 1)
        a.apply(.togglePause)
        a.apply(.faster)
        a.advance(wallMs: 1000)
        #expect(a.simulation.nowMs >= t + 2000)
    }

    @Test func errorsBecomeMessagesNotCrashes() throws {
        let a = try app()
        a.apply(.select(8))
        #expect(a.message == "no tab 9")
        a.apply(.select(0))
        a.apply(.reopenTab)
        #expect(a.message.contains("is alive"))
        a.apply(.stepOnce)
        #expect(a.message.contains("paused"))
    }

    @Test func logFilterAndScroll() throws {
        let a = try app()
        a.apply(.cycleLogFilter)
        #expect(a.logFilter == .tab("A"))
        #expect(a.visibleLog(count: 20).allSatisfy { $0.tab == "A" })
        a.apply(.cycleLogFilter)
        #expect(a.visibleLog(count: 20).allSatisfy { LogFilter.state.accepts($0) })
        a.apply(.cycleLogFilter)
        let election = a.visibleLog(count: 20)
        #expect(!election.isEmpty)
        #expect(election.allSatisfy { $0.kind == .role || [.leaderElection, .leaderAnnounce, .heartbeat].contains($0.messageType) })
        a.apply(.cycleLogFilter); a.apply(.cycleLogFilter)
        #expect(a.logFilter == .all)
        let newest = a.visibleLog(count: 5)
        a.apply(.scrollUp(3))
        let older = a.visibleLog(count: 5)
        #expect(older.last != newest.last)
        #expect(older[3] == newest[0])
        run(a, ms: 2000)
        #expect(a.visibleLog(count: 5) == older)      // scrolled back: new lines do not move it
        a.apply(.follow)
        #expect(a.visibleLog(count: 5).last == a.simulation.log.events.last)
    }

    @Test func scenarioModePlaysTheFile() throws {
        var o = UIOptions()
        o.scenarioPath = #filePath.replacing("Tests/TabSimUITests/AppStateTests.swift", with: "Examples/01-graceful-handover.yaml")
        let a = try AppState(options: o)
        a.advance(wallMs: 3000)
        #expect(a.tabViews().map(\.name) == ["A", "B", "C"])
        #expect(a.tabViews()[0].liveness == "closed")
        #expect(a.tabViews().filter { $0.role == .leader }.map(\.name) == ["B"])
    }
}
