#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A JSON-like value: what a store holds and what a message carries.
///
/// Browser tabs exchange structured clones of plain data; this is the same set of values
/// (null, bool, number, string, array, object) as a value type, so state can be compared,
/// hashed, copied between tabs and written to JSON deterministically (object keys sorted).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

/// A store's whole state, or a partial state: top-level keys to values.
public typealias StateDocument = [String: JSONValue]

extension JSONValue {
    public var isObject: Bool { if case .object = self { return true } else { return false } }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var numberValue: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// An integer when the number is whole and within `WireInteger.range`; JSON has no integer type.
    public var intValue: Int? {
        guard case .number(let n) = self else { return nil }
        return WireInteger.exactly(n)
    }

    /// Approximate size in bytes of this value written as JSON (numbers count 8): no allocation.
    /// Strings count their escapes, so a value of control characters is measured as it will be
    /// sent. Used to refuse oversized payloads before anything is applied or sent.
    public var approximateByteCount: Int {
        switch self {
        case .null: return 4
        case .bool: return 5
        case .number: return 8
        case .string(let s): return Self.quotedByteCount(s)
        case .array(let a): return a.reduce(2) { $0 + $1.approximateByteCount + 1 }
        case .object(let o):
            return o.reduce(1) { $0 + Self.quotedByteCount($1.key) + 2 + $1.value.approximateByteCount }
        }
    }

    /// At least `approximateByteCount`, found without walking a string (each byte takes at most 6):
    /// what a size check that nearly always passes reads first.
    public var byteCountBound: Int {
        if case .string(let s) = self { return 2 + 6 * s.utf8.count }
        return approximateByteCount
    }

    /// The bytes of `s` written as a JSON string, quotes and escapes included (`writeQuoted`).
    static func quotedByteCount(_ s: String) -> Int {
        var count = 2
        for byte in s.utf8 {
            switch byte {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09: count += 2
            case 0..<0x20: count += 6
            default: count += 1
            }
        }
        return count
    }

    /// Checks a value from another tab in one walk: its approximate JSON size and, when it cannot
    /// be accepted, why: a non-finite number (NaN never equals itself, so it would look changed
    /// forever) or nesting deeper than `maxDepth` (recursion elsewhere must stay bounded).
    public func inspect(maxDepth: Int = 64) -> (bytes: Int, problem: String?) {
        var problem: String? = nil
        let bytes = inspect(depth: maxDepth, problem: &problem)
        return (bytes, problem)
    }

    private func inspect(depth: Int, problem: inout String?) -> Int {
        if depth <= 0 {
            if problem == nil { problem = "nesting deeper than the limit" }
            return 0
        }
        if let bytes = scalarBytes(problem: &problem) { return bytes }
        switch self {
        case .array(let a):
            var total = 2
            for v in a { total += v.inspect(depth: depth - 1, problem: &problem) + 1 }
            return total
        case .object(let o):
            var total = 2
            for (k, v) in o {
                // Scalars without the recursive call: a state is mostly flat, and this runs on every
                // message received. At the limit even a scalar is one level too deep.
                let scalar = depth > 1 ? v.scalarBytes(problem: &problem) : nil
                total += k.utf8.count + 4 + (scalar ?? v.inspect(depth: depth - 1, problem: &problem))
            }
            return total
        case .null, .bool, .number, .string:
            return 0  // measured above
        }
    }

    /// The size of a scalar, noting a non-finite number; nil for an array or an object.
    @inline(__always)
    private func scalarBytes(problem: inout String?) -> Int? {
        switch self {
        case .null: return 4
        case .bool: return 5
        case .number(let n):
            if !n.isFinite, problem == nil { problem = "non-finite number" }
            return 8
        case .string(let s): return s.utf8.count + 2
        case .array, .object: return nil
        }
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

// MARK: - Codable

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else if let o = try? c.decode([String: JSONValue].self) {
            self = .object(o)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if let i = intValue { try c.encode(i) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

// MARK: - Text

extension JSONValue: CustomStringConvertible {
    /// Compact JSON with sorted keys: the same value always prints the same way.
    public var description: String { String(decoding: utf8, as: UTF8.self) }

    /// `description` as UTF-8 bytes, written directly: what goes on a wire between processes.
    public var utf8: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(to: &out)
        return out
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: b ? "true".utf8 : "false".utf8)
        case .number(let n):
            if let i = intValue {
                Self.writeInteger(i, to: &out)
            } else {
                out.append(contentsOf: (n.isFinite ? String(n) : "null").utf8)
            }
        case .string(let s): Self.writeQuoted(s, to: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, member) in o.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeQuoted(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The decimal digits of `i`, as `String(i)` writes them, without building a string.
    private static func writeInteger(_ i: Int, to out: inout [UInt8]) {
        if i < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = i.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `s` as a JSON string: quotes, and escapes for `"`, `\` and control characters (the
    /// common ones by letter). A run of bytes that needs none is appended whole.
    static func writeQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var run = 0
            for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i]))
                run = i + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x22: out.append(UInt8(ascii: "\""))
                case 0x5C: out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:  // another control character: \u00XX
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The document as compact JSON with sorted keys.
    public var jsonText: String { JSONValue.object(self).description }
}
