import TabSync

/// Whether the running tabs agree on the synced state, and where they do not. Under the strategies
/// that converge (`ConflictStrategy.converges`) divergence once faults stop and messages settle is
/// a bug; under `arrival-order` and `custom` it is a finding, and `cause` names why nothing
/// promised otherwise.
public struct Convergence: Sendable, Equatable {
    /// Keys on which running tabs disagree, with each tab's value (nil: the tab lacks the key).
    public let differences: [String: [String: JSONValue?]]
    /// The running tabs whose synced state differs from the most common one (ties: the one the
    /// first running tab holds), in tab order.
    public let tabs: [String]
    /// Why divergence is possible here at all, for strategies that promise nothing (nil otherwise).
    public let cause: String?

    public init(differences: [String: [String: JSONValue?]], tabs: [String] = [], cause: String? = nil) {
        self.differences = differences
        self.tabs = tabs
        self.cause = cause
    }

    public var converged: Bool { differences.isEmpty }
    /// The differing keys, sorted.
    public var keys: [String] { differences.keys.sorted() }

    /// `converged`, or `differ on theme (A=dark, B=light)`, followed by the cause when there is one.
    public var summary: String {
        if converged { return "converged" }
        return "differ on "
            + keys.map { key in
                key + " ("
                    + differences[key]!.sorted { $0.key < $1.key }
                    .map { "\($0.key)=\($0.value?.description ?? "absent")" }.joined(separator: ", ") + ")"
            }.joined(separator: "; ") + (cause.map { " [\($0)]" } ?? "")
    }
}

/// What the running tabs are doing about their state, for a status bar: agreeing, still passing
/// messages (`propagating`), or quiet yet different (`diverged`).
public enum SyncProgress: Sendable, Equatable {
    case converged
    /// Messages carrying state (STATE_UPDATE, STATE_RESPONSE) are still on their way to running
    /// tabs, or local changes wait to be sent, or a tab is still joining: a difference now may yet
    /// settle. Heartbeats, pings and election messages do not count: they never settle a value, and
    /// on a slow network some are always on their way.
    case propagating(messagesInFlight: Int, pendingTabs: [String])
    /// Nothing is on its way, and the tabs differ.
    case diverged(Convergence)
}
