import TabSync

/// A safety property that did not hold, with when and why: what the checker reports and the
/// fuzzer prints with its seed.
public struct Violation: Sendable, Equatable, CustomStringConvertible {
    public let timeMs: Milliseconds
    /// The property's name, e.g. `at most one leader per epoch`.
    public let property: String
    public let detail: String

    public init(timeMs: Milliseconds, property: String, detail: String) {
        self.timeMs = timeMs
        self.property = property
        self.detail = detail
    }

    public var description: String { "\(formatTime(timeMs).trimmingLeadingSpaces) \(property): \(detail)" }
}

extension String {
    var trimmingLeadingSpaces: String { String(drop(while: { $0 == " " })) }
}
