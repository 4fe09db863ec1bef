/// Text that came from a file or a peer, made safe to write to a terminal.
///
/// Tab names, state values, `say:` lines, injected frames and peers' tab ids are written by
/// whoever controls a scenario file or any process on the channel. Written raw, their control
/// characters drive the reader's terminal: ESC and the 8-bit CSI (U+009B) start sequences that
/// move the cursor, recolour or clear the screen, OSC 52 sets the clipboard, a newline forges a
/// line (a fake `PASS`), and the bidi overrides reorder what is displayed ("Trojan Source").
/// Every output of the package (`tabsim`'s lines and errors, the terminal UI's screen, the
/// engine's log) passes its text through ``escaped(_:notation:)`` at the point where it is
/// written, so that none of these reach a terminal and a value stays on its line.
///
/// Escaped are the C0 controls U+0000–U+001F (tab and newline included), DEL U+007F, the C1
/// controls U+0080–U+009F and the bidi embeddings, overrides and isolates U+202A–U+202E and
/// U+2066–U+2069. Each becomes a visible escape of printable ASCII: `\u{1b}` in text for people,
/// `\u001b` in a JSON line (a JSON string escape, so the line still parses to the same value).
/// The result contains none of those characters, so escaping again changes nothing.
public enum TerminalText {
    /// How an escaped character is written.
    public enum Notation: Sendable {
        /// `\u{1b}`: Swift's notation, for text read by people.
        case swift
        /// `\u001b`: JSON's string escape, for a line that is JSON (it stays valid, with the same value).
        case json
    }

    /// `text` with every character that could control a terminal written as a visible escape.
    /// Returns `text` itself (no copy) when there is nothing to escape, the common case.
    public static func escaped(_ text: String, notation: Notation = .swift) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            switch notation {
            case .swift: out += "\\u{" + hex + "}"
            case .json: out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out
    }

    /// True for a character that ``escaped(_:notation:)`` escapes.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
