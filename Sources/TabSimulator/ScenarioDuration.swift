import TabSync

/// Times in scenario files: `250ms`, `2s`, `1.5s`, `1m`, or a bare whole number of milliseconds.
/// Plain decimal digits only, read exactly (not through `Double`, which also takes `0x10`,
/// `0x1p-2`, `1e3`, `inf` and `nan`, and makes `1.1s` 1100.0000000000002 ms): a time in a file is
/// one a reader can see at a glance. Whole milliseconds only: `1.0005s` is refused rather than
/// rounded, so a file means what it says.
public enum ScenarioDuration {
    /// The form a time takes, for error messages.
    public static let form = "decimal digits with ms, s or m, like 250ms, 2s, 1.5s or 1m"

    /// The milliseconds `text` means, or nil when it is not a time of this form (or has more than 13
    /// digits before the point; limits such as `ScenarioLimits.maxTimeMs` are checked by the caller).
    public static func parse(_ text: String) -> Milliseconds? {
        let units: [(suffix: String, scale: Int)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        let unit = units.first { text.hasSuffix($0.suffix) }
        let number = Array(text.utf8.dropLast(unit?.suffix.utf8.count ?? 0))
        let dot = number.firstIndex(of: UInt8(ascii: "."))
        let whole = number[..<(dot ?? number.endIndex)]
        var fraction = dot.map { number[($0 + 1)...] } ?? []
        // Digits before the point; after it, at least one digit, and only with a unit.
        guard isDigits(whole), dot == nil || (unit != nil && isDigits(fraction)) else { return nil }
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        let scale = unit?.scale ?? 1
        // 13 digits keep every product below Int.max; after the point, more than 6 digits (not
        // counting trailing zeros) are never whole milliseconds.
        guard whole.count <= 13, fraction.count <= 6 else { return nil }
        let wholeMs = value(whole) * scale
        let tenth = (0..<fraction.count).reduce(1) { p, _ in p * 10 }
        let fractionMs = value(fraction) * scale
        guard fractionMs % tenth == 0 else { return nil }
        return wholeMs + fractionMs / tenth
    }

    private static func isDigits(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func value(_ digits: some Collection<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
