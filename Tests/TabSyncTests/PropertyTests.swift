import PropertyBased
import Testing
import TabSync

/// A JSON-like scalar or small array, chosen by a number.
func scalar(_ n: Int) -> JSONValue {
    switch n % 5 {
    case 0: return .null
    case 1: return .bool(n % 2 == 0)
    case 2: return .number(Double(n))
    case 3: return .string("s\(n)")
    default: return .array([.number(Double(n)), .string("x")])
    }
}

/// Any value: a scalar, or an object.
let jsonValue = Gen.int(in: 0...59).map { n -> JSONValue in n < 50 ? scalar(n) : .object(["k": scalar(n)]) }

/// Objects with keys a...e, some values nested objects two levels deep.
let nestedObject = Gen.int(in: 0...80).array(of: 0...5).map { picks -> JSONValue in
    var o: [String: JSONValue] = [:]
    for (i, p) in picks.enumerated() {
        let key = ["a", "b", "c", "d", "e"][(i + p) % 5]
        switch p % 4 {
        case 0: o[key] = .object(["x": scalar(p), "y": .object(["z": scalar(p + i)])])
        case 1: o[key] = .object(["x": scalar(p + 1)])
        default: o[key] = scalar(p)
        }
    }
    return .object(o)
}

let keyName = Gen.int(in: 0...4).map { ["a", "b", "c", "d", "e"][$0] }

@Suite struct FilterPropertyTests {
    @Test func excludedKeysNeverTravelAndNeverLand() async {
        await propertyCheck(
            count: 60, input: keyName.array(of: 0...3), keyName.array(of: 0...2), Gen.int(in: 0...4).array(of: 1...5)
        ) { syncKeys, excludeKeys, edits in
            let exclude = Array(Set(excludeKeys))
            let sync = Array(Set(syncKeys)).filter { !exclude.contains($0) }
            let bench = Bench()
            let initial: StateDocument = ["a": 0, "b": 0, "c": 0, "d": 0, "e": 0]
            let a = try! bench.tab(initial, id: "A") {
                $0.syncKeys = sync
                $0.excludeKeys = exclude
                $0.throttleMs = 0
            }
            let b = try! bench.tab(initial, id: "B")  // B sends everything
            bench.advance(1000)
            for (i, e) in edits.enumerated() {
                let key = ["a", "b", "c", "d", "e"][e]
                try a.store.setState([key: .number(Double(100 + i))])
                try b.store.setState([key: .number(Double(200 + i))])
                bench.advance(5)
            }
            bench.advance(500)
            let isSynced = { (k: String) in !exclude.contains(k) && (sync.isEmpty || sync.contains(k)) }
            for m in bench.sent(.stateUpdate, by: a) + bench.sent(.stateResponse, by: a) {
                let carried = Array(m.payload?.state?.keys ?? [:].keys) + (m.payload?.keys ?? [])
                #expect(carried.allSatisfy(isSynced), "A sent \(carried)")
            }
            for key in initial.keys where !isSynced(key) {
                let value = a.store[key]?.numberValue ?? 0
                #expect(value < 200, "B wrote A's unsynced key \(key)")
            }
        }
    }
}

@Suite struct PeerPropertyTests {
    /// Tabs come and go at random (start, graceful stop, restart) while traffic flows; afterwards
    /// every running tab counts exactly the others that run.
    @Test func theConnectedCountFollowsTabsThatComeAndGo() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...9).array(of: 1...25)) { ops in
            let bench = Bench()
            let tabs = (0..<5).map { try! bench.tab(["n": 0], id: "T\($0)", start: false) { $0.throttleMs = 0 } }
            for (i, op) in ops.enumerated() {
                let tab = tabs[op % 5]
                if op < 5 {
                    if tab.isActive() { tab.stop() } else { tab.start() }
                } else if tab.isActive() {
                    try tab.store.setState(["n": .number(Double(i))])
                }
                bench.advance(50)
            }
            bench.advance(10)
            let running = tabs.filter { $0.isActive() }
            for tab in running {
                #expect(tab.getConnectedTabs() == running.count - 1, "\(tab.tabId) after \(ops)")
            }
        }
    }

    /// The input the property once failed on: T1 stops, then T2 (T1 had seen T2 ponged); both start
    /// again under their ids. Restarted, T1 still remembered T2 as answered by another tab, so it did
    /// not pong T2 and T2 did not learn of T3 until T3's next ping.
    @Test func tabsRestartedWithTheirIdsAreCountedAgain() throws {
        let bench = Bench()
        let tabs = try (0..<5).map { try bench.tab(["n": 0], id: "T\($0)", start: false) { $0.throttleMs = 0 } }
        for op in [0, 1, 2, 1, 2, 3, 0, 1, 2] {
            if tabs[op].isActive() { tabs[op].stop() } else { tabs[op].start() }
            bench.advance(50)
        }
        bench.advance(10)
        let running = tabs.filter { $0.isActive() }
        for tab in running {
            #expect(tab.getConnectedTabs() == running.count - 1, "\(tab.tabId)")
        }
    }
}

/// `inspect` measures and checks what a tab receives, with scalars of an object handled inline
/// for speed; it must agree with the plain recursive definition, nesting limit included.
@Suite struct InspectPropertyTests {
    private func reference(_ v: JSONValue, depth: Int, problem: inout String?) -> Int {
        if depth <= 0 {
            if problem == nil { problem = "nesting deeper than the limit" }
            return 0
        }
        switch v {
        case .null: return 4
        case .bool: return 5
        case .number(let n):
            if !n.isFinite, problem == nil { problem = "non-finite number" }
            return 8
        case .string(let s): return s.utf8.count + 2
        case .array(let a): return a.reduce(2) { $0 + reference($1, depth: depth - 1, problem: &problem) + 1 }
        case .object(let o):
            return o.reduce(2) { $0 + $1.key.utf8.count + 4 + reference($1.value, depth: depth - 1, problem: &problem) }
        }
    }

    @Test func agreesWithTheRecursiveDefinitionAtEveryDepthLimit() async {
        await propertyCheck(count: 300, input: nestedObject, Gen.int(in: 1...5)) { value, limit in
            var problem: String? = nil
            let size = reference(value, depth: limit, problem: &problem)
            let got = value.inspect(maxDepth: limit)
            #expect(got.bytes == size)
            #expect(got.problem == problem)
        }
    }

    @Test func aScalarOneLevelTooDeepIsRefused() {
        let twoLevels: JSONValue = .object(["a": .object(["b": 1])])
        #expect(twoLevels.inspect(maxDepth: 3).problem == nil)
        #expect(twoLevels.inspect(maxDepth: 2).problem == "nesting deeper than the limit")
        #expect(JSONValue.object(["n": .number(.nan)]).inspect().problem == "non-finite number")
    }
}
