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
/// into rows; when not every row fits, the rows that fit, paged so the selected tab shows; the
/// traffic log below, then (in the simulator's UI) the timeline, a status bar and a key-hint bar.
public struct Layout: Equatable, Sendable {
    public static let paneHeight = 11
    public static let minPaneWidth = 24
    public static let minLogHeight = 3
    public static let minWidth = 60
    /// The smallest screen the UI draws on, whatever the number of tabs (panes page beyond it).
    public static let minHeight = paneHeight + minLogHeight + 2

    /// The panes shown, for tabs `firstTab ..< firstTab + panes.count`.
    public var panes: [Rect] = []
    public var firstTab = 0
    public var tabCount = 0
    public var log = Rect(x: 0, y: 0, width: 0, height: 0)
    public var status = Rect(x: 0, y: 0, width: 0, height: 0)
    public var hints = Rect(x: 0, y: 0, width: 0, height: 0)
    /// The timeline's row (`Timeline`), above the status bar; empty where the screen has none.
    public var timeline = Rect(x: 0, y: 0, width: 0, height: 0)
    /// Set when the screen cannot show one row of panes and a few log lines: the UI says so instead.
    public var tooSmall = false

    /// The smallest screen height with the timeline's row (`timeline: true`) or without.
    public static func minHeight(timeline: Bool) -> Int { minHeight + (timeline ? 1 : 0) }

    /// `timeline`: a row for the timeline above the status bar (the simulator's UI; a live screen
    /// has no rewind, hence none).
    public init(width: Int, height: Int, tabCount: Int, selected: Int = 0, timeline: Bool = true) {
        self.tabCount = tabCount
        let count = max(1, tabCount)
        let columns = max(1, min(count, (width + 1) / (Self.minPaneWidth + 1)))
        let rows = (count + columns - 1) / columns
        let paneWidth = (width - (columns - 1)) / columns
        let bars = timeline ? 3 : 2
        let visibleRows = min(rows, (height - bars - Self.minLogHeight) / Self.paneHeight)
        guard width >= Self.minWidth, height >= Self.minHeight(timeline: timeline), paneWidth >= Self.minPaneWidth,
            visibleRows >= 1
        else {
            tooSmall = true
            return
        }
        // Page through the rows so the selected tab's row shows.
        let selectedRow = max(0, min(count - 1, selected)) / columns
        let firstRow = min((selectedRow / visibleRows) * visibleRows, rows - visibleRows)
        firstTab = firstRow * columns
        let lastTab = min(tabCount, (firstRow + visibleRows) * columns)
        for i in firstTab..<max(firstTab, lastTab) {
            let row = i / columns - firstRow
            let col = i % columns
            panes.append(
                Rect(x: col * (paneWidth + 1), y: row * Self.paneHeight, width: paneWidth, height: Self.paneHeight))
        }
        let panesHeight = visibleRows * Self.paneHeight
        log = Rect(x: 0, y: panesHeight, width: width, height: height - panesHeight - bars)
        if timeline { self.timeline = Rect(x: 0, y: height - 3, width: width, height: 1) }
        status = Rect(x: 0, y: height - 2, width: width, height: 1)
        hints = Rect(x: 0, y: height - 1, width: width, height: 1)
    }

    /// True when some tabs have no pane on screen (Tab and Shift-Tab page to them).
    public var isPaged: Bool { panes.count < tabCount }
    /// Log lines shown under the log's title.
    public var logRows: Int { max(0, log.height - 1) }
}
