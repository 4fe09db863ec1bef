/// Why a frame was dropped unread. Each is counted in `BroadcastSync.Statistics`.
public enum DropReason: String, Sendable, Hashable, CaseIterable {
    case malformed = "malformed"
    /// The frame carries this tab's own id: another tab has the same id (or forges it). Two tabs
    /// with one id would drop each other's messages for good, so this is logged, never silent.
    case idCollision = "id collision"
    case oversized = "oversized"
    case invalidValue = "invalid value"
    /// `state` holds a key that `keys` does not list: what would be written is not what the filters
    /// were asked about (the reference's bug 9), so none of it is written.
    case inconsistentKeys = "keys and state disagree"
    /// A version's time is further ahead of this tab's wall clock than `maxClockOffsetMs`: the
    /// writer's clock runs fast, or the frame is forged. Taken, it would pin the key in the future.
    case clockAhead = "clock ahead"
    /// An epoch more than `LeaderElection.maxEpochStep` above the highest this tab has seen: no
    /// run of elections gets there, and taken, it would use up the epochs.
    case epochJump = "epoch jump"
}

extension DropReason {
    var ordinal: Int {
        switch self {
        case .malformed: 0
        case .idCollision: 1
        case .oversized: 2
        case .invalidValue: 3
        case .inconsistentKeys: 4
        case .clockAhead: 5
        case .epochJump: 6
        }
    }
}
