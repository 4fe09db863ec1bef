#if canImport(Glibc)
    import Glibc
#endif

/// A session quit without `--record` is still kept: written by the same scenario writer as `w`
/// and `--record` (`scenarioFile()`) to a new file of its own in a temporary directory, so the exit
/// line can name it and the command that replays it.
public enum KeptSession {
    /// Writes the session to a new file `tabsim-session-seed<N>-XXXXXX.yaml` in `directory`
    /// (created with `mkstemps`: never another session's file). Returns its path and how many
    /// actions it holds; throws naming the problem.
    public static func keep(_ session: UISession, in directory: String) throws -> (path: String, actions: Int) {
        let file = try session.scenarioFile()
        let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var template = Array("\(dir)/tabsim-session-seed\(session.scenario.seed)-XXXXXX.yaml".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemps($0, 5) } ?? -1 }
        guard fd >= 0 else {
            throw UIError("cannot create a file in \(dir): \(String(cString: strerror(errno)))")
        }
        close(fd)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        try UIEffect.writeToDisk(path: path, contents: file.text)
        return (path, file.actions)
    }

    /// The temporary directory: `TMPDIR`, or `/tmp`.
    public static var temporaryDirectory: String {
        if let dir = getenv("TMPDIR").map({ String(cString: $0) }), !dir.isEmpty { return dir }
        return "/tmp"
    }
}
