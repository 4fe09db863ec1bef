import TabSync

/// What a cell means, not how it looks: the terminal layer maps roles to colours, or to plain
/// attributes when colours are off (NO_COLOR, a monochrome terminal).
public enum ColorRole: Int, CaseIterable, Sendable {
    case normal = 0
    case paneLight, paneDark, paneSystem, paneHighContrast, paneClosed, paneCrashed
    case title, selectedTitle
    case leader, follower, candidate
    case crashed, frozen, warning
    case logState, logElection, logPresence, logApplied, logFault, logAction, logVerdictPass, logVerdictFail
    case statusBar, hintBar, help
}

/// One cell's style: a colour role and emphasis.
public struct CellStyle: Hashable, Sendable {
    public var role: ColorRole
    public var bold: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(_ role: ColorRole = .normal, bold: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }
}

/// A whole frame as a grid of characters and styles: everything the UI draws goes here first,
/// so tests read the screen without a terminal and the terminal layer only copies it out.
public struct ScreenBuffer: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var chars: [Character]
    public private(set) var styles: [CellStyle]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        chars = Array(repeating: " ", count: self.width * self.height)
        styles = Array(repeating: CellStyle(), count: self.width * self.height)
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` and to the screen. Returns the columns written.
    /// Control characters and bidi overrides (a tab name, a value, a peer's frame) are written as
    /// their `TerminalText` escape, one cell per character of it: the terminal never sees them, and
    /// columns are counted on what is shown.
    @discardableResult
    public mutating func put(
        _ text: String, x: Int, y: Int, style: CellStyle = CellStyle(), maxWidth: Int? = nil
    ) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width - max(0, x), maxWidth ?? Int.max)
        var col = x
        var written = 0
        // Most text is printable ASCII: one byte, one cell, without walking grapheme clusters.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            for byte in text.utf8 {
                if written >= limit { break }
                if col >= 0 {
                    chars[y * width + col] = Character(Unicode.Scalar(byte))
                    styles[y * width + col] = style
                }
                col += 1
                written += 1
            }
            return written
        }
        for ch in TerminalText.escaped(text) {
            if written >= limit { break }
            if col >= 0 {
                // Wide characters (CJK, emoji) would take two cells: shown as `?` to keep columns aligned.
                chars[y * width + col] = Self.isWide(ch.unicodeScalars.first?.value ?? 0) ? "?" : ch
                styles[y * width + col] = style
            }
            col += 1
            written += 1
        }
        return written
    }

    /// True for the East Asian wide ranges (Hangul Jamo, CJK, Hangul syllables, fullwidth forms,
    /// emoji). Arrows, box drawing, blocks and geometric shapes (the diagram's and the bars') are narrow.
    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
            0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
            0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Fills a rectangle with spaces of one style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, style: CellStyle) {
        for row in max(0, y)..<min(height, y + h) {
            for col in max(0, x)..<min(width, x + w) {
                chars[row * width + col] = " "
                styles[row * width + col] = style
            }
        }
    }

    public func character(x: Int, y: Int) -> Character { chars[y * width + x] }
    public func style(x: Int, y: Int) -> CellStyle { styles[y * width + x] }

    /// One row as text.
    public func line(_ y: Int) -> String {
        String(chars[(y * width)..<((y + 1) * width)])
    }

    /// The whole frame as text, rows separated by newlines (trailing spaces trimmed).
    public var text: String {
        (0..<height).map { String(line($0).reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }
}
