/// The spec's `onSyncStateChange` states.
public enum SyncState: String, Sendable, Hashable, CaseIterable {
    case connected, disconnected, leader, follower
}
