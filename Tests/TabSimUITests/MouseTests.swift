import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The mouse: reports decoded from the terminal's bytes (SGR and X10), turned into actions by
/// `MouseInput` from what the screen shows, and what those actions do.
@Suite struct MouseTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func sgrReportsAreDecoded() {
        #expect(KeyDecoder.keys(bytes("\u{1B}[<0;12;3M")) == [.mouse(MouseEvent(.press(button: 0), x: 11, y: 2))])
        #expect(KeyDecoder.keys(bytes("\u{1B}[<2;1;1M")) == [.mouse(MouseEvent(.press(button: 2), x: 0, y: 0))])
        #expect(KeyDecoder.keys(bytes("\u{1B}[<0;12;3m")) == [.mouse(MouseEvent(.release, x: 11, y: 2))])
        #expect(KeyDecoder.keys(bytes("\u{1B}[<64;5;7M")) == [.mouse(MouseEvent(.wheelUp, x: 4, y: 6))])
        #expect(KeyDecoder.keys(bytes("\u{1B}[<65;5;7M")) == [.mouse(MouseEvent(.wheelDown, x: 4, y: 6))])
        #expect(KeyDecoder.keys(bytes("\u{1B}[<16;300;90M")) == [.mouse(MouseEvent(.press(button: 0), x: 299, y: 89))])
        // Motion, a cut-off or malformed report: nothing, and no key from its digits.
        #expect(KeyDecoder.keys(bytes("\u{1B}[<32;5;7M")).isEmpty)
        #expect(KeyDecoder.keys(bytes("\u{1B}[<0;5M")).isEmpty)
        #expect(KeyDecoder.keys(bytes("\u{1B}[<0;0;1M")).isEmpty)
        // 8-bit CSI, and a key right after.
        #expect(
            KeyDecoder.keys([0x9B] + bytes("<0;2;2Mq")) == [
                .mouse(MouseEvent(.press(button: 0), x: 1, y: 1)), .char("q"),
            ])
    }

    @Test func x10ReportsAreDecodedWhateverTheirBytes() {
        let press: [UInt8] = [0x1B, 0x5B, 0x4D, 32, 33 + 10, 33 + 2]
        #expect(KeyDecoder.keys(press) == [.mouse(MouseEvent(.press(button: 0), x: 10, y: 2))])
        #expect(KeyDecoder.keys([0x1B, 0x5B, 0x4D, 35, 33, 33]) == [.mouse(MouseEvent(.release, x: 0, y: 0))])
        #expect(KeyDecoder.keys([0x1B, 0x5B, 0x4D, 96, 40, 40]) == [.mouse(MouseEvent(.wheelUp, x: 7, y: 7))])
        // Columns past 94 are bytes past 0x7F: read raw, not as UTF-8 or C1 controls.
        #expect(
            KeyDecoder.keys([0x1B, 0x5B, 0x4D, 32, 0xF0, 0x9B]) == [
                .mouse(MouseEvent(.press(button: 0), x: 207, y: 122))
            ])
        // Its bytes are never keys: `1` and `q` here are a column and a row.
        #expect(
            KeyDecoder.keys([0x1B, 0x5B, 0x4D, 32, UInt8(ascii: "1"), UInt8(ascii: "q"), UInt8(ascii: "t")]) == [
                .mouse(MouseEvent(.press(button: 0), x: 16, y: 80)), .char("t"),
            ])
        // Cut short: dropped at the pause, and what follows is keys again.
        var decoder = KeyDecoder()
        #expect([0x1B, 0x5B, 0x4D, 32].compactMap { decoder.feed($0) }.isEmpty)
        #expect(decoder.isInsideSequence)
        #expect(decoder.flush() == nil)
        #expect(decoder.feed(UInt8(ascii: "q")) == .char("q"))
    }

    func press(_ x: Int, _ y: Int) -> MouseEvent { MouseEvent(.press(button: 0), x: x, y: y) }

    @Test func aClickOnAPaneSelectsItsTab() throws {
        let h = try Harness(width: 120, height: 30)
        h.run(ms: 100)  // the three tabs open at 0, 20 and 40 ms
        let layout = Layout(width: 120, height: 30, tabCount: 3)
        for (i, pane) in layout.panes.enumerated() {
            #expect(MouseInput.action(for: press(pane.x, pane.y), in: h.state, h.session) == .select(i))
            let inside = press(pane.x + pane.width - 1, pane.y + pane.height - 1)
            #expect(MouseInput.action(for: inside, in: h.state, h.session) == .select(i))
        }
        // Between panes, on the log, the status and the hint bar: nothing.
        #expect(MouseInput.action(for: press(layout.panes[1].x - 1, 3), in: h.state, h.session) == nil)
        for y in [layout.log.y + 2, layout.status.y, layout.hints.y] {
            #expect(MouseInput.action(for: press(5, y), in: h.state, h.session) == nil)
        }
        // Other buttons and releases: nothing.
        let pane = layout.panes[2]
        #expect(MouseInput.action(for: MouseEvent(.press(button: 2), x: pane.x, y: 1), in: h.state, h.session) == nil)
        #expect(MouseInput.action(for: MouseEvent(.release, x: pane.x, y: 1), in: h.state, h.session) == nil)
        h.send(try #require(MouseInput.action(for: press(pane.x + 3, 4), in: h.state, h.session)))
        #expect(h.state.selected == 2 && h.panes[2].selected)
    }

    /// With 26 tabs the panes page: a click selects the tab of the pane shown there.
    @Test func aClickOnAPagedPaneSelectsTheTabShown() throws {
        let h = try Harness(tabs: 26, width: 120, height: 30)
        h.run(ms: 1000)
        h.send(.select(17))
        let layout = Layout(width: 120, height: 30, tabCount: 26, selected: 17)
        #expect(layout.firstTab > 0)
        #expect(MouseInput.action(for: press(1, 1), in: h.state, h.session) == .select(layout.firstTab))
    }

    @Test func aClickOnTheTimelineJumpsThereWhilePaused() throws {
        let h = try Harness(width: 120, height: 30)
        h.run(ms: 20_000)
        h.send(.togglePause)
        let layout = Layout(width: 120, height: 30, tabCount: 3)
        let timeline = Timeline(h.state, h.session)
        let middle = timeline.track.x + timeline.track.count / 2
        let action = MouseInput.action(for: press(middle, layout.timeline.y), in: h.state, h.session)
        let time = timeline.time(ofColumn: timeline.track.count / 2)
        #expect(action == .jump(toMs: time))
        #expect((9_000...11_000).contains(time))
        h.send(try #require(action))
        #expect(h.sim.nowMs == time && h.session.isRewound)
        // The moment shown is where the click was; the present stays at the end.
        let after = Timeline(h.state, h.session)
        #expect(after.line[after.line.index(after.line.startIndex, offsetBy: middle)] == "●")
        // The label and the end's label are not the track.
        #expect(MouseInput.action(for: press(2, layout.timeline.y), in: h.state, h.session) == nil)
        #expect(MouseInput.action(for: press(119, layout.timeline.y), in: h.state, h.session) == nil)
        // The track's last column: the present again.
        let end = timeline.track.x + timeline.track.count - 1
        h.send(try #require(MouseInput.action(for: press(end, layout.timeline.y), in: h.state, h.session)))
        #expect(h.sim.nowMs == 20_000 && !h.session.isRewound)
    }

    @Test func theWheelScrollsTheLogOrHelp() throws {
        let h = try Harness(width: 80, height: 24)
        h.run(ms: 5_000)
        let up = MouseInput.action(for: MouseEvent(.wheelUp, x: 3, y: 15), in: h.state, h.session)
        #expect(up == .scrollUp(MouseInput.wheelLines))
        h.send(try #require(up))
        #expect(h.state.logScroll == 3)
        h.send(try #require(MouseInput.action(for: MouseEvent(.wheelDown, x: 3, y: 15), in: h.state, h.session)))
        #expect(h.state.logScroll == 0)
        h.send(.toggleHelp)
        h.send(try #require(MouseInput.action(for: MouseEvent(.wheelDown, x: 3, y: 5), in: h.state, h.session)))
        #expect(h.state.helpScroll == 3 && h.state.logScroll == 0)
        // While help shows, a click does nothing (it is over the panes).
        #expect(MouseInput.action(for: press(3, 3), in: h.state, h.session) == nil)
    }

    @Test func nothingWhileTheScreenIsTooSmall() throws {
        let h = try Harness(width: 40, height: 10)
        #expect(h.state.tooSmall)
        #expect(MouseInput.action(for: press(1, 1), in: h.state, h.session) == nil)
        #expect(MouseInput.action(for: MouseEvent(.wheelUp, x: 1, y: 1), in: h.state, h.session) == nil)
    }

    /// Through the whole loop, as the terminal delivers them: a click selects C, a click on the
    /// timeline while paused goes back to about 1 s, the screen shows both.
    @Test func clicksThroughTheLoop() throws {
        let session = try UISession(scenario: DemoSetup.scenario(tabs: 3))
        let layout = Layout(width: 120, height: 30, tabCount: 3)
        // As drawn once paused at about 4 s (frames come every 33 ms of the fake clock).
        let track = Timeline(nowMs: 4_000, presentMs: 4_000, width: 120).track
        let column = track.x + track.count / 4
        let device = FakeDevice(
            width: 120, height: 30,
            script: [
                (3000, .key(.mouse(press(layout.panes[2].x + 5, 2)))),
                (1000, .key(.char(" "))),
                (10, .key(.mouse(press(column, layout.timeline.y)))),
            ])
        let end = TerminalUI.run(UIState(), session: session, device: device, clock: device)
        #expect(end.selected == 2)
        #expect((3_900...4_000).contains(end.presentMs))
        let drawn = Timeline(nowMs: end.presentMs, presentMs: end.presentMs, width: 120)
        #expect(session.simulation.nowMs == drawn.time(ofColumn: column - track.x) && session.isRewound)
        let last = try #require(device.frames.last)
        #expect(last.line(layout.panes[2].y).contains("> C"))
        let line = Array(last.line(layout.timeline.y))
        #expect(line[column] == "●" && line[column - 1] == "━" && line[column + 1] == "─")
        #expect(String(line).hasSuffix("┃ \(Timeline.seconds(end.presentMs)) "))
    }
}
