#if canImport(Glibc)
    import Glibc
#endif

/// Where the channels of one user live: a directory of this user's, mode 0700, holding one
/// directory per channel name, which holds one socket file per open endpoint.
///
/// This is the same-origin rule of a browser's BroadcastChannel, on one machine: only processes
/// of this user can reach the sockets, because only this user can enter the directory. A
/// directory that another user owns, or that others may write into, could hold sockets planted
/// by someone else (who would then read and forge every frame); one that others may enter lets
/// them send to every socket whose mode allows it. Both are refused, not repaired.
public struct ChannelDirectory: Sendable, Hashable {
    /// The directory holding the channel directories.
    public let root: String

    /// Longest channel name accepted: the name is a path component of a socket path, and a Unix
    /// socket path holds at most 107 bytes.
    public static let maxChannelNameLength = 64

    public init(root: String) {
        self.root = root
    }

    /// `$XDG_RUNTIME_DIR/tabsync` when the session has a runtime directory, else `/tmp/tabsync-<uid>`.
    public static func defaultRoot(environment: [String: String]) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return runtime + "/tabsync"
        }
        return "/tmp/tabsync-\(geteuid())"
    }

    /// The directory of `channelName`, created (with the root) mode 0700 when absent, and checked:
    /// a directory, not a link, owned by this user, that no one else may enter or write into.
    public func prepare(channelName: String) throws(ChannelDirectoryError) -> String {
        try Self.validate(channelName: channelName)
        try Self.ensurePrivateDirectory(root)
        let path = root + "/" + channelName
        try Self.ensurePrivateDirectory(path)
        return path
    }

    /// Channel names become directory names: letters, digits, `.`, `_` and `-`, not starting with a dot.
    public static func validate(channelName: String) throws(ChannelDirectoryError) {
        func fail(_ problem: String) -> ChannelDirectoryError {
            ChannelDirectoryError(path: channelName, problem: problem, isChannelName: true)
        }
        if channelName.isEmpty { throw fail("is empty") }
        if channelName.utf8.count > maxChannelNameLength {
            throw fail("is longer than \(maxChannelNameLength) bytes")
        }
        if channelName.hasPrefix(".") { throw fail("starts with '.'") }
        let allowed = channelName.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
                || "._-".unicodeScalars.contains($0)
        }
        if !allowed { throw fail("may hold only letters, digits, '.', '_' and '-'") }
    }

    /// Creates `path` mode 0700 when it does not exist, then checks it as `check` does.
    static func ensurePrivateDirectory(_ path: String) throws(ChannelDirectoryError) {
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw ChannelDirectoryError(path: path, problem: "cannot be created: \(String(cString: strerror(errno)))")
        }
        try check(path)
    }

    /// Refuses a path that is not a real directory (a symbolic link is refused: it could point
    /// anywhere), is owned by another user, or that its group or everyone may enter or write into
    /// (a search or write bit for them: `mode & 033`). Reading its names alone is harmless.
    public static func check(_ path: String) throws(ChannelDirectoryError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw ChannelDirectoryError(path: path, problem: "cannot be read: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw ChannelDirectoryError(path: path, problem: "is not a directory (a symbolic link or a file)")
        }
        let me = geteuid()
        guard info.st_uid == me else {
            throw ChannelDirectoryError(
                path: path, problem: "is owned by uid \(info.st_uid), not by this user (uid \(me))")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o033 == 0 else {
            throw ChannelDirectoryError(
                path: path,
                problem: "may be entered or written by its group or by everyone (mode \(String(mode, radix: 8))); "
                    + "expected 700: run chmod 700 on it, after checking what it holds")
        }
    }
}

/// A channel directory that cannot be used safely, or a channel name that cannot name one:
/// the path (or name) and why.
public struct ChannelDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String
    /// True when `path` is the channel name that was refused, not a directory.
    public let isChannelName: Bool

    public init(path: String, problem: String, isChannelName: Bool = false) {
        self.path = path
        self.problem = problem
        self.isChannelName = isChannelName
    }

    public var description: String {
        isChannelName ? "refused channel name '\(path)': \(problem)" : "refused channel directory \(path): \(problem)"
    }
}
