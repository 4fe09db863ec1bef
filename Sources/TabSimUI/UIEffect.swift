#if canImport(Glibc)
    import Glibc
#endif

/// What an update asks of the world outside the UI: `UIUpdate.update` returns these and writes
/// nothing; the edge (`TerminalUI`, a test's harness) carries them out and reports how a write went
/// back as an action. As TCA and bubbletea do, and as `LiveScreen.update` returns its command.
public enum UIEffect: Equatable, Sendable {
    /// Write the session so far as a scenario file (`w`): `contents`, holding `actions` actions, to `path`.
    case write(path: String, contents: String, actions: Int)
    /// Save the screen (`S`): `text` to `textPath`, `svg` to `svgPath`.
    case saveScreen(textPath: String, text: String, svgPath: String, svg: String)
    /// End the session (`q`).
    case quit

    /// Carries the effect out with `writeFile` (`writeToDisk` in the terminal); returns the action
    /// that reports the outcome to the update (`.wrote`, `.savedScreen` or `.writeFailed`), nil for `quit`.
    public func carryOut(writeFile: (String, String) throws -> Void = UIEffect.writeToDisk) -> UIAction? {
        switch self {
        case .write(let path, let contents, let actions):
            do {
                try writeFile(path, contents)
                return .wrote(path: path, actions: actions)
            } catch {
                return .writeFailed("\(error)")
            }
        case .saveScreen(let textPath, let text, let svgPath, let svg):
            do {
                try writeFile(textPath, text)
                try writeFile(svgPath, svg)
                return .savedScreen(textPath: textPath, svgPath: svgPath)
            } catch {
                return .writeFailed("\(error)")
            }
        case .quit:
            return nil
        }
    }

    /// Writes `contents` to `path`, or throws naming the path and the error. Every step is checked,
    /// the flush and the close too: a full disk (`/dev/full`) takes the buffered text without a word
    /// and fails only when it is flushed.
    public static func writeToDisk(path: String, contents: String) throws {
        func failure() -> UIError { UIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        guard let file = fopen(path, "w") else { throw failure() }
        guard fputs(contents, file) >= 0, fflush(file) == 0 else {
            let error = failure()
            fclose(file)
            throw error
        }
        guard fclose(file) == 0 else { throw failure() }
    }
}
