import Foundation
import Subprocess
import SystemPackage

/// The built `tabsim` binary, run as a user runs it, for the tests that need the real program.
/// Spawned with swift-subprocess: the wait is asynchronous, so a test that waits on a process
/// never holds one of the few threads the test runner shares between all suites.
public enum Tabsim {
    /// `tabsim` sits next to the test bundle in the build folder (`swift test` builds every product).
    public static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("tabsim").path

    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// The repository's `Examples` folder.
    public static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples")

    /// What a finished process left: its exit code (128 + N when killed by signal N, as a shell
    /// reports it), and everything it printed.
    public struct Result: Sendable {
        public let status: Int32
        public let out: String
        public let err: String
    }

    /// Runs `tabsim ARGS...` with standard input from /dev/null and returns when it ends; in
    /// `directory` when given (else the test's own working directory).
    public static func run(_ arguments: [String], in directory: String? = nil) async throws -> Result {
        try await Self.process(binary, arguments, in: directory)
    }

    /// Runs any program with standard input from /dev/null; output is kept up to 64 MiB.
    public static func process(_ path: String, _ arguments: [String], in directory: String? = nil) async throws
        -> Result
    {
        let result = try await Subprocess.run(
            .path(FilePath(path)), arguments: Arguments(arguments), workingDirectory: directory.map { FilePath($0) },
            input: .none, output: .string(limit: 64 << 20), error: .string(limit: 64 << 20))
        return Result(
            status: result.terminationStatus.shellStatus,
            out: result.standardOutput, err: result.standardError)
    }

    /// Runs a program whose standard output and error are not wanted, and returns its exit status.
    /// For a program that leaves a daemon behind (`tmux new-session`): the daemon inherits no pipe
    /// this call would wait on.
    public static func discardingOutput(_ path: String, _ arguments: [String]) async throws -> Int32 {
        let result = try await Subprocess.run(
            .path(FilePath(path)), arguments: Arguments(arguments), input: .none, output: .discarded,
            error: .discarded)
        return result.terminationStatus.shellStatus
    }

    /// A file under the system's temporary folder with `text` in it.
    public static func temporaryFile(_ text: String, suffix: String = ".yaml") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tabsim-\(UUID().uuidString)\(suffix)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

extension TerminationStatus {
    /// The status as a shell reports it: the exit code, or 128 + the signal.
    var shellStatus: Int32 {
        switch self {
        case .exited(let code): Int32(code)
        case .signaled(let signal): 128 + Int32(signal)
        }
    }
}
