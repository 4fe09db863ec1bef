import TabSync

/// Times in scenario files: `250ms`, `2s`, `1.5s`, `1m`, or a bare number of milliseconds.
/// Whole milliseconds only: `1.0005s` is refused rather than rounded, so a file means what it says.
public enum ScenarioDuration {
    public static func parse(_ text: String) -> Milliseconds? {
        let units: [(String, Double)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard number.first?.isNumber == true, let n = Double(number), n >= 0, n.isFinite else { return nil }
            let ms = n * scale
            return ms.rounded() == ms && ms < 1e15 ? Milliseconds(ms) : nil
        }
        return Int(text).flatMap { $0 >= 0 ? $0 : nil }
    }
}
