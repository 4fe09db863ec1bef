/// A key press as the UI sees it, whatever bytes the terminal sent for it.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, pageUp, pageDown, home, end, backTab, escape
    /// A mouse report (`MouseEvent`); `MouseInput` turns it into an action.
    case mouse(MouseEvent)

    /// How the help overlay, the hint bar and the README name the key.
    public var label: String {
        switch self {
        case .char(" "): "space"
        case .char("\t"): "Tab"
        case .char(let c): String(c)
        case .up: "Up"
        case .down: "Down"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .backTab: "Shift-Tab"
        case .escape: "Esc"
        case .mouse: "mouse"
        }
    }
}

/// Turns the bytes a terminal sends into keys. Knows the sequences xterm, tmux, screen and the
/// Linux console send for the arrows, Home, End, PgUp, PgDn and Shift-Tab (CSI and SS3 forms,
/// 7-bit or 8-bit, with or without modifiers), and swallows every other escape sequence whole, so
/// an unknown key never reads as the letters and digits it is made of. Pure: the device feeds it bytes.
///
/// The string sequences (OSC `ESC ]`, DCS `ESC P`, APC `ESC _`, PM `ESC ^`, SOS `ESC X`, and
/// their 8-bit forms U+009D, U+0090, U+009F, U+009E, U+0098) are swallowed up to their end: BEL,
/// ST (`ESC \` or U+009C), or CAN/SUB, which cancel one. Their text is never keys: an `ESC ] 1 ;
/// x BEL` does not select tab 1 and a `q` inside a DCS does not quit. Nothing of them is kept, only
/// a count: one longer than `maxStringBytes` (4096) bytes is not one a terminal sends unasked
/// (tabsim asks for none), but a lost terminator, so it is given up there and the bytes after it
/// are keys again; a pause in the input (`flush()`) gives one up as well. An 8-bit control counts
/// as such raw (an 8-bit terminal) or UTF-8 encoded (U+0080–U+009F as C2 80–C2 9F), never as the
/// continuation byte of another character (`Ŝ` is C5 9C, not ST).
///
/// Mouse reports become `.mouse` keys: SGR (`CSI < b ; x ; y M` or `m`) and X10 (`CSI M` and three
/// raw bytes, read as such even when they are not ASCII), so a click never reads as keys either.
public struct KeyDecoder: Sendable {
    /// The longest string sequence swallowed, in bytes after its introducer.
    public static let maxStringBytes = 4096

    /// ESC and what followed it, while a CSI or SS3 sequence (or Alt+key) is being read.
    private var pending: [UInt8] = []
    /// Inside a string sequence: bytes of it so far, and whether the last one was ESC (maybe ST).
    private var string: (bytes: Int, afterEscape: Bool)?
    /// The bytes of an X10 mouse report read so far, after its `CSI M` (three are raw bytes, whatever
    /// their value: not UTF-8, not controls).
    private var mouseBytes: [UInt8]?
    /// UTF-8 continuation bytes still expected, and the character's bits so far.
    private var utf8Needed = 0
    private var utf8Bits: UInt32 = 0

    public init() {}

    /// True while the bytes so far begin an escape sequence: the device should wait briefly for
    /// more before calling `flush()`.
    public var isInsideSequence: Bool { !pending.isEmpty || string != nil || mouseBytes != nil }

    /// Feeds one byte; returns the key it completes, if any.
    public mutating func feed(_ byte: UInt8) -> Key? {
        if var report = mouseBytes {
            report.append(byte)
            guard report.count == 3 else {
                mouseBytes = report
                return nil
            }
            mouseBytes = nil
            return MouseEvent.x10(report).map { Key.mouse($0) }
        }
        let unit = control(byte)
        guard var s = string else { return feed(unit: unit) }
        s.bytes += 1
        if s.afterEscape {
            string = nil
            if unit == UInt8(ascii: "\\") { return nil }  // ST: the end
            // ESC then anything else cuts the string short, and begins a sequence of its own.
            pending = [0x1B]
            return feed(unit: unit)
        }
        switch unit {
        case 0x07, 0x9C, 0x18, 0x1A:  // BEL, ST; CAN and SUB cancel
            string = nil
            return nil
        case 0x1B: s.afterEscape = true
        default: break
        }
        string = s.bytes >= Self.maxStringBytes && !s.afterEscape ? nil : s
        return nil
    }

    /// One byte as the decoder sees it: ASCII as itself, a C1 control as its code (0x80-0x9F, raw
    /// or UTF-8 encoded); nil for a byte of any other character, which no key uses.
    private mutating func control(_ byte: UInt8) -> UInt8? {
        if utf8Needed > 0 {
            if byte & 0xC0 == 0x80 {
                utf8Bits = utf8Bits << 6 | UInt32(byte & 0x3F)
                utf8Needed -= 1
                return utf8Needed == 0 && (0x80...0x9F).contains(utf8Bits) ? UInt8(utf8Bits) : nil
            }
            utf8Needed = 0  // a character cut short: this byte stands on its own
        }
        switch byte {
        case 0x00...0x9F: return byte
        case 0xC2...0xDF: (utf8Needed, utf8Bits) = (1, UInt32(byte & 0x1F))
        case 0xE0...0xEF: (utf8Needed, utf8Bits) = (2, UInt32(byte & 0x0F))
        case 0xF0...0xF4: (utf8Needed, utf8Bits) = (3, UInt32(byte & 0x07))
        default: break  // a stray continuation byte, or not UTF-8
        }
        return nil
    }

    /// Feeds one ASCII byte or C1 control (nil: a byte of another character), outside a string sequence.
    private mutating func feed(unit: UInt8?) -> Key? {
        guard let unit else {
            if pending.count == 1 { pending = [] }  // Alt + a character no key uses
            return nil
        }
        if pending.isEmpty {
            switch unit {
            case 0x1B:
                pending = [unit]
                return nil
            case 0x09: return .char("\t")
            case 0x20...0x7E: return .char(Character(UnicodeScalar(unit)))
            case 0x9B: pending = [0x1B, UInt8(ascii: "[")]  // CSI, 8-bit
            case 0x8F: pending = [0x1B, UInt8(ascii: "O")]  // SS3, 8-bit
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F: string = (0, false)  // DCS, SOS, OSC, PM, APC, 8-bit
            default: break  // other controls: no key uses them
            }
            return nil
        }
        if pending.count == 1 {
            // ESC [ and ESC O start a sequence, ESC ] P _ ^ X a string; ESC followed by anything
            // else is Alt+key: ignored.
            switch unit {
            case UInt8(ascii: "["), UInt8(ascii: "O"): pending.append(unit)
            case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "X"):
                pending = []
                string = (0, false)
            case 0x1B: break  // ESC ESC: the second may begin a sequence
            default: pending = []
            }
            return nil
        }
        // Inside CSI or SS3: ESC or a C1 control cuts it short and is read afresh; other C0
        // controls are not part of it.
        if unit == 0x1B || unit >= 0x80 {
            pending = []
            return feed(unit: unit)
        }
        if unit < 0x20 { return nil }
        if pending == [0x1B, UInt8(ascii: "[")], unit == UInt8(ascii: "M") {
            pending = []
            mouseBytes = []  // X10 mouse: three raw bytes follow
            return nil
        }
        pending.append(unit)
        // A CSI or SS3 sequence ends with a byte from @ to ~; parameters and intermediates come before.
        if (0x40...0x7E).contains(unit) {
            defer { pending = [] }
            return Self.known(pending)
        }
        if pending.count > 32 { pending = [] }  // not a sequence any terminal sends: drop it
        return nil
    }

    /// Called when no byte followed in time: a lone ESC is the Esc key; a cut-off sequence (a string
    /// sequence too) is dropped.
    public mutating func flush() -> Key? {
        defer {
            pending = []
            string = nil
            mouseBytes = nil
        }
        return pending == [0x1B] ? .escape : nil
    }

    /// Decodes a whole byte string (tests, and devices that read in chunks); ends with `flush()`.
    public static func keys(_ bytes: [UInt8]) -> [Key] {
        var decoder = KeyDecoder()
        var out = bytes.compactMap { decoder.feed($0) }
        if let last = decoder.flush() { out.append(last) }
        return out
    }

    private static func known(_ seq: [UInt8]) -> Key? {
        let final = Character(UnicodeScalar(seq[seq.count - 1]))
        let params = String(decoding: seq[2..<(seq.count - 1)], as: UTF8.self)
        // Modifiers (`1;5A`: Ctrl-Up) do not change what the key does here.
        let first = params.split(separator: ";").first.map(String.init) ?? ""
        if params.hasPrefix("<"), final == "M" || final == "m" {
            return MouseEvent.sgr(String(params.dropFirst()), final: final).map { Key.mouse($0) }
        }
        switch final {
        case "A": return .up
        case "B": return .down
        case "H": return .home
        case "F": return .end
        case "Z": return seq[1] == UInt8(ascii: "[") ? .backTab : nil
        case "~":
            switch first {
            case "1", "7": return .home
            case "4", "8": return .end
            case "5": return .pageUp
            case "6": return .pageDown
            default: return nil
            }
        default: return nil
        }
    }
}
