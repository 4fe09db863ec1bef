/// One measured figure, printed as a table row or as a JSON line `{"name": ..., "value": ..., "unit": ...}`.
public struct BenchmarkResult: Sendable, Equatable {
    public let name: String
    public let value: Double
    public let unit: String

    public init(name: String, value: Double, unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }

    public var jsonLine: String {
        let number = value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        return "{\"name\": \"\(name)\", \"value\": \(number), \"unit\": \"\(unit)\"}"
    }

    /// Parses a line that `jsonLine` (or the Node script) printed; nil for anything else.
    public init?(jsonLine line: String) {
        func field(_ key: String) -> Substring? {
            let marker = Array("\"\(key)\":")
            let chars = Array(line)
            guard chars.count >= marker.count,
                let start = (0...(chars.count - marker.count)).first(where: {
                    chars[$0..<$0 + marker.count].elementsEqual(marker)
                })
            else { return nil }
            var rest = Substring(String(chars[(start + marker.count)...])).drop(while: { $0 == " " })
            if rest.first == "\"" {
                rest = rest.dropFirst()
                return rest.prefix(while: { $0 != "\"" })
            }
            return rest.prefix(while: { $0 != "," && $0 != "}" })
        }
        guard let name = field("name"), let value = field("value").flatMap({ Double($0) }), let unit = field("unit")
        else {
            return nil
        }
        self.init(name: String(name), value: value, unit: String(unit))
    }
}
