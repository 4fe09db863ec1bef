import Testing

@testable import TabSync

/// Repair as a state machine: inputs with their time, decisions out. The engine-level stories
/// (loss, partitions, busy pages) are in `LatestWriteTests` and the simulator's `RepairTests`.
@Suite struct AntiEntropyTests {
    /// Ping every 2 s, tab timeout 6 s: a settle window of 500 ms while no round trip is measured.
    func machine() -> AntiEntropy { AntiEntropy(pingIntervalMs: 2000, tabTimeoutMs: 6000) }
    func at(_ ms: Int) -> MonotonicInstant { MonotonicInstant(ms: ms) }

    @Test func aDifferentDigestAsksItsSenderAndStartsTheCooldown() {
        var repair = machine()
        let request = repair.digestHeard(
            "theirs", excluding: [], from: "B", at: at(0), converges: true, differs: false, joining: false,
            mine: { _ in "mine" })
        #expect(request == AntiEntropy.Request(target: "B", cooldown: AntiEntropy.Cooldown(id: 1, ms: 1000)))
        #expect(repair.isCoolingDown)
    }

    @Test func anEqualDigestAnotherConfigurationOrAJoinAsksNothing() {
        var repair = machine()
        func heard(_ theirs: String, converges: Bool = true, differs: Bool = false, joining: Bool = false)
            -> AntiEntropy.Request?
        {
            repair.digestHeard(
                theirs, excluding: [], from: "B", at: at(0), converges: converges, differs: differs,
                joining: joining, mine: { _ in "mine" })
        }
        #expect(heard("mine") == nil)
        #expect(heard("theirs", converges: false) == nil)
        #expect(heard("theirs", differs: true) == nil)
        #expect(heard("theirs", joining: true) == nil)
        #expect(!repair.isCoolingDown)
    }

    /// A key updated within the settle window may still be on its way: digests are compared only
    /// when the sender left out every key in motion here, and over the same keys.
    @Test func keysInMotionHereMustBeLeftOutThere() {
        var repair = machine()
        repair.updated(["n"], at: at(0))
        var asked: [[String]] = []
        let notCompared = repair.digestHeard(
            "theirs", excluding: [], from: "B", at: at(100), converges: true, differs: false, joining: false,
            mine: {
                asked.append($0)
                return "mine"
            })
        #expect(notCompared == nil)
        #expect(asked.isEmpty)
        let compared = repair.digestHeard(
            "theirs", excluding: ["n"], from: "B", at: at(100), converges: true, differs: false, joining: false,
            mine: {
                asked.append($0)
                return "mine"
            })
        #expect(compared?.target == "B")
        #expect(asked == [["n"]])
        // Past the window the key is quiet again: a digest that leaves nothing out is compared.
        #expect(repair.movingKeys(at: at(499)) == ["n"])
        #expect(repair.movingKeys(at: at(500)) == [])
    }

    /// While a request is unanswered, a differing digest is kept, and asked about when the
    /// cooldown ends only if this tab's state has not moved meanwhile.
    @Test func aDigestHeardDuringTheCooldownIsCheckedAgainAtItsEnd() {
        var repair = machine()
        let join = repair.joinRequested(at: at(0))
        let deferred = repair.digestHeard(
            "theirs", excluding: [], from: "B", at: at(10), converges: true, differs: false, joining: false,
            mine: { _ in "mine" })
        #expect(deferred == nil)
        let unchanged = repair.cooldownEnded(join.id, at: at(1000), joining: false, mine: { _ in "mine" })
        #expect(unchanged?.target == "B")

        var moved = machine()
        let first = moved.joinRequested(at: at(0))
        _ = moved.digestHeard(
            "theirs", excluding: [], from: "B", at: at(10), converges: true, differs: false, joining: false,
            mine: { _ in "mine" })
        #expect(moved.cooldownEnded(first.id, at: at(1000), joining: false, mine: { _ in "answered" }) == nil)
        #expect(!moved.isCoolingDown)
    }

    /// A cooldown that an earlier one's end does not cut short: only the last one armed counts.
    @Test func onlyTheLatestCooldownEndsTheCooldown() {
        var repair = machine()
        let first = repair.joinRequested(at: at(0))
        let second = repair.joinRequested(at: at(10))
        _ = repair.cooldownEnded(first.id, at: at(1000), joining: false, mine: { _ in "mine" })
        #expect(repair.isCoolingDown)
        _ = repair.cooldownEnded(second.id, at: at(1010), joining: false, mine: { _ in "mine" })
        #expect(!repair.isCoolingDown)
    }

    /// The answer to this tab's request measures the round trip; the settle window and the
    /// cooldown follow it (twice the round trip, a quarter to one ping interval).
    @Test func theRoundTripStretchesTheSettleWindow() {
        var repair = machine()
        _ = repair.digestHeard(
            "theirs", excluding: [], from: "B", at: at(0), converges: true, differs: false, joining: false,
            mine: { _ in "mine" })
        repair.answerHeard(from: "C", answersMe: true, joinAnswer: false, at: at(300))
        #expect(repair.roundTripMs == 0)  // not the tab asked
        repair.answerHeard(from: "B", answersMe: true, joinAnswer: false, at: at(400))
        #expect(repair.roundTripMs == 400)
        #expect(repair.settleMs == 800)
        // A shorter one later moves it an eighth of the way.
        _ = repair.joinRequested(at: at(5000))
        repair.answerHeard(from: "D", answersMe: true, joinAnswer: true, at: at(5080))
        #expect(repair.roundTripMs == 360)
        // Longer than the tab timeout is silence, not a round trip.
        _ = repair.joinRequested(at: at(10_000))
        repair.answerHeard(from: "D", answersMe: true, joinAnswer: true, at: at(17_000))
        #expect(repair.roundTripMs == 360)
    }

    @Test func pushesArePacedPerPeerByTheSettleWindow() {
        var repair = machine()
        func push(_ to: String, _ ms: Int) -> Bool {
            repair.push(["n"], to: to, at: at(ms), converges: true, differs: false)
        }
        #expect(push("B", 0))
        #expect(!push("B", 499))
        #expect(push("C", 499))
        #expect(push("B", 500))
        let nothingToPush = repair.push([], to: "D", at: at(0), converges: true, differs: false)
        #expect(!nothingToPush)
        let toAnotherConfiguration = repair.push(["n"], to: "D", at: at(0), converges: true, differs: true)
        #expect(!toAnotherConfiguration)
    }

    @Test func aRepairRequestIsAnsweredOnlyByItsTargetWithTheSameConfiguration() {
        #expect(AntiEntropy.refusal(ofRequestTo: "A", me: "A", differs: false) == nil)
        #expect(AntiEntropy.refusal(ofRequestTo: "B", me: "A", differs: false) == "repair request for another tab")
        #expect(
            AntiEntropy.refusal(ofRequestTo: "A", me: "A", differs: true) == "repair request from another configuration"
        )
    }
}
