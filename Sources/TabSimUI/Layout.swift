/// A rectangle of the screen.
public struct Rect: Equatable, Sendable {
    public var x, y, width, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Where everything goes for a screen size and a number of tabs: panes side by side, wrapping
/// into rows when the screen is narrow, the traffic log below, a status bar and a key-hint bar.
public struct Layout: Equatable, Sendable {
    public static let paneHeight = 11
    public static let minPaneWidth = 24
    public static let minLogHeight = 3
    public static let minWidth = 60

    public var panes: [Rect] = []
    public var log = Rect(x: 0, y: 0, width: 0, height: 0)
    public var status = Rect(x: 0, y: 0, width: 0, height: 0)
    public var hints = Rect(x: 0, y: 0, width: 0, height: 0)
    /// Set when the screen cannot show every pane and a few log lines: the UI says so instead.
    public var tooSmall = false

    public init(width: Int, height: Int, tabCount: Int) {
        let count = max(1, tabCount)
        let columns = max(1, min(count, (width + 1) / (Self.minPaneWidth + 1)))
        let rows = (count + columns - 1) / columns
        let paneWidth = (width - (columns - 1)) / columns
        let panesHeight = rows * Self.paneHeight
        let logHeight = height - panesHeight - 2
        guard width >= Self.minWidth, paneWidth >= Self.minPaneWidth, logHeight >= Self.minLogHeight else {
            tooSmall = true
            return
        }
        for i in 0..<tabCount {
            let row = i / columns, col = i % columns
            panes.append(Rect(x: col * (paneWidth + 1), y: row * Self.paneHeight, width: paneWidth, height: Self.paneHeight))
        }
        log = Rect(x: 0, y: panesHeight, width: width, height: logHeight)
        status = Rect(x: 0, y: height - 2, width: width, height: 1)
        hints = Rect(x: 0, y: height - 1, width: width, height: 1)
    }

    /// The smallest screen that fits `tabCount` panes side by side in one row, plus the log.
    public static func minimumSize(tabCount: Int) -> (width: Int, height: Int) {
        (max(minWidth, max(1, tabCount) * (minPaneWidth + 1) - 1), paneHeight + minLogHeight + 2)
    }
}
