import TabSync

/// One of the engine's timers as a pane draws it: which timer, and what is left of it. Read from
/// the engine's own timer handles (`BroadcastSync.countdowns`), so a bar shows what will really happen.
public struct PaneTimer: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable {
        /// Leader: time to its next HEARTBEAT.
        case heartbeat = "beat"
        /// Follower: time left before it gives up on its leader.
        case leaderTimeout = "timeout"
        /// Candidate (or a follower waiting for a successor): the end of the election round.
        case electionRound = "round"
        /// Every running tab: the next TAB_PING.
        case ping
    }

    public var kind: Kind
    public var countdown: Countdown

    public init(_ kind: Kind, _ countdown: Countdown) {
        self.kind = kind
        self.countdown = countdown
    }

    /// The role's timer (at most one runs: heartbeat, leader timeout or election round), then the ping.
    public static func of(_ timers: SyncTimers) -> [PaneTimer] {
        let role: [(Kind, Countdown?)] = [
            (.heartbeat, timers.heartbeat), (.leaderTimeout, timers.leaderTimeout),
            (.electionRound, timers.electionRound),
        ]
        var out = role.first { $0.1 != nil }.map { [PaneTimer($0.0, $0.1!)] } ?? []
        if let ping = timers.ping { out.append(PaneTimer(.ping, ping)) }
        return out
    }

    /// Cells of a `width`-cell bar that stay filled: the share of the period left, rounded up, so a
    /// timer that has not fired yet always shows at least one cell.
    public func filled(width: Int) -> Int {
        guard width > 0 else { return 0 }
        guard countdown.periodMs > 0 else { return countdown.remainingMs > 0 ? width : 0 }
        let left = min(countdown.remainingMs, countdown.periodMs)
        return (left * width + countdown.periodMs - 1) / countdown.periodMs
    }

    /// The seconds left, rounded up to a tenth as the bar rounds up its cells (a timer that has not
    /// fired shows at least `0.1s`), abbreviated past 10 s: `0.1s`, `3.4s`, `12s`, `1.2ks`.
    public var secondsLeft: String {
        let ms = max(0, countdown.remainingMs)
        let tenths = (ms + 99) / 100
        if tenths < 100 { return "\(tenths / 10).\(tenths % 10)s" }
        return CompactNumber.text((ms + 999) / 1000) + "s"
    }

    /// `████░░░░`: the time left, shrinking towards the right end as it runs out.
    public func bar(width: Int) -> String {
        let n = filled(width: width)
        return String(repeating: "█", count: n) + String(repeating: "░", count: max(0, width - n))
    }
}
