import TabSync

/// The JSON parser under arbitrary bytes: the harness behind the libFuzzer target `JSONFuzz` in
/// `Fuzz/`, and behind its replay in `swift test`.
///
/// Whatever the bytes, parsing must return or throw, never trap or read outside them (the fuzzer
/// runs under AddressSanitizer: the parser indexes an unsafe buffer). What it accepts must read
/// back unchanged once written by the engine's own writer (`JSONValue.description`), the text every
/// tab of this engine sends, except numbers too large for a double, which the writer cannot write.
public enum JSONParserFuzzer {
    /// What the input broke; empty when it broke nothing.
    public static func problems(_ bytes: some Collection<UInt8>) -> [String] {
        guard let value = try? JSONValue(parsing: bytes), value.isFinite else { return [] }
        let written = value.description
        guard let again = try? JSONValue(parsing: Array(written.utf8)) else {
            return ["the parser refuses what the writer made of what it read: \(written.prefix(200))"]
        }
        return again == value ? [] : ["\(written.prefix(200)) reads back as \(again.description.prefix(200))"]
    }
}

extension JSONValue {
    /// True when no number in the value is infinite.
    fileprivate var isFinite: Bool {
        switch self {
        case .number(let n): n.isFinite
        case .array(let a): a.allSatisfy(\.isFinite)
        case .object(let o): o.values.allSatisfy(\.isFinite)
        case .null, .bool, .string: true
        }
    }
}
