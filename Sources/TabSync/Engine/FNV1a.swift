/// FNV-1a (64 bits) over strings, each followed by a 0xff separator so that ("ab", "c") and
/// ("a", "bc") differ. Deterministic across processes and runs, unlike `Hasher`: what one tab
/// computes (a digest, a configuration fingerprint), another compares.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func mix(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        value ^= 0xff
        value = value &* 0x100_0000_01b3
    }

    /// The hash as `digits` hex digits (16: all of it; fewer: its high bits), zero-padded.
    func hex(digits: Int = 16) -> String {
        let text = String(value >> UInt64(4 * (16 - digits)), radix: 16)
        return String(repeating: "0", count: digits - text.count) + text
    }
}
