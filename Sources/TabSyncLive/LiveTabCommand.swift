import TabSync

extension LiveTab {
    /// What a live tab can be asked to do: parsed once, from a line of text or from a key, and
    /// performed once, by `LiveTab.perform`.
    public enum Command: Equatable, Sendable {
        /// Changes these keys of the state (never empty).
        case set(StateDocument)
        /// Forces this tab to lead (`forceLeader`).
        case lead
        /// Says goodbye and closes the channel; the tab's process stays.
        case close
        /// Reports the state, role and counters as a `state` event.
        case state
        /// Says goodbye and ends the tab.
        case quit

        /// Parses one command line: `set KEY=VALUE...`, `lead`, `close`, `state`, `quit`. Nil for a
        /// blank line; a bad command throws, naming it (and nothing of it is applied).
        public init?(parsing line: String) throws(CommandError) {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let word = words.first else { return nil }
            switch word {
            case "set":
                var partial: StateDocument = [:]
                for pair in words.dropFirst() {
                    do {
                        let (key, value) = try Assignment.parse(pair)
                        partial[key] = value
                    } catch {
                        throw CommandError("set: \(error)")
                    }
                }
                if partial.isEmpty { throw CommandError("set: expected KEY=VALUE pairs") }
                self = .set(partial)
            case "lead": self = .lead
            case "close": self = .close
            case "state": self = .state
            case "quit": self = .quit
            default:
                throw CommandError("unknown command '\(word)': expected set, lead, close, state or quit")
            }
        }
    }

    /// A command line that did not parse, and why.
    public struct CommandError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }
}

/// A `KEY=VALUE` pair of a tab's initial state or of a `set` command.
public enum Assignment {
    /// The value is JSON when it parses as JSON (`3`, `true`, `"dark"`, `{"a":1}`), else the text
    /// itself as a string. Throws for text without `=` or with an empty key.
    public static func parse(_ text: String) throws(AssignmentError) -> (key: String, value: JSONValue) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw AssignmentError(text: text)
        }
        let key = String(text[..<equals])
        let raw = String(text[text.index(after: equals)...])
        if let value = JSONValue(jsonText: raw) {
            return (key, value)
        }
        return (key, .string(raw))
    }
}

/// Text that is not a `KEY=VALUE` pair.
public struct AssignmentError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String { "'\(text)' is not KEY=VALUE" }
}
