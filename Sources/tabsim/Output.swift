import Foundation
import TabSync

// Every line tabsim writes to standard output or standard error goes through one of these, so that
// what came from a file or a peer (tab names, values, `say:` text, frames, tab ids, paths in errors)
// is escaped by `TerminalText` before it reaches a terminal: a value stays on its line and cannot
// drive the reader's terminal. `print` and `FileHandle` writes elsewhere in tabsim carry only its own text.

/// Prints a line for people to standard output (buffered, as `print`), escaped.
func printLine(_ text: String) {
    print(TerminalText.escaped(text))
}

/// Prints a JSON line to standard output (buffered, as `print`), escaped in JSON's notation: it
/// still parses to the same value.
func printJSONLine(_ line: String) {
    print(TerminalText.escaped(line, notation: .json))
}

/// Writes a line for people to standard output at once (unbuffered: a live tab's lines), escaped.
func writeLine(_ text: String) {
    FileHandle.standardOutput.write(Data((TerminalText.escaped(text) + "\n").utf8))
}

/// Writes a JSON line to standard output at once (unbuffered: a live tab's events), escaped in
/// JSON's notation: it still parses to the same value.
func writeJSONLine(_ line: String) {
    FileHandle.standardOutput.write(Data((TerminalText.escaped(line, notation: .json) + "\n").utf8))
}

/// Writes a line to standard error, escaped.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((TerminalText.escaped(message) + "\n").utf8))
}
