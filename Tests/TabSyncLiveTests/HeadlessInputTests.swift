#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import TabSync
import Testing

/// `tabsim tab --headless` reads commands from whatever its standard input is, and the end of it
/// is `quit`: the commands before it run, the tab says goodbye, the process exits 0.
@Suite struct HeadlessInputTests {
    /// Every run's last events: the state asked for, if any, then the goodbye.
    private func expectQuitAfterInput(_ tab: TabProcess) async throws {
        #expect(try await tab.exitStatus(within: 120) == 0, "stderr: \(tab.standardError)")
        #expect(tab.events("started").count == 1)
        #expect(tab.events("quit").count == 1)
        #expect(tab.events("error").isEmpty)
    }

    @Test func aRegularFileIsAScriptItsEndQuits() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let script = temp.path + "/commands.txt"
        try "set theme=dark\nstate\n".write(toFile: script, atomically: true, encoding: .utf8)
        let tab = try await TabProcess(
            "A", ["--dir", temp.path, "theme=light"], standardInput: FileHandle(forReadingAtPath: script))
        defer { tab.stop() }
        try await expectQuitAfterInput(tab)
        #expect(tab.events("state").first?["state"] == ["theme": "dark"])
    }

    @Test func devNullIsAnEmptyInput() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let tab = try await TabProcess(
            "A", ["--dir", temp.path], standardInput: FileHandle(forReadingAtPath: "/dev/null"))
        defer { tab.stop() }
        try await expectQuitAfterInput(tab)
    }

    @Test func aPipeClosedBeforeTheStartIsAnEmptyInput() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let pipe = Pipe()
        try pipe.fileHandleForWriting.close()
        let tab = try await TabProcess("A", ["--dir", temp.path], standardInput: pipe.fileHandleForReading)
        defer { tab.stop() }
        try await expectQuitAfterInput(tab)
    }

    @Test func aStandardInputThatIsNotOpenIsAnEmptyInput() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let tab = try await TabProcess("A", ["--dir", temp.path], shell: "exec <&-;")
        defer { tab.stop() }
        try await expectQuitAfterInput(tab)
    }

    @Test func aTerminalIsReadLineByLine() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        // posix_openpt and friends are not in Swift's Glibc: their ioctls (Linux's numbers) instead.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        try #require(master >= 0)
        defer { close(master) }
        var unlock: CInt = 0
        var number: CUnsignedInt = 0
        let TIOCSPTLCK: UInt = 0x4004_5431
        let TIOCGPTN: UInt = 0x8004_5430
        try #require(ioctl(master, TIOCSPTLCK, &unlock) == 0 && ioctl(master, TIOCGPTN, &number) == 0)
        let terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        try #require(terminal >= 0 && isatty(terminal) == 1)
        let tab = try await TabProcess(
            "A", ["--dir", temp.path, "theme=light"],
            standardInput: FileHandle(fileDescriptor: terminal, closeOnDealloc: true))
        defer { tab.stop() }
        func type(_ text: String) { _ = text.withCString { write(master, $0, strlen($0)) } }
        type("set theme=dark\n")
        type("state\n")
        try await eventually("A answers state", within: 120) { !tab.events("state").isEmpty }
        #expect(tab.events("state").first?["state"] == ["theme": "dark"])
        type("quit\n")
        try await expectQuitAfterInput(tab)
    }

    /// Today's limit, 64 KiB without the newline: a line of exactly that runs, one byte more runs
    /// nothing at all (it was cut into 64 KiB pieces, the first run as a truncated `set`).
    @Test func aLineOverTheLimitIsRefusedWholeAndOneAtTheLimitRuns() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let limit = 64 * 1024
        let tab = try await TabProcess("A", ["--dir", temp.path, "theme=light"])
        defer { tab.stop() }
        try await eventually("A starts", within: 120) { tab.tabId != nil }
        // Two values, each within what one frame carries, on one line of exactly the limit.
        let half = 32_000
        let atLimit =
            "set note=" + String(repeating: "n", count: half) + " memo="
            + String(repeating: "m", count: limit - "set note= memo=".utf8.count - half)
        #expect(atLimit.utf8.count == limit)
        tab.send(atLimit)
        tab.send("set theme=" + String(repeating: "x", count: limit - "set theme=".utf8.count + 1))
        tab.send("set theme=" + String(repeating: "y", count: 1 << 20))
        let state = try await tab.state(within: 120)
        #expect(state["state"]?.objectValue?["theme"] == "light")
        #expect(state["state"]?.objectValue?["note"]?.stringValue?.utf8.count == half)
        #expect(
            state["state"]?.objectValue?["memo"]?.stringValue?.utf8.count == limit - "set note= memo=".utf8.count - half
        )
        let errors = tab.events("error").compactMap { $0[string: "message"] }
        #expect(
            errors == [
                "line 2 refused: \(limit + 1) bytes, longer than the limit of \(limit); nothing of it ran",
                "line 3 refused: \((1 << 20) + "set theme=".utf8.count) bytes, longer than the limit of \(limit); "
                    + "nothing of it ran",
            ])
    }
}
