import TabSync

/// What `S` saves: the screen as shown, as text (`ScreenBuffer.text`, a newline at the end) and as
/// SVG (`ScreenSVG`), in the current directory, named after the seed and the virtual time so that
/// shots of one session sort in time order.
public enum Screenshot {
    /// `tabsim-screen-seed1-t12.345s`: the files' name without its extension.
    public static func baseName(seed: UInt64, nowMs: Milliseconds) -> String {
        "tabsim-screen-seed\(seed)-t\(formatTime(nowMs).drop { $0 == " " })"
    }

    /// The screen's text file: each row, right-stripped, a newline after each.
    public static func text(_ screen: ScreenBuffer) -> String { screen.text + "\n" }
}
