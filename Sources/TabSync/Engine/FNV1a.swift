/// FNV-1a (64 bits) over strings, each followed by a 0xff separator so that ("ab", "c") and
/// ("a", "bc") differ. Deterministic across processes and runs, unlike `Hasher`: what one tab
/// computes (a digest, a configuration fingerprint), another compares.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func mix(_ text: String) {
        var text = text
        // A native string is contiguous UTF-8 already: its bytes are read in place.
        text.withUTF8 { bytes in
            for byte in bytes { mix(byte: byte) }
        }
        mix(byte: 0xff)
    }

    /// `mix(String(n))` without making the string: the bytes of `n`'s decimal text, sign included.
    mutating func mix(decimal n: Int) {
        if n < 0 { mix(byte: UInt8(ascii: "-")) }
        let magnitude = n.magnitude
        var divisor: UInt = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while true {
            mix(byte: UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
            if divisor == 1 { break }
            divisor /= 10
        }
        mix(byte: 0xff)
    }

    private mutating func mix(byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x100_0000_01b3
    }

    /// The hash as `digits` hex digits (16: all of it; fewer: its high bits), zero-padded.
    func hex(digits: Int = 16) -> String {
        precondition((1...16).contains(digits), "a 64-bit hash has 1 to 16 hex digits")
        let shown = value >> UInt64(4 * (16 - digits))
        return String(unsafeUninitializedCapacity: digits) { text in
            for i in 0..<digits {
                let nibble = UInt8(truncatingIfNeeded: shown >> UInt64(4 * (digits - 1 - i))) & 0xf
                text[i] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return digits
        }
    }
}
