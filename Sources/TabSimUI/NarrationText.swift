import TabSync

/// A lesson's text as the narration panel shows it: escaped (`TerminalText`: a lesson file may
/// hold control characters), in lines of at most `width` columns. Words stay whole where they fit;
/// a word longer than a line is broken across lines, never cut, so nothing a lesson says is lost.
/// A line break in the text starts a new line. Pure.
public enum NarrationText {
    /// `text` in lines of at most `width` columns (as escaped text counts them), the first starting
    /// with `first` (`» `), the next ones with as many spaces: a hanging indent. A `first` that
    /// leaves no room is dropped. Never empty: an empty text is one line, `first` alone.
    public static func wrap(_ text: String, width: Int, first: String = "") -> [String] {
        let width = max(1, width)
        let first = first.count < width ? first : ""
        let indent = String(repeating: " ", count: first.count)
        let room = width - first.count
        var lines: [String] = []
        var line = ""
        func flush() {
            lines.append((lines.isEmpty ? first : indent) + line)
            line = ""
        }
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !lines.isEmpty || !line.isEmpty { flush() }
            for piece in TerminalText.escaped(String(paragraph)).split(separator: " ") {
                var word = Substring(piece)
                if !line.isEmpty {
                    if line.count + 1 + word.count <= room {
                        line += " " + word
                        continue
                    }
                    flush()
                }
                while word.count > room {
                    line = String(word.prefix(room))
                    word = word.dropFirst(room)
                    flush()
                }
                line = String(word)
            }
        }
        if !line.isEmpty || lines.isEmpty { flush() }
        return lines
    }
}
