#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import TabSync
import Testing

/// A real `tabsim tab --headless` process: commands go to its standard input, and each line it
/// prints is kept as a parsed JSON event, to be polled with a deadline.
final class TabProcess: @unchecked Sendable {
    /// `tabsim` sits next to the test bundle in the build folder (`swift test` builds every product).
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("tabsim").path
    }

    let name: String
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var lines: [String] = []
    private var partial: [UInt8] = []
    private var errorText = ""
    /// End of file seen on standard output and on standard error: all the process printed is here.
    private var outputEnded = false
    private var errorsEnded = false

    /// Starts `tabsim tab --headless --name NAME ARGUMENTS...`.
    convenience init(_ name: String, _ arguments: [String], standardInput: FileHandle? = nil, shell: String? = nil)
        throws
    {
        try self.init(
            name: name, command: ["tab", "--headless", "--name", name] + arguments, standardInput: standardInput,
            shell: shell)
    }

    /// Starts `tabsim COMMAND...`, reading `standardInput` when given (a file, `/dev/null`, a
    /// terminal) instead of the pipe `send` writes to. With `shell`, runs `sh -c 'SHELL exec tabsim...'`:
    /// `umask 000;` or `exec <&-;` set up what the process starts with.
    init(name: String, command: [String], standardInput: FileHandle? = nil, shell: String? = nil) throws {
        signal(SIGPIPE, SIG_IGN)  // writing to a tab killed on purpose must not kill the tests
        self.name = name
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shell + " exec \"$0\" \"$@\"", Self.binary] + command
        } else {
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = command
        }
        process.standardInput = standardInput ?? input
        process.standardOutput = output
        process.standardError = errors
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            guard let self else { return }
            self.take(data)
            if data.isEmpty { self.lock.withLock { self.outputEnded = true } }
        }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            guard let self else { return }
            self.lock.withLock {
                self.errorText += String(decoding: data, as: UTF8.self)
                if data.isEmpty { self.errorsEnded = true }
            }
        }
        try process.run()
    }

    private func take(_ data: Data) {
        lock.withLock {
            partial.append(contentsOf: data)
            while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: partial[..<newline], as: UTF8.self))
                partial.removeSubrange(...newline)
            }
        }
    }

    var pid: Int32 { process.processIdentifier }
    /// Every line printed so far, JSON or not.
    var outputLines: [String] { lock.withLock { lines } }
    var standardError: String { lock.withLock { errorText } }

    /// Every event printed so far, in order.
    var events: [JSONValue] {
        lock.withLock { lines }.compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
    }

    func events(_ kind: String) -> [StateDocument] {
        events.compactMap { $0.objectValue }.filter { $0["event"]?.stringValue == kind }
    }

    /// The tab id it announced in its `started` event.
    var tabId: String? { events("started").first?["tabId"]?.stringValue }
    /// Its socket file, from its `socket` event.
    var socketPath: String? { events("socket").first?["path"]?.stringValue }
    /// Its latest role event.
    var role: StateDocument? { events("role").last }

    func send(_ command: String) {
        try? input.fileHandleForWriting.write(contentsOf: Data((command + "\n").utf8))
    }

    /// Asks for its state and waits for the answer.
    func state(within seconds: Double = 5) async throws -> StateDocument {
        let before = events("state").count
        send("state")
        try await eventually("\(name) answers state", within: seconds) { events("state").count > before }
        return events("state")[before]
    }

    func kill(_ signal: Int32) {
        _ = Glibc.kill(pid, signal)
    }

    /// Waits for the process to end, and for everything it printed to be read, and returns its exit status.
    func exitStatus(within seconds: Double = 120) async throws -> Int32 {
        try await eventually("\(name) exits", within: seconds) {
            !process.isRunning && lock.withLock { outputEnded && errorsEnded }
        }
        return process.terminationStatus
    }

    /// Ends the process if it still runs (tests end with this, whatever happened).
    func stop() {
        if process.isRunning { kill(SIGKILL) }
        process.waitUntilExit()
    }
}

extension StateDocument {
    subscript(string key: String) -> String? { self[key]?.stringValue }
    subscript(int key: String) -> Int? { self[key]?.intValue }
}
