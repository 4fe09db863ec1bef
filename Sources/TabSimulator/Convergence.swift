import TabSync

/// Whether the running tabs agree on the synced state, and where they do not. Divergence is a
/// finding, not a violation: last-write-wins in arrival order lets concurrent edits diverge, and
/// the UI and the scenarios show it.
public struct Convergence: Sendable, Equatable {
    /// Keys on which running tabs disagree, with each tab's value (nil: the tab lacks the key).
    public let differences: [String: [String: JSONValue?]]

    public init(differences: [String: [String: JSONValue?]]) {
        self.differences = differences
    }

    public var converged: Bool { differences.isEmpty }
    /// The differing keys, sorted.
    public var keys: [String] { differences.keys.sorted() }

    /// `converged`, or `differ on theme (A=dark, B=light)`.
    public var summary: String {
        if converged { return "converged" }
        return "differ on " + keys.map { key in
            key + " (" + differences[key]!.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value?.description ?? "absent")" }.joined(separator: ", ") + ")"
        }.joined(separator: "; ")
    }
}
