/// An asciinema cast, format v2 (https://docs.asciinema.org/manual/asciicast/v2/), of the screen as
/// drawn: a header line (`{"version": 2, "width": ..., "height": ..., "timestamp": ...}`), then one
/// `[time, "o", data]` line per frame that changed something, `data` being only the escape-coded
/// changes (`AnsiScreen.diff`), and a `[time, "r", "WxH"]` line when the screen's size changes.
/// Times are the seconds of wall time since the start, as the user saw them (the simulation runs on
/// its virtual clock, sped up or slowed down: a viewer sees what the user saw), never decreasing.
/// Pure: it returns lines; `CastFile` writes them.
public struct CastWriter: Sendable {
    public let width: Int
    public let height: Int
    /// False: drawn as the terminal draws without colours (NO_COLOR), attributes only.
    public let colors: Bool
    /// The screen the last event left, to write only what changed.
    private var shown: ScreenBuffer?
    private var lastSeconds = 0.0

    public init(width: Int, height: Int, colors: Bool = true) {
        self.width = width
        self.height = height
        self.colors = colors
    }

    /// The header line: the size at the start, the Unix time of the start, and a title.
    public func header(timestamp: Int, title: String) -> String {
        "{\"version\": 2, \"width\": \(width), \"height\": \(height), \"timestamp\": \(timestamp), "
            + "\"title\": \(Self.jsonString(title)), \"env\": {\"TERM\": \"xterm-256color\"}}"
    }

    /// The event lines for `screen` drawn at `seconds` since the start: none when nothing changed,
    /// a resize event first when its size differs from the last one drawn.
    public mutating func frame(_ screen: ScreenBuffer, atSeconds seconds: Double) -> [String] {
        let time = Self.time(max(lastSeconds, seconds.isFinite ? seconds : lastSeconds))
        var lines: [String] = []
        let previousSize = shown.map { ($0.width, $0.height) } ?? (width, height)
        if previousSize != (screen.width, screen.height) {
            lines.append("[\(time), \"r\", \"\(screen.width)x\(screen.height)\"]")
        }
        let data = AnsiScreen.diff(from: shown, to: screen, colors: colors)
        shown = screen
        if !data.isEmpty { lines.append("[\(time), \"o\", \(Self.jsonString(data))]") }
        if !lines.isEmpty { lastSeconds = max(lastSeconds, seconds.isFinite ? seconds : lastSeconds) }
        return lines
    }

    /// Seconds with millisecond precision, as asciinema writes them (`1.234`).
    static func time(_ seconds: Double) -> String {
        let ms = Int((max(0, seconds) * 1000).rounded())
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// `s` as a JSON string: quotes and backslashes escaped, every control character (ESC among
    /// them) and DEL as `\uXXXX`, the rest as it is (JSON text is UTF-8).
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
