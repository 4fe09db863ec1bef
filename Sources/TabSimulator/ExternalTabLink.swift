/// How the simulator talks to an external tab: one line out, one line back. The simulator's side
/// stays deterministic; what a link does in the world (a process, pipes, a wall-clock deadline)
/// stays behind this seam (`ExternalTabProcess`), and a test may put a script of its own here.
public protocol ExternalTabLink: AnyObject {
    /// Sends one line (without its newline) and returns the one line that answers it (without its
    /// newline). Throws when no well-formed line comes: the process exited, hung past its
    /// deadline, or wrote a line longer than the bound.
    func exchange(_ line: String) throws(ExternalTabFailure) -> String
    /// Ends the link for good (the process is killed if it still runs). Called once; idempotent.
    func terminate()
}

/// Why an external tab stopped answering: a clear sentence, without the tab's name (the caller adds it).
public struct ExternalTabFailure: Error, Sendable, CustomStringConvertible {
    public let problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}

/// Starts the link of an external tab from its command (`ExternalTabProcess.launch` by default).
public typealias ExternalTabLauncher = (_ command: String) throws(ExternalTabFailure) -> any ExternalTabLink
