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
///
/// A cell holds one Unicode scalar, which is what almost every cell shows: writing one costs a
/// store, where a `Character` costs a string's construction. The rare character of several scalars
/// (a letter and its combining accent) is kept aside in `clusters`, its cell marked `clustered`.
public struct ScreenBuffer: Sendable {
    public let width: Int
    public let height: Int
    private var scalars: [Unicode.Scalar]
    /// The characters of more than one scalar, by cell index (read only where `scalars` says so).
    private var clusters: [Int: Character] = [:]
    public private(set) var styles: [CellStyle]

    /// Marks a cell whose character is in `clusters` (a noncharacter: no text holds it).
    private static let clustered: Unicode.Scalar = "\u{FFFF}"
    private static let space: Unicode.Scalar = " "

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        scalars = Array(repeating: Self.space, count: self.width * self.height)
        styles = Array(repeating: CellStyle(), count: self.width * self.height)
    }

    /// Every cell's character, row after row.
    public var chars: [Character] { scalars.indices.map(character(at:)) }

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
        // Most text is printable ASCII, or the UI's own narrow symbols (arrows, bars, boxes): one
        // scalar, one cell, without walking grapheme clusters.
        if text.unicodeScalars.allSatisfy(Self.isAlone) {
            for scalar in text.unicodeScalars {
                if written >= limit { break }
                if col >= 0 {
                    scalars[y * width + col] = scalar
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
                let first = ch.unicodeScalars.first ?? Self.space
                if Self.isWide(first.value) {
                    scalars[y * width + col] = "?"
                } else if ch.unicodeScalars.count == 1 {
                    scalars[y * width + col] = first
                } else {
                    scalars[y * width + col] = Self.clustered
                    clusters[y * width + col] = ch
                }
                styles[y * width + col] = style
            }
            col += 1
            written += 1
        }
        return written
    }

    /// True for a scalar that is a whole character on its own, one cell wide and safe to show as
    /// it is: printable ASCII, Latin and IPA (up to U+02FF, past the C1 controls), and the arrows,
    /// technical symbols, box drawing, blocks and shapes (U+2190 to U+25FF). None of them combines
    /// with what follows, and a scalar that does (a combining mark, a joiner, a variation
    /// selector) lies outside, so its text takes the grapheme path.
    static func isAlone(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0x2FF, 0x2190...0x25FF: true
        default: false
        }
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
        let columns = max(0, x)..<min(width, x + w)
        guard !columns.isEmpty else { return }
        for row in max(0, y)..<min(height, y + h) {
            let cells = (row * width + columns.lowerBound)..<(row * width + columns.upperBound)
            scalars.withUnsafeMutableBufferPointer {
                UnsafeMutableBufferPointer(rebasing: $0[cells]).update(repeating: Self.space)
            }
            styles.withUnsafeMutableBufferPointer {
                UnsafeMutableBufferPointer(rebasing: $0[cells]).update(repeating: style)
            }
        }
    }

    public func character(x: Int, y: Int) -> Character { character(at: y * width + x) }
    public func style(x: Int, y: Int) -> CellStyle { styles[y * width + x] }

    private func character(at i: Int) -> Character {
        let scalar = scalars[i]
        return scalar == Self.clustered ? clusters[i] ?? " " : Character(scalar)
    }

    /// One row as text.
    public func line(_ y: Int) -> String {
        var out = ""
        for i in (y * width)..<((y + 1) * width) {
            if scalars[i] == Self.clustered {
                out.append(clusters[i] ?? " ")
            } else {
                out.unicodeScalars.append(scalars[i])
            }
        }
        return out
    }

    /// The whole frame as text, rows separated by newlines (trailing spaces trimmed).
    public var text: String {
        (0..<height).map { String(line($0).reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }
}
