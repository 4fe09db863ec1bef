/// What a libFuzzer target does with one input, whichever harness judges it: nothing when the
/// input broke no property, a crash naming what it broke otherwise (libFuzzer keeps crashing inputs).
public enum FuzzInput {
    /// Judges the `size` bytes at `data` by `problems`; the value libFuzzer expects of a test.
    public static func check(
        _ data: UnsafePointer<UInt8>?, _ size: Int, by problems: (UnsafeBufferPointer<UInt8>) -> [String]
    ) -> CInt {
        let found = problems(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
        if !found.isEmpty { fatalError(found.joined(separator: "; ")) }
        return 0
    }
}
