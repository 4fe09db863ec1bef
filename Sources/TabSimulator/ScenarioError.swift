/// Why a scenario file cannot be used: the file, the line and the problem.
public struct ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let problem: String

    public init(file: String, line: Int?, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        "\(file)" + (line.map { ":\($0)" } ?? "") + ": \(problem)"
    }
}
