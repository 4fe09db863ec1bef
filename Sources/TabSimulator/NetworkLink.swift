/// One direction between two tabs, by name: `from` can no longer reach `to` while the link is cut,
/// though `to` may still reach `from` (a one-way fault, which symmetric partitions cannot express).
/// Names, not ids, so a reopened tab stays behind the cut, as it stays in its partition group.
public struct NetworkLink: Hashable, Sendable, CustomStringConvertible {
    public let from: String
    public let to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    /// `A -> B`, as the log prints it.
    public var description: String { "\(from) -> \(to)" }
}
