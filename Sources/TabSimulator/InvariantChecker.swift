import TabSync

/// A property that did not hold, with when and why.
public struct Violation: Sendable, Equatable, CustomStringConvertible {
    public let timeMs: Milliseconds
    public let property: String
    public let detail: String
    public var description: String { "\(formatTime(timeMs).trimmingLeadingSpaces) \(property): \(detail)" }
}

extension String {
    var trimmingLeadingSpaces: String { String(drop(while: { $0 == " " })) }
}

/// Whether the live tabs agree on the synced state, and where they do not.
public struct Convergence: Sendable, Equatable {
    /// Keys on which live tabs disagree, with each tab's value (nil: the tab lacks the key).
    public let differences: [String: [String: JSONValue?]]
    public var converged: Bool { differences.isEmpty }
    /// The differing keys, sorted.
    public var keys: [String] { differences.keys.sorted() }
}

/// Checks safety continuously, as every event happens (TigerBeetle-style assertions on a live run):
/// - epochs never decrease on any tab;
/// - at most one leader per epoch: a tab that leads holds its own claim, and no two tabs lead under one claim;
/// - an excluded key is never on the wire;
/// - no echo storms: a tab never sends more STATE_UPDATEs than it had local changes and broadcasts.
/// Liveness (`leaders`) and convergence are checked on demand by `Simulation`.
public struct InvariantChecker: Sendable {
    public private(set) var violations: [Violation] = []
    /// Every key any message carried so far (in `state` or `keys`).
    public private(set) var keysOnWire: Set<String> = []
    /// Times two live tabs led at once (allowed while partitioned or delayed; reported, not a violation).
    public private(set) var splitBrainCount = 0
    private var lastEpoch: [String: Int] = [:]

    public init() {}

    mutating func fail(_ time: Milliseconds, _ property: String, _ detail: String) {
        violations.append(Violation(timeMs: time, property: property, detail: detail))
    }

    mutating func sent(_ m: SyncMessage, by tab: SimTab, at time: Milliseconds) {
        let keys = Set(m.payload?.state?.keys.map { $0 } ?? []).union(m.payload?.keys ?? [])
        keysOnWire.formUnion(keys)
        for key in keys where tab.sync.config.excludeKeys.contains(key) {
            fail(time, "excluded key never on the wire", "'\(key)' sent by \(tab.name) in \(m.type.rawValue)")
        }
        if m.type == .stateUpdate {
            tab.updatesSent += 1
            if tab.updatesSent > tab.allowedUpdates {
                fail(time, "no echo", "\(tab.name) sent \(tab.updatesSent) STATE_UPDATEs for \(tab.allowedUpdates) local changes")
            }
        }
    }

    mutating func roleChanged(_ c: RoleChange, tab: SimTab, at time: Milliseconds) {
        let previous = lastEpoch[tab.tabId] ?? 0
        if c.epoch < previous {
            fail(time, "epochs never decrease", "\(tab.name) went from epoch \(previous) to \(c.epoch)")
        }
        lastEpoch[tab.tabId] = max(previous, c.epoch)
    }

    /// Checks the leaders of this instant.
    mutating func checkLeaders(_ tabs: [SimTab], at time: Milliseconds) {
        let leading = tabs.filter { $0.isLeader }
        for t in leading where t.leaderId != t.tabId {
            fail(time, "at most one leader per epoch", "\(t.name) leads but holds \(t.leaderId ?? "no") claim")
        }
        var claims: [String: String] = [:]
        for t in leading {
            let claim = "\(t.epoch)/\(t.tabId)"
            if let other = claims[claim] {
                fail(time, "at most one leader per epoch", "\(other) and \(t.name) both lead epoch \(t.epoch)")
            }
            claims[claim] = t.name
        }
        if leading.filter({ $0.liveness == .alive }).count > 1 { splitBrainCount += 1 }
    }
}
