import ArgumentParser
import Foundation

/// Why a file the user named for output cannot be written, found before any work is done, so
/// that a long run does not end in an error it could have given at the start.
enum WritableFile {
    /// Nil when `path` can be created or overwritten; otherwise the reason, in words a user can act on.
    static func problem(_ path: String) -> String? {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return "it is a directory" }
            return files.isWritableFile(atPath: path) ? nil : "permission denied"
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard files.fileExists(atPath: parent, isDirectory: &isDirectory) else {
            return "no such directory \(parent)"
        }
        guard isDirectory.boolValue else { return "\(parent) is not a directory" }
        return files.isWritableFile(atPath: parent) ? nil : "permission denied in \(parent)"
    }

    /// Writes `text` to `path`; on failure prints "tabsim: cannot write PATH: REASON" and exits 2
    /// (1 is fuzz's "violation found").
    static func write(_ text: String, to path: String) throws {
        var reason = problem(path)
        if reason == nil {
            do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            }
        }
        if let reason { try refuse(path, reason) }
    }

    /// Exits 2 if `path` cannot be written, saying why.
    static func check(_ path: String) throws {
        if let reason = problem(path) { try refuse(path, reason) }
    }

    private static func refuse(_ path: String, _ reason: String) throws -> Never {
        printError("tabsim: cannot write \(path): \(reason)")
        throw ExitCode(2)
    }
}
