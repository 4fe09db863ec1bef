import Foundation
import PropertyBased
import Testing

@testable import TabSync

/// The JSON parser every frame from another process goes through: it reads what the engine
/// writes, agrees with Foundation's decoder on every JSON text they both accept, reads JSON as
/// JavaScript's `JSON.parse` does where the two differ, and refuses the rest by name and offset.
@Suite struct JSONParserTests {
    /// A seed for `RandomJSON`.
    static let seed = Gen.int(in: 0...Int(Int32.max))

    @Test func readsBackEveryValueTheEngineWrites() async {
        await propertyCheck(count: 400, input: Self.seed) { seed in
            var random = SeededRandom(seed: UInt64(seed))
            let value = RandomJSON.value(depth: 4, using: &random)
            let text = value.description
            #expect(JSONValue(jsonText: text) == value, "\(text)")
        }
    }

    @Test func agreesWithFoundationOnTextItAccepts() async {
        await propertyCheck(count: 400, input: Self.seed) { seed in
            var random = SeededRandom(seed: UInt64(seed))
            let text = RandomJSON.text(RandomJSON.value(depth: 4, using: &random), using: &random)
            let foundation = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(foundation != nil, "Foundation refused \(text)")
            #expect(JSONValue(jsonText: text) == foundation, "\(text)")
        }
    }

    @Test(arguments: [
        (#" {"a" : [ true , false , null ] } "#, JSONValue.object(["a": .array([true, false, nil])])),
        ("\r\n[1]\t", .array([1])),
        ("-0", .number(-0.0)),
        ("0.1", .number(0.1)),
        ("1E2", 100),
        ("-12.5e-1", .number(-1.25)),
        ("123456789012345678901234567890", .number(1.2345678901234568e29)),
        ("9007199254740993", .number(9_007_199_254_740_992)),
        (#""\/\"\\\b\f\n\r\t""#, .string("/\"\\\u{8}\u{c}\n\r\t")),
        (#""\u00e9\u00E9é""#, .string("ééé")),
        (#""\ud83d\ude00""#, .string("😀")),
        (#""\u0000""#, .string("\u{0}")),
        ("\"\u{7F}\u{2028}\"", .string("\u{7F}\u{2028}")),
        (#"{"":1}"#, .object(["": 1])),
    ])
    func readsJSON(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
    }

    /// Where Foundation's decoder and `JSON.parse` differ, a spec tab's reading wins.
    @Test func readsAsJavaScriptDoesWhereFoundationDiffers() throws {
        #expect(try JSONValue(parsing: Array(#"{"a":1,"a":2}"#.utf8)) == ["a": 2], "the last of a repeated key")
        #expect(try JSONValue(parsing: Array("1e-400".utf8)) == 0, "underflow is zero")
        #expect(try JSONValue(parsing: Array("[1e400]".utf8)) == [.number(.infinity)], "overflow is infinite")
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array("[1,]".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array(#"{"a":1,}"#.utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array("\u{FEFF}1".utf8)) }
    }

    @Test(arguments: [
        ("", "expected a value, found the end at byte 0"),
        ("nul", "expected null at byte 0"),
        ("true x", "unexpected text after the JSON value at byte 5"),
        ("01", "leading zero in a number at byte 0"),
        ("1.", "expected a digit after '.' at byte 2"),
        ("-", "expected a digit at byte 1"),
        ("1e+", "expected a digit in the exponent at byte 3"),
        ("[1 2]", "expected ',' or ']' after an array element at byte 3"),
        (#"{"a" 1}"#, "expected ':' after an object key at byte 5"),
        (#"{"a":1 "b":2}"#, "expected ',' or '}' after an object member at byte 7"),
        ("{1:2}", "expected a string key at byte 1"),
        (#"["abc"#, "string not closed at byte 1"),
        ("\"a\tb\"", "raw control character byte 0x9 in a string at byte 2"),
        (#""\x""#, "unknown escape \\'x' at byte 1"),
        (#""\u12"#, "\\u needs four hex digits at byte 3"),
        (#""\ud800""#, "lone high surrogate in a \\u escape at byte 1"),
        (#""\ud800\u0041""#, "lone high surrogate in a \\u escape at byte 1"),
        (#""x\udc00""#, "lone low surrogate in a \\u escape at byte 2"),
        ("\u{7F}", "expected a value, found byte 0x7F at byte 0"),
        ("+1", "expected a value, found '+' at byte 0"),
    ])
    func refusesWhatIsNotJSONByNameAndOffset(text: String, message: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array(text.utf8)) }
        do {
            _ = try JSONValue(parsing: Array(text.utf8))
        } catch {
            #expect(error.description == message)
        }
        #expect(JSONValue(jsonText: text) == nil)
    }

    @Test func refusesInvalidUTF8() throws {
        for bytes: [UInt8] in [
            [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x28, 0x22], [0x22, 0x5C, 0x6E, 0xED, 0xA0, 0x80, 0x22],
        ] {
            #expect(throws: JSONSyntaxError.self, "\(bytes)") { try JSONValue(parsing: bytes) }
        }
        #expect(try JSONValue(parsing: [0x22, 0xC3, 0xA9, 0x22]) == "é")
    }

    /// Nesting is bounded, so the recursion is whatever arrives.
    @Test func refusesNestingDeeperThanTheLimit() throws {
        let limit = JSONParser.maxDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSONValue(parsing: Array(deepest.utf8)) }
        let tooDeep = "[" + deepest + "]"
        #expect(throws: JSONSyntaxError(problem: "nesting deeper than \(limit)", offset: limit)) {
            try JSONValue(parsing: Array(tooDeep.utf8))
        }
        let objects = String(repeating: #"{"a":"#, count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Array(objects.utf8)) }
    }
}

/// Random JSON values and texts for the parser's properties, drawn from a seeded generator.
enum RandomJSON {
    static let strings = [
        "", "a", "theme", "dark mode", "quote \" and backslash \\", "line\nbreak\ttab\r", "\u{1}\u{1F}",
        "é", "日本語", "😀 emoji", "\u{2028}\u{2029}", "/slash/", "\u{7F}",
    ]

    static func value(depth: Int, using random: inout SeededRandom) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(Double(Int.random(in: -WireInteger.max...WireInteger.max, using: &random)))
        case 3:
            return .number(
                Double.random(in: -1e6...1e6, using: &random) * pow(10, Double.random(in: -30...30, using: &random)))
        case 4, 5: return .string(strings.randomElement(using: &random)!)
        case 6:
            return .array(
                (0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth - 1, using: &random) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                members[strings.randomElement(using: &random)!] = value(depth: depth - 1, using: &random)
            }
            return .object(members)
        }
    }

    /// `value` written as JSON with random whitespace between tokens, and escapes where the
    /// engine's writer would not use them (`\/`, `\u` for any character, surrogate pairs).
    static func text(_ value: JSONValue, using random: inout SeededRandom) -> String {
        let space = { (random: inout SeededRandom) -> String in
            String(
                (0..<Int.random(in: 0...2, using: &random)).map { _ in
                    [" ", "\t", "\n", "\r"].randomElement(using: &random)!
                })
        }
        switch value {
        case .array(let elements):
            return space(&random) + "[" + space(&random)
                + elements.map { text($0, using: &random) }.joined(separator: "," + space(&random)) + "]"
                + space(&random)
        case .object(let members):
            return space(&random) + "{"
                + members.map { quoted($0.key, using: &random) + space(&random) + ":" + text($0.value, using: &random) }
                .joined(separator: ",") + "}" + space(&random)
        case .string(let s): return space(&random) + quoted(s, using: &random) + space(&random)
        default: return space(&random) + value.description + space(&random)
        }
    }

    private static func quoted(_ s: String, using random: inout SeededRandom) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            if Bool.random(using: &random) {
                for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
            } else if scalar == "/" {
                out += "\\/"
            } else {
                var written: [UInt8] = []
                JSONValue.writeQuoted(String(scalar), to: &written)
                out += String(decoding: written.dropFirst().dropLast(), as: UTF8.self)
            }
        }
        return out + "\""
    }
}
