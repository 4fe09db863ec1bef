import Testing

@testable import TabSimUI

@Suite struct LayoutTests {
    @Test func threeTabsSideBySide() {
        let l = Layout(width: 160, height: 48, tabCount: 3)
        #expect(!l.tooSmall)
        #expect(l.panes.count == 3)
        #expect(Set(l.panes.map(\.y)) == [0])
        #expect(l.panes[1].x > l.panes[0].x + l.panes[0].width - 1)
        #expect(l.log.y == Layout.paneHeight)
        #expect(l.status.y == 46)
        #expect(l.hints.y == 47)
    }

    @Test func eightTabsFitOneRowAt200Columns() {
        let l = Layout(width: 200, height: 60, tabCount: 8)
        #expect(!l.tooSmall)
        #expect(Set(l.panes.map(\.y)) == [0])
        #expect(l.panes.allSatisfy { $0.width >= Layout.minPaneWidth && $0.x + $0.width <= 200 })
    }

    @Test func narrowScreensWrapPanesIntoRows() {
        let l = Layout(width: 80, height: 40, tabCount: 5)
        #expect(!l.tooSmall)
        #expect(Set(l.panes.map(\.y)) == [0, Layout.paneHeight])
        #expect(l.log.y == 2 * Layout.paneHeight)
        #expect(l.log.height >= Layout.minLogHeight)
    }

    @Test(arguments: [(40, 10, 3), (70, 15, 3), (59, 40, 1), (200, 15, 2)])
    func tooSmallScreensAreSaidSo(width: Int, height: Int, tabs: Int) {
        #expect(Layout(width: width, height: height, tabCount: tabs).tooSmall)
    }

    @Test func twentySixTabsFitInRowsAt200x60() {
        let l = Layout(width: 200, height: 60, tabCount: 26)
        #expect(!l.tooSmall && !l.isPaged)
        #expect(l.panes.count == 26)
        #expect(l.panes.allSatisfy { $0.x + $0.width <= 200 && $0.y + $0.height <= l.log.y })
        #expect(l.logRows >= Layout.minLogHeight - 1)
    }

    @Test func rowsThatDoNotFitArePagedToTheSelectedTab() {
        let first = Layout(width: 120, height: 30, tabCount: 26, selected: 0)
        // Four panes a row, two rows a page.
        #expect(first.isPaged && first.firstTab == 0 && first.panes.count == 8)
        let later = Layout(width: 120, height: 30, tabCount: 26, selected: 17)
        #expect(later.firstTab == 16 && later.panes.count == 8)
        // The last page is kept full: rows 5 and 6 (tabs 21-26).
        let last = Layout(width: 120, height: 30, tabCount: 26, selected: 25)
        #expect(last.firstTab == 20 && last.panes.count == 6)
        #expect(last.panes.allSatisfy { $0.x + $0.width <= 120 })
    }
}
