/// The spec's `SyncMessageType`, plus two extensions: `TAB_CLOSE`, the goodbye a tab sends when it
/// stops, so that others forget it at once and elect a successor without waiting for a timeout; and
/// `STATE_REPAIR`, the repair request (anti-entropy) a tab sends one peer whose digest differs. A
/// repair is not a STATE_REQUEST because a spec tab answers every STATE_REQUEST with its full state
/// broadcast to everyone; it ignores a type it does not know.
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
    case stateRepair = "STATE_REPAIR"
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
        case .stateRepair: 9
        }
    }
}
