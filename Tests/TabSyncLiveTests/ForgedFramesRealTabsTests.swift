#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import TabSync
import Testing

/// The bounds on received numbers (issue 21) between real `tabsim tab --headless` processes: the
/// test is the forger, a process of the same user posting raw JSON datagrams to every socket of the
/// channel directory, as anything that can enter it could. `ForgedFrameTests` shows the same in one
/// process on a virtual clock; here the frames cross real sockets into real tabs with real wall
/// clocks, and the tabs' own lines (`dropped`, `role`, `state`) say what they did with them. Part of
/// `RealTabsTests`, so that these processes never run beside the other real tabs'.
extension RealTabsTests {
    /// A number past every bound (2^53 − 1 is the wire's end; this is just below it).
    static let forgedNumber = 8_999_999_999_999_999

    /// Posts `json` to every socket in `dir`'s channel, as one datagram each; returns how many took it.
    @discardableResult
    static func forge(_ json: String, dir: String) -> Int {
        let channel = dir + "/app-sync"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: channel)) ?? []
        return names.filter { $0.hasSuffix(".sock") }.filter {
            sendRawDatagram(Array(json.utf8), to: channel + "/" + $0)
        }
        .count
    }

    /// This machine's wall clock in ms, as the tabs stamp their frames.
    static var wallNowMs: Int { Int(Date().timeIntervalSince1970 * 1000) }

    /// Whether `tab` printed a `dropped` line with `reason`.
    static func dropped(_ tab: TabProcess, _ reason: String) -> Bool {
        tab.events("dropped").contains { $0[string: "reason"] == reason }
    }

    /// Asks `tab` for its state until `condition` holds of the answer (a real tab's view moves on
    /// its own timers, so one answer may come before the change).
    static func eventuallyState(
        _ tab: TabProcess, _ what: String, _ condition: @escaping (StateDocument) -> Bool
    ) async throws {
        try await eventually("\(tab.name): \(what)", within: 120) {
            condition(try await tab.state(within: 120))
        }
    }

    @Test func realTabsRefuseAnAnnounceWithAHugeEpochAndANewcomerJoinsOneLeader() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let tabs = try await startTabs(["A", "B", "C"], dir: temp.path)
        defer { tabs.forEach { $0.stop() } }
        _ = try await agreedLeader(tabs, within: 120)

        let announce = """
            {"type":"LEADER_ANNOUNCE","tabId":"ghost","timestamp":\(Self.wallNowMs),\
            "payload":{"leaderId":"ghost","epoch":\(Self.forgedNumber),"priority":0}}
            """
        #expect(Self.forge(announce, dir: temp.path) == 3)
        for tab in tabs {
            try await eventually("\(tab.name) drops the announce as an epoch jump", within: 120) {
                Self.dropped(tab, "epoch jump")
            }
        }
        // A tab opened afterwards joins the real leader, not as a second one. (Which tab leads is
        // not asserted: a heartbeat late on a loaded machine may move leadership, honestly.)
        let d = try await TabProcess("D", ["--dir", temp.path, "--heartbeat", "\(Self.heartbeatMs)"])
        defer { d.stop() }
        try await eventually("D starts", within: 120) { d.tabId != nil }
        let (_, epoch) = try await agreedLeader(tabs + [d], within: 120)
        #expect(epoch < 65_536)  // elections count up from 1; the forged epoch was never taken
        for tab in tabs + [d] {
            #expect(!tab.events("role").contains { $0[string: "leader"] == "ghost" }, "\(tab.name) followed the ghost")
        }
    }

    @Test func realTabsRefuseAPingWithAHugeEpochTakeOneWithinTheStepAndElectOneLeaderAfterACrash() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let tabs = try await startTabs(["A", "B", "C"], dir: temp.path)
        defer { tabs.forEach { $0.stop() } }
        let (leader, _) = try await agreedLeader(tabs, within: 120)

        Self.forge(
            """
            {"type":"TAB_PING","tabId":"ghost","timestamp":\(Self.wallNowMs),\
            "payload":{"epoch":\(Self.forgedNumber),"priority":0}}
            """, dir: temp.path)
        for tab in tabs {
            try await eventually("\(tab.name) drops the huge ping", within: 120) { Self.dropped(tab, "epoch jump") }
        }
        // 60,000 is within the step (65,536) above what the tabs have seen: taken, as a run of missed elections.
        Self.forge(
            """
            {"type":"TAB_PING","tabId":"ghost2","timestamp":\(Self.wallNowMs),"payload":{"epoch":60000}}
            """, dir: temp.path)
        leader.kill(SIGKILL)
        let survivors = tabs.filter { $0 !== leader }
        let (_, epoch) = try await agreedLeader(survivors, newerThan: 60000, within: 120)
        #expect(epoch < 65_536)  // above the epoch taken, nowhere near the one refused
        for tab in survivors {
            #expect(tab.events("dropped").filter { $0[string: "reason"] == "epoch jump" }.count == 1)
        }
    }

    @Test func realTabsRefuseAnUpdateWithAHugeCounterOrAFutureTimeAndTakeTheNextHonestEdit() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let tabs = try await startTabs(["A", "B", "C"], dir: temp.path, ["theme=light"])
        defer { tabs.forEach { $0.stop() } }
        _ = try await agreedLeader(tabs, within: 120)

        Self.forge(
            """
            {"type":"STATE_UPDATE","tabId":"ghost","timestamp":\(Self.wallNowMs),\
            "payload":{"state":{"theme":"pwned"},"keys":["theme"],"counter":\(Self.forgedNumber)}}
            """, dir: temp.path)
        Self.forge(
            """
            {"type":"STATE_UPDATE","tabId":"ghost","timestamp":\(Self.forgedNumber),\
            "payload":{"state":{"theme":"pwned"},"keys":["theme"],"counter":1}}
            """, dir: temp.path)
        for tab in tabs {
            try await eventually("\(tab.name) drops both updates", within: 120) {
                Self.dropped(tab, "malformed") && Self.dropped(tab, "clock ahead")
            }
            #expect(try await tab.state(within: 120)["state"] == ["theme": "light"])
        }
        tabs[1].send("set theme=dark")
        for tab in tabs {
            try await Self.eventuallyState(tab, "theme is dark") { $0["state"] == ["theme": "dark"] }
        }
    }

    @Test func aForgedGoodbyeInTheLeadersIdHidesItOnlyForATabTimeout() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let tabs = try await startTabs(["A", "B", "C"], dir: temp.path)
        defer { tabs.forEach { $0.stop() } }
        let (leader, epoch) = try await agreedLeader(tabs, within: 120)
        let others = tabs.filter { $0 !== leader }
        for tab in others {
            try await Self.eventuallyState(tab, "counts both other tabs") { $0[int: "connected"] == 2 }
        }

        let leaderId = try #require(leader.tabId)
        Self.forge(
            """
            {"type":"TAB_CLOSE","tabId":"\(leaderId)","timestamp":\(Self.forgedNumber),"payload":{"epoch":\(epoch)}}
            """, dir: temp.path)
        // The goodbye hides the leader at once; it is kept on the receivers' monotonic clock for one
        // tab timeout (6 s), not until the forged time, so the leader's next ping after it counts again.
        for tab in others {
            try await Self.eventuallyState(tab, "no longer counts the leader") { $0[int: "connected"] == 1 }
        }
        for tab in others {
            try await Self.eventuallyState(tab, "counts the leader again") { $0[int: "connected"] == 2 }
        }
        _ = try await agreedLeader(tabs, within: 120)
    }

    @Test func aJoinGetsStateLargerThanAFrameAndAValueNoFrameCanCarryIsRefused() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let tabs = try await startTabs(["A", "B"], dir: temp.path)
        defer { tabs.forEach { $0.stop() } }
        // Two values of 40,000 characters: each fits a command line (64 KiB) and a frame; together
        // they do not fit one frame, so a join's answer must be split.
        let first = String(repeating: "x", count: 40_000)
        let second = String(repeating: "y", count: 40_000)
        tabs[0].send("set big1=\(first)")
        tabs[0].send("set big2=\(second)")
        let both: StateDocument = ["big1": .string(first), "big2": .string(second)]
        try await Self.eventuallyState(tabs[1], "holds both values") { $0["state"] == .object(both) }

        let c = try await TabProcess("C", ["--dir", temp.path, "--heartbeat", "\(Self.heartbeatMs)", "--verbose"])
        defer { c.stop() }
        try await eventually("C starts", within: 120) { c.tabId != nil }
        try await Self.eventuallyState(c, "holds both values") { $0["state"] == .object(both) }
        let answers = c.events("received").compactMap { $0["message"]?.objectValue }.filter {
            $0[string: "type"] == "STATE_RESPONSE"
        }
        #expect(answers.contains { $0["payload"]?.objectValue?["remaining"] != nil }, "no split answer reached C")

        // A value no frame can carry: 65,000 characters fit a command line (the line limit is 64 KiB,
        // so a 70 KB value cannot be typed as one), but not a frame (64 KiB less a 1 KiB reserve).
        let errors = tabs[0].events("error").count
        tabs[0].send("set huge=\(String(repeating: "z", count: 65_000))")
        try await eventually("A refuses the value", within: 120) { tabs[0].events("error").count > errors }
        let message = tabs[0].events("error")[errors][string: "message"] ?? ""
        #expect(
            message.contains("'huge'") && message.contains("\(65_536 - BroadcastSync.frameReserve) bytes"), "\(message)"
        )
        #expect(try await tabs[0].state(within: 120)["state"] == .object(both))
    }
}
