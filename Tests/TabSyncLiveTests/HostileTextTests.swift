import Foundation
import TabSync
import Testing

/// A peer's keys and values reach `tabsim tab --headless` and `tabsim watch --lines` escaped: the
/// JSON lines stay JSON with the same values, the watcher's lines carry visible escapes, and no
/// control character, C1 control or bidi override is printed. Part of `RealTabsTests`, so that its
/// processes never run beside the other real tabs' (their timing claims need the machine).
extension RealTabsTests {
    static func isSafe(_ line: String) -> Bool {
        !line.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
            default: false
            }
        }
    }

    @Test func aPeersControlCharactersAreEscapedInTabAndWatchLines() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let watch = try await TabProcess(name: "watch", command: ["watch", "--lines", "--dir", temp.path])
        defer { watch.stop() }
        try await eventually("watch binds") { watch.outputLines.first?.hasPrefix("watching ") == true }
        let a = try await TabProcess("A", ["--dir", temp.path])
        defer { a.stop() }
        try await eventually("A starts") { a.tabId != nil }
        let b = try await TabProcess("B", ["--dir", temp.path])
        defer { b.stop() }
        try await eventually("B starts") { b.tabId != nil }

        // A key with a raw ESC (OSC 52 would set the clipboard), a value with 8-bit CSI and a bidi override.
        let key = "\u{1b}]52;c;aGk"
        let value = "\u{9b}2J\u{202e}evil"
        b.send(#"set \#(key)="\u009b2J\u202eevil""#)
        try await eventually("A applies B's edit") {
            a.events("applied").contains { $0["state"]?.objectValue?[key] == .string(value) }
        }
        try await eventually("watch shows B's update") {
            watch.outputLines.contains { $0.contains(#"\u001b]52;c;aGk":"\u{9b}2J\u{202e}evil""#) }
        }
        for process in [a, b, watch] {
            for line in process.outputLines {
                #expect(Self.isSafe(line), "\(process.name): \(line.debugDescription)")
            }
        }
    }
}
