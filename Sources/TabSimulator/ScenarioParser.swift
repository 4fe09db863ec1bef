import TabSync
import Yams

/// Reads scenario files (YAML, through Yams). Every error names the file, the line and the problem.
public enum ScenarioParser {
    public static func parse(yaml: String, file: String) throws(ScenarioError) -> Scenario {
        if yaml.utf8.count > ScenarioLimits.maxFileBytes {
            throw ScenarioError(
                file: file, line: nil,
                problem: "larger than the limit of \(ScenarioLimits.maxFileBytes) bytes")
        }
        try ScenarioLimits.checkText(yaml, file: file)
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
            // Yams marks the first of the keys given twice.
            let named = keys.map { "'\($0)'" }.joined(separator: ", ")
            throw ScenarioError(
                file: file, line: context.mark.line,
                problem: "duplicate key \(named): given here and again later in the same mapping")
        } catch {
            throw ScenarioError(
                file: file, line: yamlErrorLine(error), problem: "malformed YAML: \(yamlErrorProblem(error))")
        }
        guard let root else {
            let blank = yaml.allSatisfy(\.isWhitespace)
            throw ScenarioError(
                file: file, line: nil,
                problem: (blank ? "empty file" : "only comments, no scenario")
                    + ": a scenario needs steps")
        }
        try ScenarioLimits.checkTree(root, file: file)
        guard let top = root.mapping else {
            throw ScenarioError(
                file: file, line: root.mark?.line,
                problem: "a scenario is a mapping with name, seed, config and steps")
        }
        let p = ScenarioNodeReader(file: file)
        try p.checkKeys(
            top, allowed: ["name", "seed", "config", "tabConfig", "wireJSON", "network", "initialState", "steps"],
            what: "scenario")
        let name = try top["name"].map { n throws(ScenarioError) in try p.string(n, "name") } ?? file
        let seed = try top["seed"].map { n throws(ScenarioError) in try p.seed(n) } ?? 1
        let config = try p.config(top["config"])
        let network = try top["network"].map { n throws(ScenarioError) in try p.network(n) } ?? NetworkConditions()
        let initialState =
            try top["initialState"].map { n throws(ScenarioError) in try p.document(n, "initialState") } ?? [:]
        guard let stepsNode = top["steps"] else {
            throw ScenarioError(file: file, line: root.mark?.line, problem: "missing 'steps'")
        }
        guard let stepList = stepsNode.sequence else { throw p.error(stepsNode, "'steps' must be a list") }
        var steps: [Scenario.Step] = []
        var externalTabs: [String: String] = [:]
        for node in stepList {
            let step = try p.step(node)
            if let command = try p.externalCommand(node, step) {
                if case .action(.open(let tab, _)) = step.kind { externalTabs[tab] = command }
            }
            steps.append(step)
        }
        // Steps at the same time run in file order; a stable sort keeps it.
        let ordered = steps.enumerated().sorted { ($0.element.atMs, $0.offset) < ($1.element.atMs, $1.offset) }.map(
            \.element)
        try checkTabNames(ordered, file: file)
        try checkInjects(ordered, file: file)
        try checkCustomResolvers(ordered, configHasOne: config.customResolver != nil, file: file)
        var options = SimulationOptions(seed: seed, config: config, network: network, initialState: initialState)
        options.externalTabs = externalTabs
        options.wireJSON = try top["wireJSON"].map { n throws(ScenarioError) in try p.bool(n, "wireJSON") } ?? false
        if let node = top["tabConfig"] {
            guard let map = node.mapping else { throw p.error(node, "tabConfig must map tab names to configs") }
            for (nameNode, configNode) in map {
                let tab = try p.string(nameNode, "tabConfig")
                options.tabConfigs[tab] = try p.config(configNode, over: config)
            }
        }
        options.logCapacity = 200_000
        let resolverNode = top["config"]?.mapping?["customResolver"]
        let resolverName = try resolverNode.map { n throws(ScenarioError) in try p.string(n, "customResolver") }
        var scenario = Scenario(
            file: file, name: name, seed: seed, options: options, steps: ordered,
            customResolverName: resolverName)
        let configFields = top["config"]?.mapping?.keys.compactMap { $0.string.map { "config." + $0 } } ?? []
        scenario.fieldsGiven = Set(top.keys.compactMap(\.string) + configFields)
        return scenario
    }

    /// Reads and parses a scenario file.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let yaml: String
        do { yaml = try readTextFile(path, maxBytes: ScenarioLimits.maxFileBytes) } catch {
            throw ScenarioError(file: path, line: nil, problem: error.problem)
        }
        return try parse(yaml: yaml, file: path)
    }

    /// Parses `250ms`, `2s`, `1.5s`, `1m` (or a bare number of milliseconds); see `ScenarioDuration`.
    public static func duration(_ text: String) -> Milliseconds? { ScenarioDuration.parse(text) }

    /// Refuses steps that name a tab no earlier step opened, or open a tab twice: a typo in a tab
    /// name is a problem of the file, found before anything runs.
    static func checkTabNames(_ steps: [Scenario.Step], file: String) throws(ScenarioError) {
        var opened: Set<String> = []
        for step in steps {
            let named: [String]
            switch step.kind {
            case .action(let action):
                let opens: String? =
                    switch action {
                    case .open(let tab, _): tab
                    case .prompt(let p) where p.action == .open: p.tab  // a prompt to open a tab opens it
                    default: nil
                    }
                if let tab = opens {
                    if tab == "none" {
                        throw ScenarioError(
                            file: file, line: step.line,
                            problem: "a tab cannot be named 'none': expect {leader: none} means no leader")
                    }
                    if opened.contains(tab) {
                        throw ScenarioError(
                            file: file, line: step.line,
                            problem: "tab '\(tab)' is opened twice (use reopen after close or kill)")
                    }
                    opened.insert(tab)
                    if opened.count > ScenarioLimits.maxTabs {
                        throw ScenarioError(
                            file: file, line: step.line,
                            problem: "tab '\(tab)' is one tab past the limit of \(ScenarioLimits.maxTabs) tabs "
                                + "a scenario may open (ScenarioLimits.maxTabs)")
                    }
                    continue
                }
                named = action.tabNames
            case .expect(let expectation):
                named = expectation.tabNames
            }
            for name in named where !opened.contains(name) {
                let known =
                    opened.isEmpty
                    ? "no tab is opened before this step" : "opened so far: " + opened.sorted().joined(separator: ", ")
                throw ScenarioError(file: file, line: step.line, problem: "unknown tab '\(name)' (\(known))")
            }
        }
    }

    /// Refuses the first `inject` step past `ScenarioLimits.maxInjects`, at its line.
    static func checkInjects(_ steps: [Scenario.Step], file: String) throws(ScenarioError) {
        var count = 0
        for step in steps {
            guard case .action(.inject) = step.kind else { continue }
            count += 1
            if count > ScenarioLimits.maxInjects {
                throw ScenarioError(
                    file: file, line: step.line,
                    problem: "one inject past the limit of \(ScenarioLimits.maxInjects) injected frames "
                        + "a scenario may have (ScenarioLimits.maxInjects)")
            }
        }
    }

    /// Refuses a step that switches to `custom` while no resolver is set: neither the config nor an
    /// earlier step named one (the simulation keeps the last one named).
    static func checkCustomResolvers(_ steps: [Scenario.Step], configHasOne: Bool, file: String) throws(ScenarioError) {
        var hasResolver = configHasOne
        for step in steps {
            guard case .action(.conflictStrategy(let strategy, let resolver)) = step.kind else { continue }
            if resolver != nil { hasResolver = true }
            if strategy == .custom && !hasResolver {
                throw ScenarioError(
                    file: file, line: step.line,
                    problem: "conflictStrategy custom needs a customResolver: "
                        + "name one in config or in this step ({strategy: custom, customResolver: NAME})")
            }
        }
    }

    private static func yamlErrorLine(_ error: any Error) -> Int? {
        guard let e = error as? YamlError else { return nil }
        switch e {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    private static func yamlErrorProblem(_ error: any Error) -> String {
        guard let e = error as? YamlError else { return "\(error)" }
        switch e {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default: return "\(e)".split(separator: "\n").first.map(String.init) ?? "\(e)"
        }
    }
}

/// The typed reading of nodes, each failure pointing at the node's line.
struct ScenarioNodeReader {
    let file: String

    func error(_ node: Node?, _ problem: String) -> ScenarioError {
        ScenarioError(file: file, line: node?.mark?.line, problem: problem)
    }

    func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, what: String) throws(ScenarioError) {
        for (key, _) in mapping {
            let k = key.string ?? "?"
            if !allowed.contains(k) {
                throw ScenarioError(
                    file: file, line: key.mark?.line,
                    problem: "unknown \(what) field '\(k)' (known: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }

    func string(_ node: Node, _ what: String) throws(ScenarioError) -> String {
        guard let s = node.scalar?.string, !s.isEmpty else { throw error(node, "\(what) must be a non-empty string") }
        return s
    }

    /// An integer in `range` (by default JSON's safe integers, as on the wire).
    func int(
        _ node: Node, _ what: String,
        in range: ClosedRange<Int> = SyncMessage.numberRange
    ) throws(ScenarioError) -> Int {
        guard let s = node.scalar?.string, let i = Int(s) else { throw error(node, "\(what) must be an integer") }
        guard range.contains(i) else {
            throw error(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), got \(i)")
        }
        return i
    }

    /// A seed: any 64-bit unsigned integer, as `tabsim fuzz --start-seed` and `tabsim --seed` take
    /// (a seed is not a JSON number on the wire, so the wire's safe-integer bound does not apply).
    func seed(_ node: Node) throws(ScenarioError) -> UInt64 {
        guard let s = node.scalar?.string, let seed = UInt64(s) else {
            throw error(node, "seed must be an integer from 0 to \(UInt64.max)")
        }
        return seed
    }

    /// A count: 0 or more.
    func count(_ node: Node, _ what: String) throws(ScenarioError) -> Int {
        try int(node, what, in: 0...SyncMessage.maxSafeInteger)
    }

    func double(_ node: Node, _ what: String) throws(ScenarioError) -> Double {
        guard let s = node.scalar?.string, let d = Double(s) else { throw error(node, "\(what) must be a number") }
        return d
    }

    func bool(_ node: Node, _ what: String) throws(ScenarioError) -> Bool {
        switch node.scalar?.string {
        case "true": return true
        case "false": return false
        default: throw error(node, "\(what) must be true or false")
        }
    }

    func strings(_ node: Node, _ what: String) throws(ScenarioError) -> [String] {
        guard let list = node.sequence else { throw error(node, "\(what) must be a list") }
        var out: [String] = []
        for n in list { out.append(try string(n, "an entry of \(what)")) }
        return out
    }

    func duration(_ node: Node, _ what: String) throws(ScenarioError) -> Milliseconds {
        guard let s = node.scalar?.string, let ms = ScenarioParser.duration(s) else {
            throw error(node, "bad time '\(node.scalar?.string ?? "?")' for \(what) (\(ScenarioDuration.form))")
        }
        guard ms <= ScenarioLimits.maxTimeMs else {
            throw error(
                node,
                "bad time '\(s)' for \(what): past the limit of \(ScenarioLimits.maxTimeMs / 60_000)m "
                    + "of simulated time (ScenarioLimits.maxTimeMs)")
        }
        return ms
    }

    func value(_ node: Node) throws(ScenarioError) -> JSONValue {
        switch node {
        case .scalar(let s):
            if s.style != .plain { return .string(s.string) }
            switch s.string {
            case "null", "~", "": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                if let i = Int(s.string) { return .number(Double(i)) }
                if let d = Double(s.string), d.isFinite { return .number(d) }
                return .string(s.string)
            }
        case .sequence(let seq):
            var a: [JSONValue] = []
            for n in seq { a.append(try value(n)) }
            return .array(a)
        case .mapping(let map):
            var o: [String: JSONValue] = [:]
            for (k, v) in map { o[try string(k, "a key")] = try value(v) }
            return .object(o)
        case .alias:
            throw error(node, "aliases are not supported")
        }
    }

    func document(_ node: Node, _ what: String) throws(ScenarioError) -> StateDocument {
        guard case .object(let o) = try value(node) else { throw error(node, "\(what) must be a mapping") }
        return o
    }

    /// A `config` mapping: the engine's fields over the defaults, or, for a tab's own configuration
    /// (`tabConfig`), over the scenario's `config`.
    func config(_ node: Node?, over base: BroadcastSyncConfig? = nil) throws(ScenarioError) -> BroadcastSyncConfig {
        guard let node else { return base ?? BroadcastSyncConfig(channelName: "app-sync") }
        guard let map = node.mapping else { throw error(node, "config must be a mapping") }
        try checkKeys(
            map,
            allowed: [
                "channelName", "syncKeys", "excludeKeys", "throttleMs", "debounceMs", "conflictStrategy",
                "customResolver", "enableLeaderElection", "leaderHeartbeatMs", "leaderTimeoutMs",
                "electionTimeoutMs", "tabPingIntervalMs", "tabTimeoutMs", "joinTimeoutMs", "debug",
            ],
            what: "config")
        var c = base ?? BroadcastSyncConfig(channelName: "app-sync")
        if let n = map["channelName"] { c.channelName = try string(n, "channelName") }
        if let n = map["syncKeys"] { c.syncKeys = try strings(n, "syncKeys") }
        if let n = map["excludeKeys"] {
            c.excludeKeys = try strings(n, "excludeKeys")
            // Keys are filtered at the top level only: `a.b` would name a top-level key "a.b", not a
            // field of `a`, and a reader would believe the field is kept off the wire.
            if let path = c.excludeKeys.first(where: { $0.contains(".") }) {
                let top = path.prefix { $0 != "." }
                throw error(
                    n,
                    "excludeKeys applies to top-level keys only: '\(path)' looks like a path "
                        + "(exclude '\(top)' to keep the whole key off the wire)")
            }
        }
        if let n = map["throttleMs"] { c.throttleMs = try int(n, "throttleMs") }
        if let n = map["debounceMs"] { c.debounceMs = try int(n, "debounceMs") }
        if let n = map["conflictStrategy"] { c.conflictStrategy = try strategy(n) }
        if let n = map["customResolver"] { c.customResolver = try resolver(n) }
        if let n = map["enableLeaderElection"] { c.enableLeaderElection = try bool(n, "enableLeaderElection") }
        if let n = map["leaderHeartbeatMs"] { c.leaderHeartbeatMs = try int(n, "leaderHeartbeatMs") }
        if let n = map["leaderTimeoutMs"] { c.leaderTimeoutMs = try int(n, "leaderTimeoutMs") }
        if let n = map["electionTimeoutMs"] { c.electionTimeoutMs = try int(n, "electionTimeoutMs") }
        if let n = map["tabPingIntervalMs"] { c.tabPingIntervalMs = try int(n, "tabPingIntervalMs") }
        if let n = map["tabTimeoutMs"] { c.tabTimeoutMs = try int(n, "tabTimeoutMs") }
        if let n = map["joinTimeoutMs"] { c.joinTimeoutMs = try int(n, "joinTimeoutMs") }
        if let n = map["debug"] { c.debug = try bool(n, "debug") }
        do { try c.validate() } catch { throw self.error(node, error.description) }
        return c
    }

    func strategy(_ node: Node) throws(ScenarioError) -> ConflictStrategy {
        let s = try string(node, "conflictStrategy")
        guard let strategy = ConflictStrategy(rawValue: s) else {
            throw error(
                node,
                "unknown conflictStrategy '\(s)' (known: \(ConflictStrategy.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return strategy
    }

    func resolver(_ node: Node) throws(ScenarioError) -> BuiltinResolvers.Resolver {
        let name = try string(node, "customResolver")
        guard let r = BuiltinResolvers.all[name] else {
            throw error(
                node, "unknown customResolver '\(name)' (built in: \(BuiltinResolvers.names.joined(separator: ", ")))")
        }
        return r
    }

    func network(_ node: Node) throws(ScenarioError) -> NetworkConditions {
        if let name = node.scalar?.string {
            guard let preset = NetworkConditions.preset(named: name) else {
                let known = NetworkConditions.presetNames.joined(separator: ", ")
                throw error(node, "unknown network preset '\(name)' (known: \(known))")
            }
            return preset
        }
        guard let map = node.mapping else { throw error(node, "network must be a mapping or a preset name") }
        try checkKeys(map, allowed: ["latencyMs", "drop", "duplicate", "reorder"], what: "network")
        var n = NetworkConditions()
        if let l = map["latencyMs"] {
            if let seq = l.sequence {
                guard seq.count == 2 else { throw error(l, "latencyMs is a number or [min, max]") }
                let lo = try int(seq[0], "latencyMs")
                let hi = try int(seq[1], "latencyMs")
                guard lo >= 0, lo <= hi else { throw error(l, "latencyMs [min, max] needs 0 <= min <= max") }
                n.latencyMs = lo...hi
            } else {
                let v = try int(l, "latencyMs")
                guard v >= 0 else { throw error(l, "latencyMs must not be negative") }
                n.latencyMs = v...v
            }
        }
        if let d = map["drop"] { n.drop = try double(d, "drop") }
        if let d = map["duplicate"] { n.duplicate = try double(d, "duplicate") }
        if let d = map["reorder"] { n.reorder = try double(d, "reorder") }
        if let problem = n.problem { throw error(node, problem) }
        return n
    }

    func step(_ node: Node) throws(ScenarioError) -> Scenario.Step {
        guard let map = node.mapping else { throw error(node, "a step is a mapping like {at: 1s, open: A}") }
        guard let atNode = map["at"] else { throw error(node, "a step needs 'at' (a time like 250ms or 2s)") }
        let at = try duration(atNode, "at")
        // `command` goes with `open`: the process that plays the tab (`externalCommand`).
        let others = map.filter { $0.key.string != "at" && !($0.key.string == "command" && map["open"] != nil) }
        guard others.count == 1, let (keyNode, v) = others.first, let verb = keyNode.string else {
            throw error(node, "a step has 'at' and exactly one action or 'expect'")
        }
        let line = node.mark?.line ?? 0
        if verb == "expect" { return Scenario.Step(atMs: at, line: line, kind: .expect(try expectation(v))) }
        return Scenario.Step(atMs: at, line: line, kind: .action(try action(verb, v, keyNode)))
    }

    /// The `command:` of an `open` step (`{at: 0ms, open: B, command: "node spec-tab.mjs"}`): a
    /// process plays the tab (`SimulationOptions.externalTabs`).
    func externalCommand(_ node: Node, _ step: Scenario.Step) throws(ScenarioError) -> String? {
        guard let c = node.mapping?["command"] else { return nil }
        guard case .action(.open) = step.kind else { throw error(c, "'command' goes with 'open' only") }
        let command = try string(c, "command")
        guard !command.allSatisfy(\.isWhitespace), command.utf8.count <= 4096 else {
            throw error(c, "'command' must be a shell command of 1 to 4096 bytes")
        }
        return command
    }

    /// `{tab: B, key: value...}`: the tab name and the rest as a document.
    func tabAndDocument(_ node: Node, _ what: String) throws(ScenarioError) -> (String, StateDocument) {
        guard case .object(var o) = try value(node) else { throw error(node, "\(what) must be a mapping with 'tab'") }
        guard let tab = o.removeValue(forKey: "tab")?.stringValue else { throw error(node, "\(what) needs 'tab'") }
        return (tab, o)
    }

    /// Every action a file may use, each with its reader: the scenario vocabulary's one table.
    /// `Scenario.Action.names` (the known names an error lists) is read from it.
    typealias ActionReader = @Sendable (ScenarioNodeReader, Node) throws(ScenarioError) -> Scenario.Action
    static let actions: [(name: String, read: ActionReader)] = [
        (
            "open",
            { r, v throws(ScenarioError) in
                if v.mapping != nil {
                    let (tab, rest) = try r.tabAndDocument(v, "open")
                    guard rest.keys.allSatisfy({ $0 == "state" }) else {
                        throw r.error(v, "open takes a name or {tab, state}")
                    }
                    if let s = rest["state"] {
                        guard case .object(let state) = s else { throw r.error(v, "open's state must be a mapping") }
                        return .open(tab: tab, state: state)
                    }
                    return .open(tab: tab, state: nil)
                }
                return .open(tab: try r.string(v, "open"), state: nil)
            }
        ),
        ("close", { r, v throws(ScenarioError) in .close(try r.string(v, "close")) }),
        ("kill", { r, v throws(ScenarioError) in .kill(try r.string(v, "kill")) }),
        ("freeze", { r, v throws(ScenarioError) in .freeze(try r.string(v, "freeze")) }),
        ("thaw", { r, v throws(ScenarioError) in .thaw(try r.string(v, "thaw")) }),
        ("reopen", { r, v throws(ScenarioError) in .reopen(try r.string(v, "reopen")) }),
        ("forceLeader", { r, v throws(ScenarioError) in .forceLeader(try r.string(v, "forceLeader")) }),
        ("timeOut", { r, v throws(ScenarioError) in .timeOut(try r.string(v, "timeOut")) }),
        ("requestState", { r, v throws(ScenarioError) in .requestState(try r.string(v, "requestState")) }),
        (
            "set",
            { r, v throws(ScenarioError) in
                let (tab, values) = try r.tabAndDocument(v, "set")
                guard !values.isEmpty else { throw r.error(v, "set needs at least one key: value") }
                return .set(tab: tab, state: values)
            }
        ),
        (
            "broadcastState",
            { r, v throws(ScenarioError) in
                if v.mapping == nil { return .broadcastState(tab: try r.string(v, "broadcastState"), keys: nil) }
                guard let map = v.mapping, let t = map["tab"] else {
                    throw r.error(v, "broadcastState takes a tab or {tab, keys}")
                }
                try r.checkKeys(map, allowed: ["tab", "keys"], what: "broadcastState")
                let keys = try map["keys"].map { n throws(ScenarioError) in try r.strings(n, "keys") }
                return .broadcastState(tab: try r.string(t, "tab"), keys: keys)
            }
        ),
        (
            "partition",
            { r, v throws(ScenarioError) in
                guard let groups = v.sequence, !groups.isEmpty else {
                    throw r.error(v, "partition takes a list of groups, like [[A, B], [C]]")
                }
                var out: [[String]] = []
                for g in groups { out.append(try r.strings(g, "a partition group")) }
                return .partition(out)
            }
        ),
        ("heal", { _, v throws(ScenarioError) in v.scalar?.string == "all" ? .healAll : .heal }),
        ("isolate", { r, v throws(ScenarioError) in .isolate(try r.string(v, "isolate")) }),
        ("rejoin", { r, v throws(ScenarioError) in .rejoin(try r.string(v, "rejoin")) }),
        ("cut", { r, v throws(ScenarioError) in .cut(try r.link(v, "cut")) }),
        ("restore", { r, v throws(ScenarioError) in .restore(try r.link(v, "restore")) }),
        (
            "workload",
            { r, v throws(ScenarioError) in
                guard let map = v.mapping, let rate = map["editsPerSecond"] else {
                    throw r.error(v, "workload takes {editsPerSecond, keys, until}")
                }
                try r.checkKeys(map, allowed: ["editsPerSecond", "keys", "until"], what: "workload")
                let w = Workload(
                    editsPerSecondPerTab: try r.double(rate, "editsPerSecond"),
                    keys: try map["keys"].map { n throws(ScenarioError) in try r.strings(n, "keys") } ?? [],
                    untilMs: try map["until"].map { n throws(ScenarioError) in try r.duration(n, "until") })
                if let problem = w.problem { throw r.error(rate, problem) }
                return .workload(w)
            }
        ),
        ("stopWorkload", { _, _ throws(ScenarioError) in .stopWorkload }),
        ("say", { r, v throws(ScenarioError) in .say(try r.string(v, "say")) }),
        (
            "prompt",
            { r, v throws(ScenarioError) in
                guard let map = v.mapping else { throw r.error(v, "prompt takes {action, tab, text}") }
                if map["key"] != nil {
                    throw r.error(
                        v,
                        "prompt names the UI action, not a key: use {action, tab, text} (actions: "
                            + LessonPrompt.Action.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                guard let a = map["action"], let t = map["text"] else {
                    throw r.error(v, "prompt takes {action, tab, text}")
                }
                try r.checkKeys(map, allowed: ["action", "tab", "text"], what: "prompt")
                let name = try r.string(a, "prompt action")
                guard let action = LessonPrompt.Action(rawValue: name) else {
                    throw r.error(
                        a,
                        "unknown prompt action '\(name)' (known: "
                            + LessonPrompt.Action.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                let tab = try map["tab"].map { n throws(ScenarioError) in try r.string(n, "prompt tab") }
                if action.takesTab, tab == nil { throw r.error(v, "prompt to \(name) needs 'tab'") }
                if !action.takesTab, tab != nil {
                    throw r.error(v, "prompt to \(name) takes no 'tab': it acts on every tab")
                }
                return .prompt(LessonPrompt(action: action, tab: tab, text: try r.string(t, "prompt text")))
            }
        ),
        ("network", { r, v throws(ScenarioError) in .network(try r.network(v)) }),
        (
            "background",
            { r, v throws(ScenarioError) in
                guard let map = v.mapping, let t = map["tab"] else {
                    throw r.error(v, "background takes {tab, throttleMs}")
                }
                let throttle = try map["throttleMs"].map { n throws(ScenarioError) in
                    try r.int(n, "throttleMs", in: 0...BroadcastSyncConfig.maxDurationMs)
                }
                return .background(tab: try r.string(t, "tab"), throttleMs: throttle ?? 1000)
            }
        ),
        (
            "clockSkew",
            { r, v throws(ScenarioError) in
                guard let map = v.mapping, let t = map["tab"], let ms = map["ms"] else {
                    throw r.error(v, "clockSkew takes {tab, ms}")
                }
                let skew = try r.int(ms, "ms", in: -Simulation.maxClockSkewMs...Simulation.maxClockSkewMs)
                return .clockSkew(tab: try r.string(t, "tab"), ms: skew)
            }
        ),
        (
            "inject",
            { r, v throws(ScenarioError) in
                guard let map = v.mapping, let raw = map["raw"]?.scalar?.string else {
                    throw r.error(v, "inject takes {raw: '<frame text>'} or {to: A, raw: '<frame text>'}")
                }
                try r.checkKeys(map, allowed: ["to", "raw"], what: "inject")
                return .inject(to: try map["to"].map { n throws(ScenarioError) in try r.string(n, "to") }, raw: raw)
            }
        ),
        (
            "conflictStrategy",
            { r, v throws(ScenarioError) in
                if let map = v.mapping, let s = map["strategy"] {
                    let name = try map["customResolver"].map { n throws(ScenarioError) in
                        try r.string(n, "customResolver")
                    }
                    if let name, BuiltinResolvers.all[name] == nil {
                        let known = BuiltinResolvers.names.joined(separator: ", ")
                        throw r.error(map["customResolver"], "unknown customResolver '\(name)' (built in: \(known))")
                    }
                    return .conflictStrategy(try r.strategy(s), resolver: name)
                }
                return .conflictStrategy(try r.strategy(v), resolver: nil)
            }
        ),
    ]

    /// Readers by action name.
    private static let readers = Dictionary(uniqueKeysWithValues: actions.map { ($0.name, $0.read) })

    /// The table's name for an action case: its own, or the longest row name that begins it (a
    /// variant read by that row, as `healAll` by `heal`).
    static func actionName(caseName: String) -> String {
        if readers[caseName] != nil { return caseName }
        return actions.map(\.name).filter { caseName.hasPrefix($0) }.max { $0.count < $1.count } ?? caseName
    }

    func action(_ verb: String, _ v: Node, _ keyNode: Node) throws(ScenarioError) -> Scenario.Action {
        guard let read = Self.readers[verb] else {
            let known = Scenario.Action.names.joined(separator: ", ")
            throw error(keyNode, "unknown action '\(verb)' (known: \(known), expect)")
        }
        return try read(self, v)
    }

    /// `{from: A, to: B}`: one direction between two tabs.
    func link(_ node: Node, _ what: String) throws(ScenarioError) -> NetworkLink {
        guard let map = node.mapping, let f = map["from"], let t = map["to"] else {
            throw error(node, "\(what) takes {from: A, to: B} (one direction)")
        }
        try checkKeys(map, allowed: ["from", "to"], what: what)
        let link = NetworkLink(from: try string(f, "\(what) from"), to: try string(t, "\(what) to"))
        guard link.from != link.to else { throw error(node, "\(what) needs two different tabs, got \(link)") }
        return link
    }

    func expectation(_ node: Node) throws(ScenarioError) -> Scenario.Expectation {
        guard let map = node.mapping, map.count == 1, let (k, v) = map.first, let key = k.string else {
            throw error(node, "expect takes exactly one of " + Scenario.Expectation.names.joined(separator: ", "))
        }
        guard let read = Self.expectationReaders[key] else {
            throw error(
                k, "unknown expectation '\(key)' (known: \(Scenario.Expectation.names.joined(separator: ", ")))")
        }
        return try read(self, v)
    }

    /// Every expectation a file may use, each with its reader: the other half of the vocabulary's
    /// one table. `Scenario.Expectation.names` is read from it.
    typealias ExpectationReader = @Sendable (ScenarioNodeReader, Node) throws(ScenarioError) -> Scenario.Expectation
    static let expectations: [(name: String, read: ExpectationReader)] = [
        (
            "leader",
            { r, v throws(ScenarioError) in
                let name = try r.string(v, "leader")
                return .leader(name == "none" ? nil : name)
            }
        ),
        ("leaders", { r, v throws(ScenarioError) in .leaders(try r.count(v, "leaders")) }),
        ("runningLeaders", { r, v throws(ScenarioError) in .runningLeaders(try r.count(v, "runningLeaders")) }),
        ("allFollow", { r, v throws(ScenarioError) in .allFollow(try r.bool(v, "allFollow")) }),
        (
            "state",
            { r, v throws(ScenarioError) in
                let (tab, values) = try r.tabAndDocument(v, "expect state")
                return .state(tab: tab, values: values)
            }
        ),
        ("converged", { r, v throws(ScenarioError) in .converged(try r.bool(v, "converged")) }),
        (
            "connectedTabs",
            { r, v throws(ScenarioError) in
                guard let m = v.mapping, let t = m["tab"], let c = m["count"] else {
                    throw r.error(v, "connectedTabs takes {tab, count}")
                }
                return .connectedTabs(tab: try r.string(t, "tab"), count: try r.count(c, "count"))
            }
        ),
        ("neverOnWire", { r, v throws(ScenarioError) in .neverOnWire(try r.string(v, "neverOnWire")) }),
        (
            "sent",
            { r, v throws(ScenarioError) in
                guard let m = v.mapping, let t = m["tab"], let ty = m["type"], let c = m["count"] else {
                    throw r.error(v, "sent takes {tab, type, count}")
                }
                let typeName = try r.string(ty, "type")
                guard let type = SyncMessageType(rawValue: typeName) else {
                    let known = SyncMessageType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw r.error(ty, "unknown message type '\(typeName)' (known: \(known))")
                }
                return .sent(tab: try r.string(t, "tab"), type: type, count: try r.count(c, "count"))
            }
        ),
        (
            "dropped",
            { r, v throws(ScenarioError) in
                guard let m = v.mapping, let t = m["tab"], let reasonNode = m["reason"], let c = m["count"] else {
                    throw r.error(v, "dropped takes {tab, reason, count}")
                }
                let reasonName = try r.string(reasonNode, "reason")
                guard let reason = DropReason(rawValue: reasonName) else {
                    let known = DropReason.allCases.map(\.rawValue).joined(separator: ", ")
                    throw r.error(reasonNode, "unknown drop reason '\(reasonName)' (known: \(known))")
                }
                return .dropped(tab: try r.string(t, "tab"), reason: reason, count: try r.count(c, "count"))
            }
        ),
        ("winners", { r, v throws(ScenarioError) in .winners(try r.strategy(v)) }),
        ("maxSentPerSecond", { r, v throws(ScenarioError) in .maxSentPerSecond(try r.count(v, "maxSentPerSecond")) }),
        ("violated", { r, v throws(ScenarioError) in .violated(try r.string(v, "violated")) }),
    ]

    /// Readers by expectation name.
    private static let expectationReaders = Dictionary(uniqueKeysWithValues: expectations.map { ($0.name, $0.read) })
}
