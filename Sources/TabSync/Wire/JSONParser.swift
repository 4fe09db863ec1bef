/// Why some bytes are not one JSON text, and where: what a frame that does not parse is dropped for.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `expected ',' or '}' after an object member`.
    public let problem: String
    /// The byte offset where the parser found it.
    public let offset: Int

    public var description: String { "\(problem) at byte \(offset)" }
}

/// Reads UTF-8 bytes into a `JSONValue`: strict RFC 8259 JSON, as JavaScript's `JSON.parse` reads
/// it, since that is what a spec tab on the other end writes and reads.
///
/// - No trailing commas, no byte order mark, no comments; whitespace is space, tab, CR and LF.
/// - A key given twice keeps its last value, as `JSON.parse` does.
/// - A number too large for a double is infinite, one too small is zero, as `JSON.parse` has them
///   (the engine then drops a non-finite number by name).
/// - Strings must be valid UTF-8 without raw control characters; a `\u` escape of a lone surrogate
///   is refused: a Swift string cannot hold one.
/// - Nesting deeper than `maxDepth` is refused, so the recursion is bounded whatever arrives.
///
/// It replaced Foundation's `JSONDecoder` with `JSONValue`'s `Decodable` conformance, which tried
/// each kind in turn and threw on every miss: 42 µs for a 200-byte `STATE_UPDATE`, the whole cost
/// of a delivery between processes.
struct JSONParser: ~Copyable {
    /// The deepest nesting of arrays and objects accepted (Foundation's limit too).
    static let maxDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Escaped strings are built here, reused from one string to the next.
    private var scratch: [UInt8] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The one JSON value `bytes` hold, surrounded by nothing but whitespace.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private func error(_ problem: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(problem: problem, offset: offset ?? index)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard let byte = current else { throw error("expected a value, found the end") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("expected a value, found \(Self.shown(byte))")
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw error("expected \(word)") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("expected \(word)")
        }
        index += count
        return value
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
        index += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
            index += 1
            skipWhitespace()
            members[key] = try value(depth: depth)
            if try closes(with: UInt8(ascii: "}"), after: "an object member") { return .object(members) }
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth))
            if try closes(with: UInt8(ascii: "]"), after: "an array element") { return .array(elements) }
        }
    }

    /// After a member or an element: true at `closer` (taken), false after a comma (taken, with the
    /// whitespace that follows it). Inlined: called, it cost 1.6% of parsing a frame.
    @inline(__always)
    private mutating func closes(with closer: UInt8, after what: String) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        switch current {
        case UInt8(ascii: ","):
            index += 1
            skipWhitespace()
            return false
        case closer:
            index += 1
            return true
        default: throw error("expected ',' or '\(Character(Unicode.Scalar(closer)))' after \(what)")
        }
    }

    /// A string, the opening quote at `index`: its bytes are taken as they are up to the closing
    /// quote, unless an escape needs them rebuilt in `scratch`.
    private mutating func string() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1  // "
        let contentStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try Self.text(UnsafeBufferPointer(rebasing: bytes[contentStart..<index]), at: start)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: contentStart, quote: start) }
            if byte < 0x20 { throw error("raw control character \(Self.shown(byte)) in a string") }
            index += 1
        }
        throw error("string not closed", at: start)
    }

    private mutating func escapedString(from contentStart: Int, quote: Int) throws(JSONSyntaxError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[contentStart..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try scratch.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
                    try Self.text(buffer, at: quote)
                }
            case UInt8(ascii: "\\"):
                try escape()
            case 0..<0x20:
                throw error("raw control character \(Self.shown(byte)) in a string")
            default:
                scratch.append(byte)
                index += 1
            }
        }
        throw error("string not closed", at: quote)
    }

    /// One escape, the backslash at `index`, appended to `scratch` as UTF-8.
    private mutating func escape() throws(JSONSyntaxError) {
        let start = index
        index += 1
        guard let kind = current else { throw error("string not closed", at: start) }
        index += 1
        let simple: UInt8? =
            switch kind {
            case UInt8(ascii: "\""): UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): UInt8(ascii: "\\")
            case UInt8(ascii: "/"): UInt8(ascii: "/")
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple { return scratch.append(simple) }
        guard kind == UInt8(ascii: "u") else { throw error("unknown escape \\\(Self.shown(kind))", at: start) }
        var scalar = try hex4()
        if (0xDC00...0xDFFF).contains(scalar) { throw error("lone low surrogate in a \\u escape", at: start) }
        if (0xD800...0xDBFF).contains(scalar) {
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw error("lone high surrogate in a \\u escape", at: start) }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("lone high surrogate in a \\u escape", at: start) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        // Not a surrogate, so a valid scalar.
        scratch.append(contentsOf: String(Unicode.Scalar(scalar)!).utf8)
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw error("\\u needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("\\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// A number, its first byte (`-` or a digit) at `index`. Whole numbers of up to 15 digits are
    /// exact as doubles and built directly; the rest go through the standard library's correctly
    /// rounded conversion.
    private mutating func number() throws(JSONSyntaxError) -> Double {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard let first = current, Self.isDigit(first) else { throw error("expected a digit", at: index) }
        var whole: Int64 = 0
        var digits = 0
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = current, Self.isDigit(next) { throw error("leading zero in a number", at: start) }
        } else {
            while let byte = current, Self.isDigit(byte) {
                if digits < 18 { whole = whole * 10 + Int64(byte - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
        }
        var isWhole = true
        if current == UInt8(ascii: ".") {
            isWhole = false
            index += 1
            guard let byte = current, Self.isDigit(byte) else { throw error("expected a digit after '.'") }
            while let byte = current, Self.isDigit(byte) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isWhole = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let byte = current, Self.isDigit(byte) else { throw error("expected a digit in the exponent") }
            while let byte = current, Self.isDigit(byte) { index += 1 }
        }
        if isWhole, digits <= 15 {
            let magnitude = Double(whole)
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw error("number out of the parser's reach", at: start) }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// The text of a string's bytes; it fails, naming the string's opening quote, when they are not
    /// valid UTF-8. ASCII, the usual case, is checked by a plain scan first.
    private static func text(_ utf8: UnsafeBufferPointer<UInt8>, at quote: Int) throws(JSONSyntaxError) -> String {
        if utf8.allSatisfy({ $0 < 0x80 }) { return String(decoding: utf8, as: UTF8.self) }
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw JSONSyntaxError(problem: "invalid UTF-8 in a string", offset: quote)
        }
        return text
    }

    /// A byte as an error message shows it: printable ASCII quoted, anything else in hex.
    private static func shown(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte)
            ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}

extension JSONValue {
    /// Parses one JSON text from UTF-8 bytes (`JSONParser`'s rules: strict, as `JSON.parse` reads);
    /// the error names what is wrong and where.
    public init(parsing utf8: some Collection<UInt8>) throws(JSONSyntaxError) {
        let parsed = utf8.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONSyntaxError) in try JSONParser.parse(buffer) }
        }
        if let parsed {
            self = try parsed.get()
        } else {
            self = try Array(utf8).withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
                try JSONParser.parse(buffer)
            }
        }
    }

    /// Parses JSON text; nil when it is not one JSON value.
    public init?(jsonText: String) {
        var text = jsonText
        let parsed = text.withUTF8 { buffer in try? JSONParser.parse(buffer) }
        guard let parsed else { return nil }
        self = parsed
    }
}
