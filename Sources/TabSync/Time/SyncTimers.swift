/// What is left of one engine timer, and its full span: enough to draw a shrinking bar.
public struct Countdown: Sendable, Equatable {
    /// Milliseconds until it fires; 0 when overdue (a frozen tab's timers wait for the thaw).
    public let remainingMs: Milliseconds
    /// The delay it was set with (a bar's full length).
    public let periodMs: Milliseconds

    public init(remainingMs: Milliseconds, periodMs: Milliseconds) {
        self.remainingMs = remainingMs
        self.periodMs = periodMs
    }
}

/// A read-only view of the timers a sync instance really has scheduled, for teaching views (the
/// bars of RaftScope): read from the engine's own timer handles, never from a second model of them.
public struct SyncTimers: Sendable, Equatable {
    /// Leader: the next HEARTBEAT.
    public var heartbeat: Countdown?
    /// Follower of a heard leader: the leader timeout, pushed back by each heartbeat.
    public var leaderTimeout: Countdown?
    /// Candidate: the end of its election round (it claims then). A follower that deferred to an
    /// older candidate, or waits for a named successor, runs for election when this ends.
    public var electionRound: Countdown?
    /// The next TAB_PING (every running tab).
    public var ping: Countdown?
    /// The tab's election priority: its creation time (lower is older and wins).
    public var priority: WallClockInstant

    public init(
        heartbeat: Countdown? = nil, leaderTimeout: Countdown? = nil, electionRound: Countdown? = nil,
        ping: Countdown? = nil, priority: WallClockInstant
    ) {
        self.heartbeat = heartbeat
        self.leaderTimeout = leaderTimeout
        self.electionRound = electionRound
        self.ping = ping
        self.priority = priority
    }
}

extension BroadcastSync {
    /// The countdowns of this instance's timers now; all nil once stopped.
    public var countdowns: SyncTimers {
        guard isActive() else { return SyncTimers(priority: priority) }
        return SyncTimers(
            heartbeat: election?.heartbeatCountdown, leaderTimeout: election?.leaderTimeoutCountdown,
            electionRound: election?.roundCountdown, ping: timers.countdown(pingTimer),
            priority: priority)
    }

    /// Fires this follower's leader timeout now, as if its leader had gone silent: it runs for
    /// election at once. For teaching ("time out this follower now": a live leader answers and the
    /// tab follows it again) and for tests. False, doing nothing, unless active and following a
    /// known leader.
    @discardableResult
    public func expireLeaderTimeout() -> Bool {
        guard isActive() else { return false }
        return election?.expireLeaderTimeout() ?? false
    }
}
