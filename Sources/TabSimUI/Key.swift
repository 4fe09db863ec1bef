/// A key press as the UI sees it, whatever bytes the terminal sent for it.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, pageUp, pageDown, home, end, backTab, escape

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
        }
    }
}

/// Turns the bytes a terminal sends into keys. Knows the sequences xterm, tmux, screen and the
/// Linux console send for the arrows, Home, End, PgUp, PgDn and Shift-Tab (CSI and SS3 forms,
/// with or without modifiers), and swallows every other escape sequence whole, so an unknown
/// key never reads as the letters and digits it is made of. Pure: the device feeds it bytes.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// True while the bytes so far begin an escape sequence: the device should wait briefly for
    /// more before calling `flush()`.
    public var isInsideSequence: Bool { !pending.isEmpty }

    /// Feeds one byte; returns the key it completes, if any.
    public mutating func feed(_ byte: UInt8) -> Key? {
        if pending.isEmpty {
            switch byte {
            case 0x1B:
                pending = [byte]
                return nil
            case 0x09: return .char("\t")
            case 0x20...0x7E: return .char(Character(UnicodeScalar(byte)))
            default: return nil  // other controls and UTF-8 bytes: no key uses them
            }
        }
        pending.append(byte)
        if pending.count == 2 {
            // ESC [ and ESC O start a sequence; ESC followed by anything else is Alt+key: ignored.
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "O") { return nil }
            pending = byte == 0x1B ? [byte] : []
            return nil
        }
        // A CSI or SS3 sequence ends with a byte from @ to ~; parameters and intermediates come before.
        if (0x40...0x7E).contains(byte) {
            defer { pending = [] }
            return Self.known(pending)
        }
        if pending.count > 32 { pending = [] }  // not a sequence any terminal sends: drop it
        return nil
    }

    /// Called when no byte followed in time: a lone ESC is the Esc key; a cut-off sequence is dropped.
    public mutating func flush() -> Key? {
        defer { pending = [] }
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
