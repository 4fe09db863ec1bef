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

    @Test(arguments: [(40, 10, 3), (70, 20, 3), (59, 40, 1), (200, 15, 2)])
    func tooSmallScreensAreSaidSo(width: Int, height: Int, tabs: Int) {
        #expect(Layout(width: width, height: height, tabCount: tabs).tooSmall)
    }
}
