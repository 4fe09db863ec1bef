/// The spec's `SyncMessageType`, plus one extension: `TAB_CLOSE`, the goodbye a tab sends when it
/// stops, so that others forget it at once and elect a successor without waiting for a timeout.
public enum SyncMessageType: String, Codable, Sendable, CaseIterable {
    case stateUpdate = "STATE_UPDATE"
    case stateRequest = "STATE_REQUEST"
    case stateResponse = "STATE_RESPONSE"
    case leaderElection = "LEADER_ELECTION"
    case leaderAnnounce = "LEADER_ANNOUNCE"
    case tabPing = "TAB_PING"
    case tabPong = "TAB_PONG"
    case heartbeat = "HEARTBEAT"
    case tabClose = "TAB_CLOSE"
}

extension SyncMessageType {
    /// Position in `allCases`, for counting without hashing.
    var ordinal: Int {
        switch self {
        case .stateUpdate: 0
        case .stateRequest: 1
        case .stateResponse: 2
        case .leaderElection: 3
        case .leaderAnnounce: 4
        case .tabPing: 5
        case .tabPong: 6
        case .heartbeat: 7
        case .tabClose: 8
        }
    }
}
