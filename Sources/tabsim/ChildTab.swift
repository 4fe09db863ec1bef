import Foundation
import TabSync

/// A `tabsim` child process whose standard output is one JSON object per line, kept with the
/// wall time each arrived: how `bench-live` drives real tabs.
final class ChildTab: @unchecked Sendable {
    let name: String
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lock = NSLock()
    private var lines: [StateDocument] = []
    private var partial: [UInt8] = []

    init(_ name: String, arguments: [String]) throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            self?.take(data)
        }
        try process.run()
    }

    private func take(_ data: Data) {
        lock.withLock {
            partial.append(contentsOf: data)
            while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(partial[..<newline])
                partial.removeSubrange(...newline)
                if let object = (try? JSONDecoder().decode(JSONValue.self, from: line))?.objectValue {
                    lines.append(object)
                }
            }
        }
    }

    var pid: Int32 { process.processIdentifier }

    func events(_ kind: String) -> [StateDocument] {
        lock.withLock { lines }.filter { $0["event"]?.stringValue == kind }
    }

    var tabId: String? { events("started").first?["tabId"]?.stringValue }
    var role: StateDocument? { events("role").last }

    func send(_ command: String) {
        try? input.fileHandleForWriting.write(contentsOf: Data((command + "\n").utf8))
    }

    func stop() {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Polls `condition` every millisecond until it holds; throws after `seconds`.
    static func wait(_ what: String, seconds: Double, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { throw BenchLiveError("timed out after \(seconds)s waiting for \(what)") }
            usleep(1000)
        }
    }
}

struct BenchLiveError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
