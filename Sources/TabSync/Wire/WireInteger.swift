/// The one definition of the integers a frame may carry, used by the JSON decoder, the range check
/// and the arithmetic on received numbers alike.
///
/// JSON numbers are doubles: a JavaScript tab can send exactly the integers of magnitude at most
/// 2^53 - 1 (`Number.MAX_SAFE_INTEGER`). A number the decoder accepts is in this range, every
/// number the range check accepts decodes, and every sum the engine makes of received numbers
/// saturates at the range's ends instead of leaving it: what one tab computes (an epoch plus one,
/// a version's time plus one) another tab can always read.
public enum WireInteger {
    /// 2^53 - 1, JavaScript's `Number.MAX_SAFE_INTEGER`.
    public static let max = 9_007_199_254_740_991
    /// Every integer a frame may carry.
    public static let range: ClosedRange<Int> = -max...max
    /// The counts (epochs, request ids, version counters): 0 or more.
    public static let counts: ClosedRange<Int> = 0...max

    /// The integer a JSON number stands for, when it is whole and in `range`.
    @inlinable
    public static func exactly(_ n: Double) -> Int? {
        guard n.isFinite, n.rounded() == n, n.magnitude <= Double(max) else { return nil }
        return Int(n)
    }

    /// `a + b`, held within `range`: no sum of received numbers traps or leaves what the wire carries.
    @inlinable
    public static func adding(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        if overflow { return b > 0 ? max : -max }
        return Swift.min(max, Swift.max(-max, sum))
    }

    /// What is wrong with `value` as the field `field` (out of `range`, or of `counts` when
    /// `nonNegative`), or nil; the field's name is built only when something is.
    static func problem(_ value: Int?, _ field: @autoclosure () -> String, nonNegative: Bool = false) -> String? {
        guard let value else { return nil }
        let range = nonNegative ? counts : self.range
        return range.contains(value)
            ? nil : "field '\(field())' is \(value), outside \(range.lowerBound)...\(range.upperBound)"
    }
}
