import TabSimulator
import TabSync

/// Which log lines the traffic pane shows. `/` cycles through them.
public enum LogFilter: Equatable, Sendable {
    case all
    /// Only lines of one tab.
    case tab(String)
    /// STATE_UPDATE, STATE_REQUEST, STATE_RESPONSE, applies, and users' edits.
    case state
    /// LEADER_ELECTION, LEADER_ANNOUNCE, HEARTBEAT and role changes.
    case election
    /// Faults, user actions, drops and verdicts: what happened to the tabs.
    case faults

    public var label: String {
        switch self {
        case .all: "all"
        case .tab(let name): "tab \(name)"
        case .state: "state"
        case .election: "election"
        case .faults: "faults+actions"
        }
    }

    public func accepts(_ e: SimEvent) -> Bool {
        switch self {
        case .all: return true
        case .tab(let name): return e.tab == name
        case .state:
            if e.kind == .applied { return true }
            if e.kind == .action {
                if case .action(.set, _) = e.fact { return true }
                return false
            }
            guard let t = e.messageType else { return false }
            return t == .stateUpdate || t == .stateRequest || t == .stateRepair || t == .stateResponse
        case .election:
            if e.kind == .role { return true }
            guard let t = e.messageType else { return false }
            return t == .leaderElection || t == .leaderAnnounce || t == .heartbeat
        case .faults:
            return [.fault, .action, .network, .dropped, .verdict, .lifecycle].contains(e.kind)
        }
    }

    /// The filter after this one; `selected` is the selected tab's name.
    public func next(selected: String?) -> LogFilter {
        switch self {
        case .all: return selected.map { .tab($0) } ?? .state
        case .tab: return .state
        case .state: return .election
        case .election: return .faults
        case .faults: return .all
        }
    }

    /// The colour of a log line: by message type, so traffic reads at a glance.
    public static func role(of e: SimEvent) -> CellStyle {
        switch e.kind {
        case .fault: return CellStyle(.logFault, bold: true)
        case .action: return CellStyle(.logAction, bold: true)
        case .role: return CellStyle(.logElection, bold: true)
        case .applied: return CellStyle(.logApplied)
        case .network, .dropped, .ignored: return CellStyle(.logFault)
        case .verdict:
            let passed = if case .verdict(let result) = e.fact { result.passed } else { false }
            return CellStyle(passed ? .logVerdictPass : .logVerdictFail, bold: true)
        case .lifecycle: return CellStyle(.logAction)
        case .sent, .received:
            switch e.messageType {
            case .stateUpdate, .stateRequest, .stateRepair, .stateResponse: return CellStyle(.logState)
            case .leaderElection, .leaderAnnounce, .heartbeat: return CellStyle(.logElection)
            default: return CellStyle(.logPresence, dim: true)
            }
        }
    }
}
