/// A tab's part in leader election.
public enum ElectionRole: String, Sendable, Hashable {
    /// Not taking part: election off, or the sync not running.
    case none
    /// Following a known leader, or waiting for one to be announced.
    case follower
    /// Asking whether anyone older or already leading objects, before claiming.
    case candidate
    case leader
}
