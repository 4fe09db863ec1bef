#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import SystemPackage
import TabSync
import TabSyncLive
import Testing

/// A real `tabsim tab --headless` process (the library's `ChildTab`): commands go to its standard
/// input, and each line it prints is kept, to be polled with a deadline.
typealias TabProcess = ChildTab

extension ChildTab {
    /// `tabsim` sits next to the test bundle in the build folder (`swift test` builds every product).
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("tabsim").path
    }

    /// Starts `tabsim tab --headless --name NAME ARGUMENTS...`.
    convenience init(_ name: String, _ arguments: [String], standardInput: FileHandle? = nil, shell: String? = nil)
        async throws
    {
        try await self.init(
            name: name, command: ["tab", "--headless", "--name", name] + arguments, standardInput: standardInput,
            shell: shell)
    }

    /// Starts `tabsim COMMAND...`, reading `standardInput` when given (a file, `/dev/null`, a
    /// terminal) instead of the pipe `send` writes to. With `shell`, runs `sh -c 'SHELL exec tabsim...'`:
    /// `umask 000;` or `exec <&-;` set up what the process starts with.
    convenience init(name: String, command: [String], standardInput: FileHandle? = nil, shell: String? = nil)
        async throws
    {
        let input = standardInput.map { FileDescriptor(rawValue: $0.fileDescriptor) }
        if let shell {
            try await self.init(
                name, executable: "/bin/sh", arguments: ["-c", shell + " exec \"$0\" \"$@\"", Self.binary] + command,
                standardInput: input)
        } else {
            try await self.init(name, executable: Self.binary, arguments: command, standardInput: input)
        }
    }

    /// Its socket file, from its `socket` event.
    var socketPath: String? { events("socket").first?["path"]?.stringValue }

    /// Asks for its state and waits for the answer.
    func state(within seconds: Double = 120) async throws -> StateDocument {
        let before = events("state").count
        send("state")
        try await eventually("\(name) answers state", within: seconds) { events("state").count > before }
        return events("state")[before]
    }

    /// Waits for the process to end and for everything it printed to be read, and returns its exit
    /// status (128 + N after signal N).
    func exitStatus(within seconds: Double = 120) async throws -> Int32 {
        try await eventually("\(name) exits", within: seconds) { exitStatus != nil }
        return exitStatus!
    }
}

extension StateDocument {
    subscript(string key: String) -> String? { self[key]?.stringValue }
    subscript(int key: String) -> Int? { self[key]?.intValue }
}
