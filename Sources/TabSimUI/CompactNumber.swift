/// A number in few columns, abbreviated instead of cut: `950`, `1.2k`, `20k`, `3.4M`. The digits
/// shown are never more than the number holds (rounded down), so a cut never shows a wrong value:
/// `prio 1000` in a narrow pane reads `prio 1.0k`, never `prio 100`.
public enum CompactNumber {
    /// The units, largest first.
    private static let units: [(size: UInt, name: String)] = [
        (1_000_000_000_000, "T"), (1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k"),
    ]

    public static func text(_ n: Int) -> String {
        let sign = n < 0 ? "-" : ""
        let m = n.magnitude
        guard let (size, unit) = units.first(where: { m >= $0.size }) else { return sign + "\(m)" }
        let whole = m / size
        if whole >= 10 { return sign + "\(whole)" + unit }
        return sign + "\(whole).\((m % size) * 10 / size)" + unit
    }
}
