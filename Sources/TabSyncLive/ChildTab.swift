#if canImport(Glibc)
    import Glibc
#endif
import Dispatch
import Foundation
import Subprocess
import Synchronization
import SystemPackage
import TabSync

/// A real tab in a child process (`tabsim tab --headless`, or any program that prints one line
/// per event): commands go to its standard input, and every line it prints is kept, JSON events
/// parsed, to be polled. How `tabsim bench-live` and the tests drive real tabs.
///
/// Spawned with swift-subprocess: its output is read by tasks, and nothing waits on a thread.
/// What it printed is kept whole (a test reads all of it); its lines are bounded by what the
/// program prints.
public final class ChildTab: Sendable {
    /// The name the caller gave it, for messages.
    public let name: String
    /// Its process id.
    public let pid: pid_t
    private let shared: Shared
    private let commands: AsyncStream<String>.Continuation
    /// Lines sent and not yet written to its standard input, at most; more are dropped.
    public static let maxWaitingLines = 4096

    /// What the tasks reading the child share with its owner.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    fileprivate struct State {
        var lines: [String] = []
        var partial: [UInt8] = []
        var errorText = ""
        /// Its exit status as a shell reports it (128 + N after signal N), once it ended and all it
        /// printed was read.
        var status: Int32?
        var failure: String?
    }

    /// Starts `executable ARGUMENTS...`, reading `standardInput` when given (a file, `/dev/null`, a
    /// terminal; it is not closed) instead of the pipe `send` writes to. Throws when it cannot start.
    public init(
        _ name: String, executable: String, arguments: [String], standardInput: FileDescriptor? = nil
    ) async throws {
        self.name = name
        let shared = Shared()
        self.shared = shared
        signal(SIGPIPE, SIG_IGN)  // writing to a child killed on purpose must not kill this process
        let (stream, continuation) = AsyncStream<String>.makeStream(
            bufferingPolicy: .bufferingOldest(Self.maxWaitingLines))
        commands = continuation
        let launched = AsyncThrowingStream<pid_t, any Error>.makeStream()
        Task {
            do {
                let status = try await Self.run(
                    executable, arguments, standardInput, shared: shared, commands: stream,
                    continuation: continuation, launched: launched.continuation)
                shared.state.withLock { $0.status = status }
            } catch {
                shared.state.withLock {
                    $0.failure = "\(error)"
                    $0.status = $0.status ?? -1
                }
                launched.continuation.finish(throwing: error)
            }
        }
        var iterator = launched.stream.makeAsyncIterator()
        guard let pid = try await iterator.next() else { throw ChildTabError("\(executable) did not start") }
        self.pid = pid
    }

    /// `init`, for a caller that is not in an asynchronous context (`tabsim bench-live`): it waits
    /// on a semaphore, so never call it from a task, which would hold one of the few threads tasks run on.
    public static func starting(
        _ name: String, executable: String, arguments: [String]
    ) throws -> ChildTab {
        final class Outcome: Sendable {
            let done = DispatchSemaphore(value: 0)
            let result = Mutex<Result<ChildTab, any Error>?>(nil)
        }
        let outcome = Outcome()
        Task {
            let result: Result<ChildTab, any Error>
            do { result = .success(try await ChildTab(name, executable: executable, arguments: arguments)) } catch {
                result = .failure(error)
            }
            outcome.result.withLock { $0 = result }
            outcome.done.signal()
        }
        outcome.done.wait()
        return try outcome.result.withLock { $0! }.get()
    }

    private static func run(
        _ executable: String, _ arguments: [String], _ standardInput: FileDescriptor?, shared: Shared,
        commands: AsyncStream<String>, continuation: AsyncStream<String>.Continuation,
        launched: AsyncThrowingStream<pid_t, any Error>.Continuation
    ) async throws -> Int32 {
        let result: TerminationStatus
        if let standardInput {
            result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments),
                input: .fileDescriptor(standardInput, closeAfterSpawningProcess: false), output: .sequence,
                error: .sequence
            ) { execution in
                launched.yield(execution.processIdentifier.value)
                launched.finish()
                try await read(execution.standardOutput, execution.standardError, shared: shared, writer: nil)
            }.terminationStatus
        } else {
            result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments), input: .inputWriter, output: .sequence,
                error: .sequence
            ) { execution in
                launched.yield(execution.processIdentifier.value)
                launched.finish()
                let writer = Writer(stdin: execution.standardInputWriter, lines: commands, continuation: continuation)
                try await read(execution.standardOutput, execution.standardError, shared: shared, writer: writer)
            }.terminationStatus
        }
        switch result {
        case .exited(let code): return Int32(code)
        case .signaled(let signal): return 128 + Int32(signal)
        }
    }

    /// The pipe to a child's standard input, and the lines waiting to be written to it.
    private struct Writer {
        let stdin: StandardInputWriter
        let lines: AsyncStream<String>
        let continuation: AsyncStream<String>.Continuation
    }

    /// Keeps what the child prints until both its outputs end, writing the lines sent meanwhile;
    /// then the writing ends too.
    private static func read(
        _ output: SubprocessOutputSequence, _ errors: SubprocessOutputSequence, shared: Shared,
        writer: Writer?
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let writer {
                group.addTask {
                    for await line in writer.lines {
                        do { _ = try await writer.stdin.write(Array((line + "\n").utf8)) } catch { break }
                    }
                    try? await writer.stdin.finish()
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { outputs in
                outputs.addTask {
                    for try await buffer in output {
                        let bytes = buffer.withUnsafeBytes { Array($0) }
                        shared.state.withLock { $0.take(bytes) }
                    }
                    shared.state.withLock { $0.finishLine() }
                }
                outputs.addTask {
                    for try await buffer in errors {
                        let text = buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
                        shared.state.withLock { $0.errorText += text }
                    }
                }
                try await outputs.waitForAll()
            }
            writer?.continuation.finish()  // both outputs ended: the process has ended, or is about to
            try await group.waitForAll()
        }
    }

    /// Every line printed so far, JSON or not.
    public var outputLines: [String] { shared.state.withLock { $0.lines } }
    /// Everything printed on standard error so far.
    public var standardError: String { shared.state.withLock { $0.errorText } }
    /// Its exit status as a shell reports it (128 + N after signal N), once it has ended and all it
    /// printed has been read; nil while it runs.
    public var exitStatus: Int32? { shared.state.withLock { $0.status } }
    /// True until it has ended and its output has been read.
    public var isRunning: Bool { exitStatus == nil }

    /// Every JSON object printed so far, in order.
    public var events: [StateDocument] {
        outputLines.compactMap { JSONValue(jsonText: $0)?.objectValue }
    }

    /// The events of one kind (their `event` field), in order.
    public func events(_ kind: String) -> [StateDocument] {
        events.filter { $0["event"]?.stringValue == kind }
    }

    /// The tab id it announced in its `started` event.
    public var tabId: String? { events("started").first?["tabId"]?.stringValue }
    /// Its latest `role` event.
    public var role: StateDocument? { events("role").last }

    /// Writes one line to its standard input (when it reads the pipe).
    public func send(_ line: String) {
        commands.yield(line)
    }

    /// Sends it a signal.
    public func kill(_ signal: Int32) {
        _ = Glibc.kill(pid, signal)
    }

    /// Ends its standard input (when it reads the pipe): for a headless tab, the same as `quit`.
    public func closeInput() {
        commands.finish()
    }

    /// Kills it if it still runs (`SIGKILL`); its status and output come in as it ends.
    public func stop() {
        if isRunning { kill(SIGKILL) }
        commands.finish()
    }
}

extension ChildTab.State {
    fileprivate mutating func take(_ bytes: [UInt8]) {
        partial.append(contentsOf: bytes)
        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: partial[..<newline], as: UTF8.self))
            partial.removeSubrange(...newline)
        }
    }

    fileprivate mutating func finishLine() {
        if !partial.isEmpty { lines.append(String(decoding: partial, as: UTF8.self)) }
        partial.removeAll()
    }
}

/// A child tab that could not be started or waited for.
public struct ChildTabError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
