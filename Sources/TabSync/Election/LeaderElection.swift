/// A claim of leadership. Claims are totally ordered: a higher epoch wins; within one epoch the older
/// tab (lower priority value, then lower id) wins. A tab only ever moves to a higher claim, so its
/// epoch never decreases, and a leader that learns of a higher claim steps down at once (fencing).
public struct LeaderClaim: Comparable, Sendable, Hashable {
    public let epoch: Int
    public let leaderId: String
    /// The leader's creation time: its election priority.
    public let leaderPriority: WallClockInstant

    public static func < (a: LeaderClaim, b: LeaderClaim) -> Bool {
        if a.epoch != b.epoch { return a.epoch < b.epoch }
        if a.leaderPriority != b.leaderPriority { return a.leaderPriority > b.leaderPriority }
        return a.leaderId > b.leaderId
    }
}

/// Leader election: oldest wins when there is no leader, a heard leader stays, epochs fence.
///
/// - A tab's priority is (creation time, tab id), fixed at birth, so no two tabs tie
///   (the reference compared milliseconds only and made two leaders: reference bug 3 in Documentation/ReferenceBugs.md).
/// - A starting tab is a candidate: it sends LEADER_ELECTION and waits `electionTimeoutMs`.
///   A leader answers with LEADER_ANNOUNCE and the candidate follows it; an older candidate answers
///   with its own LEADER_ELECTION and the younger one defers. Only a candidate that heard neither
///   claims, with an epoch above every epoch it has seen. A third tab joining therefore meets the
///   leader's answer and nothing else changes (the reference ended with zero leaders: bug 1).
/// - Stability: a live, heard leader is never displaced by an older tab that comes back. The spec's
///   "oldest becomes leader" decides elections, not running leaderships; this avoids leadership
///   flapping each time an old tab wakes up. Only `forceLeader()` takes over a live leader.
/// - The leader sends HEARTBEAT every `leaderHeartbeatMs`. A follower that hears nothing from its
///   leader for `leaderTimeoutMs` starts an election (the reference never re-elected: bug 2).
/// - A leader that stops sends TAB_CLOSE naming its successor (the oldest live tab it knows), which
///   claims at once; if the successor does not claim within `electionTimeoutMs`, the others elect.
/// - Stopping cancels every timer: a stopped tab never leads again (bug 4).
final class LeaderElection {
    struct Identity {
        let id: String
        let priority: WallClockInstant
    }

    private let me: Identity
    private let heartbeatMs: Milliseconds
    private let leaderTimeoutMs: Milliseconds
    private let electionTimeoutMs: Milliseconds
    private let timers: TimerSet
    /// The longest round trip the tab measured lately: timeouts are never shorter than a few of
    /// them, as Raft asks of its election timeout, whatever the configuration says.
    private let roundTripMs: () -> Milliseconds
    private let send: (SyncMessageType, SyncMessage.Payload) -> Void
    private let onRoleChange: (RoleChange) -> Void

    private(set) var role: ElectionRole = .none
    /// The highest claim this tab has accepted (its own included).
    private(set) var claim: LeaderClaim?
    /// The highest epoch seen in any message: a new claim goes above it.
    private(set) var highestEpoch = 0
    /// The leader this tab currently hears, nil while there is none.
    private(set) var leaderId: String?
    /// Monotonic time of the last word from the leader (the watchdog never reads the wall clock).
    private var lastHeardFromLeader = MonotonicInstant(ms: 0)
    /// Stale claims and elections answered in the current reply window (one heartbeat interval
    /// long), by claimed leader or sender and epoch, and when that window opened.
    private var answered: [(sender: String, epoch: Int)] = []
    private var answerWindowStart: MonotonicInstant?
    private var roundTimer: TimerHandle?
    private var heartbeatTimer: TimerHandle?
    private var watchdogTimer: TimerHandle?
    private var rebutted = false

    init(
        me: Identity, heartbeatMs: Milliseconds, leaderTimeoutMs: Milliseconds, electionTimeoutMs: Milliseconds,
        timers: TimerSet, roundTripMs: @escaping () -> Milliseconds = { 0 },
        send: @escaping (SyncMessageType, SyncMessage.Payload) -> Void,
        onRoleChange: @escaping (RoleChange) -> Void
    ) {
        self.me = me
        self.heartbeatMs = heartbeatMs
        self.leaderTimeoutMs = leaderTimeoutMs
        self.electionTimeoutMs = electionTimeoutMs
        self.timers = timers
        self.roundTripMs = roundTripMs
        self.send = send
        self.onRoleChange = onRoleChange
    }

    private var now: MonotonicInstant { timers.scheduler.monotonicNow }

    /// A follower's leader timeout: the configured one, or two round trips when that is longer.
    /// Heartbeats arrive at most one heartbeat interval plus the spread of latencies (less than a
    /// round trip) apart on a channel that loses nothing; a timeout shorter than that turns every
    /// delay into an election, and tiny timers on a slow network into a storm of claims.
    var leaderTimeout: Milliseconds {
        max(leaderTimeoutMs, min(2 * roundTripMs(), maxAdaptedMs), leaderIsSpecTab ? 3 * Self.specHeartbeatMs : 0)
    }
    /// The most the round trip may stretch a timeout to (the tab timeout): a round trip measured
    /// across a freeze is silence, not the network, and must not delay failover for long after.
    var maxAdaptedMs: Milliseconds = .max
    /// The spec's default `leaderHeartbeatMs`: how often a spec tab that leads is heard from.
    static let specHeartbeatMs: Milliseconds = 5000
    /// True while the leader followed is a spec tab (its claims carry no epoch).
    private var leaderIsSpecTab = false
    /// A candidate's round, as configured.
    var electionTimeout: Milliseconds { electionTimeoutMs }
    /// The window in which a leader's answers to stale claims and elections are counted: one
    /// heartbeat interval, at least `minimumAnswerWindowMs`.
    private var answerWindowMs: Milliseconds { max(heartbeatMs, Self.minimumAnswerWindowMs) }
    static let minimumAnswerWindowMs: Milliseconds = 100

    /// The epoch this tab is in: the epoch of the claim it follows or holds.
    var epoch: Int { claim?.epoch ?? 0 }
    var isLeader: Bool { role == .leader }

    // MARK: Commands

    func start() {
        becomeCandidate(.started)
    }

    func forceLeader() {
        claimLeadership(.forced)
    }

    /// Leaves the election; returns the payload of the goodbye to send when this tab was leading.
    func stop() -> SyncMessage.Payload? {
        let goodbye: SyncMessage.Payload? = isLeader ? SyncMessage.Payload(epoch: epoch) : nil
        cancelTimers()
        leaderId = nil
        setRole(.none, .stopped)
        return goodbye
    }

    // MARK: Messages

    /// Notes the epoch a message carries: a later claim must go above it.
    /// The largest step above `highestEpoch` a received epoch may take: each election adds one, so
    /// no run of elections a tab could have missed comes near it, while a forged epoch near the
    /// wire's end is refused (`DropReason.epochJump`) instead of using the epochs up.
    static let maxEpochStep = 1 << 16

    func noteEpoch(_ epoch: Int?) {
        if let epoch, epoch > highestEpoch { highestEpoch = epoch }
        invariant(highestEpoch >= (claim?.epoch ?? 0), "a claim above the highest epoch seen")
    }

    func receiveElection(from sender: String, priority: WallClockInstant?, epoch: Int?) {
        let senderIsOlder = (priority ?? WallClockInstant(ms: .max), sender) < (me.priority, me.id)
        switch role {
        case .leader:
            answer(sender, epoch ?? 0, once: false)
        case .candidate:
            if senderIsOlder {
                timers.cancel(roundTimer)
                setRole(.follower, .deferredToOlder)
                roundTimer = timers.schedule(afterMs: 2 * electionTimeout) { [unowned self] in
                    self.becomeCandidate(.announceTimeout)
                }
            } else if !rebutted {
                rebutted = true
                send(.leaderElection, SyncMessage.Payload(priority: me.priority, epoch: highestEpoch))
            }
        case .follower, .none:
            break
        }
    }

    /// Handles LEADER_ANNOUNCE and HEARTBEAT. Returns why the message was ignored, if it was.
    ///
    /// A spec tab's claim (`fromSpecTab`) carries no epoch: it is taken at this tab's current epoch,
    /// ordered by the claimant's creation time like any claim of one epoch, and its leader is
    /// expected to beat at the spec's default interval (`specHeartbeatMs`), not this tab's.
    func receiveClaim(
        leaderId leader: String, epoch: Int, priority: WallClockInstant?, fromSpecTab: Bool = false
    ) -> String? {
        if leader == me.id { return "claims this tab leads" }
        noteEpoch(epoch)
        let incoming = LeaderClaim(
            epoch: epoch, leaderId: leader, leaderPriority: priority ?? WallClockInstant(ms: .max))
        if let claim, incoming < claim {
            if isLeader { answer(leader, epoch, once: true) }
            return
                "stale epoch \(incoming.epoch) (this tab is in epoch \(claim.epoch), leader \(shortTabId(claim.leaderId)))"
        }
        let wasLeader = isLeader
        let changed = incoming != claim || leaderId != leader || role != .follower
        invariant(claim.map { incoming.epoch >= $0.epoch } ?? true, "a followed claim's epoch went down")
        claim = incoming
        leaderId = leader
        leaderIsSpecTab = fromSpecTab
        lastHeardFromLeader = now
        if changed {
            timers.cancel(roundTimer)
            timers.cancel(heartbeatTimer)
            setRole(.follower, wasLeader ? .newerEpochSeen : .leaderAnnounced)
        }
        armWatchdog()
        return nil
    }

    /// Handles a TAB_CLOSE from `sender`, naming `successor` when the sender was leading.
    func receiveGoodbye(from sender: String, successor: String?) {
        guard role != .none, sender == leaderId || sender == claim?.leaderId, !isLeader else { return }
        leaderId = nil
        timers.cancel(watchdogTimer)
        if successor == me.id {
            claimLeadership(.goodbye)
        } else if successor != nil {
            setRole(.follower, .goodbye)
            timers.cancel(roundTimer)
            roundTimer = timers.schedule(afterMs: electionTimeout) { [unowned self] in self.successorWaited() }
        } else {
            becomeCandidate(.goodbye)
        }
    }

    /// Fires a follower's leader timeout now, as if its leader had been silent for the whole
    /// timeout: it runs for election. False unless it follows a known leader.
    func expireLeaderTimeout() -> Bool {
        guard role == .follower, leaderId != nil else { return false }
        becomeCandidate(.heartbeatTimeout)
        return true
    }

    // MARK: Transitions

    private func becomeCandidate(_ reason: RoleChangeReason) {
        cancelTimers()
        leaderId = nil
        rebutted = false
        setRole(.candidate, reason)
        send(.leaderElection, SyncMessage.Payload(priority: me.priority, epoch: highestEpoch))
        roundTimer = timers.schedule(afterMs: electionTimeout) { [unowned self] in self.claimLeadership(.elected) }
    }

    private func claimLeadership(_ reason: RoleChangeReason) {
        cancelTimers()
        let before = claim?.epoch ?? 0
        // Saturating: at the wire's end, claims share the last epoch and the older tab wins it.
        highestEpoch = WireInteger.adding(highestEpoch, 1)
        claim = LeaderClaim(epoch: highestEpoch, leaderId: me.id, leaderPriority: me.priority)
        invariant(highestEpoch > before || highestEpoch == WireInteger.max, "a claim did not raise the epoch")
        leaderId = me.id
        setRole(.leader, reason)
        send(.leaderAnnounce, announcePayload())
        scheduleHeartbeat()
    }

    // MARK: Timers
    // Each timer action is one method call on an unowned self: the call keeps the election alive
    // to its end, even when a callback on the way stops the sync and lets go of it.

    private func successorWaited() {
        guard leaderId == nil else { return }
        becomeCandidate(.announceTimeout)
    }

    private func scheduleHeartbeat() {
        heartbeatTimer = timers.schedule(afterMs: heartbeatMs) { [unowned self] in self.heartbeatDue() }
    }

    private func heartbeatDue() {
        invariant(isLeader, "a heartbeat timer fired in role \(role)")
        guard isLeader else { return }
        send(.heartbeat, announcePayload())
        scheduleHeartbeat()
    }

    private func armWatchdog() {
        guard !timers.isPending(watchdogTimer) else { return }
        let due = (lastHeardFromLeader + leaderTimeout) - now
        watchdogTimer = timers.schedule(afterMs: max(0, due)) { [unowned self] in self.watchdogDue() }
    }

    private func watchdogDue() {
        invariant(role == .follower && leaderId != nil, "a leader timeout fired in role \(role)")
        guard role == .follower, leaderId != nil else { return }
        if now - lastHeardFromLeader >= leaderTimeout {
            becomeCandidate(.heartbeatTimeout)
        } else {
            armWatchdog()
        }
    }

    /// The most answers a leader sends to stale claims and elections per heartbeat interval; the
    /// heartbeat itself tells everyone else.
    static let maxAnswersPerInterval = 16
    /// The most answers to stale claims of one sender (whatever epochs it claims); its elections
    /// are answered each time, within the interval's cap.
    static let maxRebuttalsPerSender = 2

    /// Answers a stale claim or an election with this leader's claim, `maxAnswersPerInterval` times
    /// per heartbeat interval in all, and a stale claim (`once`) at most once per claimed leader and
    /// epoch in it: the answers a leader sends are then bounded whatever arrives, so two leaders
    /// answering each other's late claims across a slow, reordering channel cannot multiply the
    /// traffic. Elections are answered each time (within the cap): a tab that stops and starts again
    /// at once (StrictMode) asks again in the same epoch and must hear the leader before it claims.
    private func answer(_ sender: String, _ epoch: Int, once: Bool) {
        let now = self.now
        if let start = answerWindowStart, now - start < answerWindowMs {
            guard answered.count < Self.maxAnswersPerInterval,
                !once
                    || (!answered.contains(where: { $0.sender == sender && $0.epoch == epoch })
                        && answered.count(where: { $0.sender == sender }) < Self.maxRebuttalsPerSender)
            else { return }
        } else {
            answerWindowStart = now
            answered.removeAll(keepingCapacity: true)
        }
        answered.append((sender, epoch))
        send(.leaderAnnounce, announcePayload())
    }

    // MARK: Inspection (read-only: what the timers above will do, for teaching views)

    /// The leader's next HEARTBEAT.
    var heartbeatCountdown: Countdown? { isLeader ? timers.countdown(heartbeatTimer) : nil }

    /// The pending round: a candidate's claim, or a follower waiting for an older candidate or a
    /// named successor to claim before it runs itself.
    var roundCountdown: Countdown? { timers.countdown(roundTimer) }

    /// A follower's leader timeout: the watchdog is lazy (re-armed when it fires early), so the
    /// deadline is the last word from the leader plus the timeout, when the election really starts.
    var leaderTimeoutCountdown: Countdown? {
        guard role == .follower, leaderId != nil, timers.isPending(watchdogTimer) else { return nil }
        let remaining = (lastHeardFromLeader + leaderTimeout) - timers.now
        return Countdown(remainingMs: max(0, remaining), periodMs: leaderTimeout)
    }

    private func announcePayload() -> SyncMessage.Payload {
        let c = claim ?? LeaderClaim(epoch: highestEpoch, leaderId: me.id, leaderPriority: me.priority)
        return SyncMessage.Payload(leaderId: c.leaderId, priority: c.leaderPriority, epoch: c.epoch)
    }

    private func cancelTimers() {
        timers.cancel(roundTimer)
        timers.cancel(heartbeatTimer)
        timers.cancel(watchdogTimer)
        roundTimer = nil
        heartbeatTimer = nil
        watchdogTimer = nil
    }

    private func setRole(_ new: ElectionRole, _ reason: RoleChangeReason) {
        let old = role
        role = new
        onRoleChange(RoleChange(from: old, to: new, epoch: epoch, leaderId: leaderId, reason: reason))
    }
}
