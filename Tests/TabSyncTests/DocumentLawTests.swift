import PropertyBased
import Testing

@testable import TabSync

/// The laws the converging strategies promise, checked on `VersionedDocument` itself: received
/// writes applied in any order, any grouping and any number of times give the same document; the
/// write that wins is the strategy's. Writes are drawn over a small key space, three writers and a
/// few milliseconds, so that times, counters and tab ids tie often.
@Suite struct DocumentLawTests {
    static let converging: [ConflictStrategy] = [.lastWriteWins, .firstWriteWins, .merge]

    /// Random writes, each an integer decoded by `Write` (its keys, writer, time, counter and form).
    static let writes = Gen.int(in: 0...Int(Int32.max)).array(of: 1...10)
    /// A seed for the orders and replica splits a law compares.
    static let seed = Gen.int(in: 0...Int(Int32.max))
    /// Whether the receiver is observed (the engine then skips its fast path for settled writes).
    static let observed = Gen.int(in: 0...1).map { $0 == 1 }

    @Test(arguments: converging) func applyingReceivedWritesInAnyOrderGivesOneDocument(strategy: ConflictStrategy)
        async
    {
        await propertyCheck(count: 150, input: Self.writes, Self.seed, Self.observed) { codes, seed, observed in
            let messages = Write.messages(codes, strategy: strategy)
            var random = SeededRandom(seed: UInt64(seed))
            var first = Replica(strategy, observed: observed)
            var second = Replica(strategy, observed: observed)
            for m in messages { first.apply(m) }
            for m in messages.shuffled(using: &random) { second.apply(m) }
            #expect(first.snapshot() == second.snapshot(), "\(strategy) \(codes)")
        }
    }

    @Test(arguments: converging) func applyingAWriteTwiceIsApplyingItOnce(strategy: ConflictStrategy) async {
        await propertyCheck(count: 150, input: Self.writes, Self.seed, Self.observed) { codes, seed, observed in
            let messages = Write.messages(codes, strategy: strategy)
            var random = SeededRandom(seed: UInt64(seed))
            var once = Replica(strategy, observed: observed)
            var twice = Replica(strategy, observed: observed)
            var replayed = Replica(strategy, observed: observed)
            for m in messages {
                once.apply(m)
                twice.apply(m)
                twice.apply(m)
            }
            // Each message again at a random later point (a duplicate delivery, or a replayed answer).
            var doubled = messages
            for (i, m) in messages.enumerated() {
                doubled.insert(m, at: Int.random(in: (i + 1)...doubled.count, using: &random))
            }
            for m in doubled { replayed.apply(m) }
            #expect(once.snapshot() == twice.snapshot(), "twice in a row: \(strategy) \(codes)")
            #expect(once.snapshot() == replayed.snapshot(), "replayed later: \(strategy) \(codes)")
        }
    }

    /// State-based: a replica's whole document, sent as an answer, joins another's. The join is
    /// commutative and associative, and joining a replica with itself changes nothing.
    @Test(arguments: converging) func joiningWholeDocumentsIsAssociativeCommutativeAndIdempotent(
        strategy: ConflictStrategy
    ) async {
        await propertyCheck(count: 120, input: Self.writes, Self.seed) { codes, seed in
            let messages = Write.messages(codes, strategy: strategy)
            var random = SeededRandom(seed: UInt64(seed))
            // Three replicas, each with its own defaults and a random share of the writes.
            var replicas = (0..<3).map { i in
                Replica(strategy, tab: "R\(i)", created: 100 + i, defaults: i == 1 ? ["a": 1, "c": 3] : ["a": 2])
            }
            for m in messages {
                for i in replicas.indices where Bool.random(using: &random) { replicas[i].apply(m) }
            }
            let (a, b, c) = (replicas[0], replicas[1], replicas[2])
            #expect(a.joined(b).snapshot() == b.joined(a).snapshot(), "commutative: \(strategy) \(codes)")
            #expect(
                a.joined(b).joined(c).snapshot() == a.joined(b.joined(c)).snapshot(),
                "associative: \(strategy) \(codes)")
            #expect(a.joined(a).snapshot() == a.snapshot(), "idempotent: \(strategy) \(codes)")
            // Grouping: the writes one by one, or first gathered in another replica and sent as one answer.
            var direct = Replica(strategy, tab: "R0", created: 100, defaults: ["a": 2])
            var gathered = Replica(strategy, tab: "R3", created: 90, defaults: [:])
            for m in messages {
                direct.apply(m)
                gathered.apply(m)
            }
            let viaAnswer = Replica(strategy, tab: "R0", created: 100, defaults: ["a": 2]).joined(gathered)
            #expect(direct.snapshot() == viaAnswer.snapshot(), "grouping: \(strategy) \(codes)")
        }
    }

    /// last-write-wins: every key ends at the write with the greatest (time, counter, tab id), in
    /// every order; first-write-wins: at the highest count, then the earliest (time, tab id).
    @Test(arguments: [ConflictStrategy.lastWriteWins, .firstWriteWins])
    func theStrategysWriteWins(strategy: ConflictStrategy) async {
        await propertyCheck(count: 200, input: Self.writes, Self.seed, Self.observed) { codes, seed, observed in
            let writes = Write.unique(codes)
            var random = SeededRandom(seed: UInt64(seed))
            var replica = Replica(strategy, observed: observed)
            for m in Write.messages(codes, strategy: strategy).shuffled(using: &random) { replica.apply(m) }
            for key in Write.keySpace {
                let candidates = writes.filter { $0.keys.contains(key) }
                guard
                    let winner = candidates.max(by: { x, y in
                        strategy == .lastWriteWins
                            ? (x.version.time, x.version.counter, x.version.tabId)
                                < (y.version.time, y.version.counter, y.version.tabId)
                            : x.version.counter != y.version.counter
                                ? x.version.counter < y.version.counter
                                : (x.version.time, x.version.tabId) > (y.version.time, y.version.tabId)
                    })
                else {
                    #expect(replica.values[key] == nil)
                    continue
                }
                #expect(replica.values[key] == winner.value(of: key), "\(strategy) \(key) after \(codes)")
                #expect(replica.document.version(of: key, values: replica.values) == winner.version)
            }
        }
    }

    /// A local write, whatever the clock says, orders after every version it replaces; with a
    /// clock ahead of them all it takes the clock's time (the latest write is the one that wins).
    @Test(arguments: [ConflictStrategy.lastWriteWins, .firstWriteWins, .merge])
    func aLocalWriteOrdersAfterWhatItReplaces(strategy: ConflictStrategy) async {
        await propertyCheck(count: 150, input: Self.writes, Gen.int(in: 0...12)) { codes, now in
            var replica = Replica(strategy)
            for m in Write.messages(codes, strategy: strategy) { replica.apply(m) }
            let before = replica.document.keyVersions(values: replica.values)
            let key = "a"
            let previous = replica.values[key]
            replica.values[key] = .string("local")
            replica.document.writeLocally(
                [KeyChange(key: key, previous: previous)], keys: [key], at: WallClockInstant(ms: now),
                values: replica.values)
            let written = replica.document.version(of: key, values: replica.values)!
            let earliestFirst = strategy == .firstWriteWins
            if let old = before[key] {
                #expect(written.wins(over: old, earliestFirst: earliestFirst), "\(written) over \(old)")
                if strategy == .lastWriteWins, now > old.time.ms { #expect(written.time.ms == now) }
            }
            #expect(written.tabId == replica.document.tabId)
        }
    }
}

/// One received write: a set of keys written together by one tab at one version, decoded from an
/// integer. Its values are a function of the key and the version, as a real write's are.
struct Write {
    static let keySpace = ["a", "b", "c"]
    static let writers = ["T0", "T1", "T2"]
    static let fieldNames = ["x", "y", "z"]

    let keys: [String]
    let version: KeyVersion
    /// STATE_UPDATE with an implicit version (the payload's counter), or explicit stamps.
    let implicit: Bool
    /// Under merge: fields written after the key's version (each with its own version).
    let fields: [String: KeyVersion]

    init(_ code: Int) {
        var c = code
        func take(_ n: Int) -> Int {
            defer { c /= n }
            return c % n
        }
        let mask = 1 + take(7)
        keys = Self.keySpace.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
        let tab = Self.writers[take(3)]
        let time = take(6)
        // Odd counters for writes of a key, even ones for fields: a version names one write.
        let counter = 1 + 2 * take(3)
        version = KeyVersion(counter: counter, time: WallClockInstant(ms: time), tabId: tab)
        implicit = take(2) == 0
        var fields: [String: KeyVersion] = [:]
        for name in Self.fieldNames where take(3) == 0 {
            let field = KeyVersion(
                counter: 2 + 2 * take(2), time: WallClockInstant(ms: time + take(3)), tabId: Self.writers[take(3)])
            if field.wins(over: version, earliestFirst: false) { fields[name] = field }
        }
        self.fields = fields
    }

    /// Deterministic per (key, version): a removal, or a value naming the write.
    func value(of key: String) -> JSONValue? {
        Self.content(key, version)
    }

    static func content(_ name: String, _ v: KeyVersion) -> JSONValue? {
        let n = v.time.ms * 31 + v.counter * 7 + Int(v.tabId.utf8.last!) + Int(name.utf8.first!)
        return n % 4 == 0 ? nil : .string("\(name)@\(v.time.ms).\(v.counter).\(v.tabId)")
    }

    /// Under merge, the key's whole entry: the value at `version` (an object of some fields, a
    /// scalar, or a removal), with the later field writes over it.
    func mergedValue(of key: String) -> JSONValue? {
        let n = version.time.ms * 13 + version.counter + Int(version.tabId.utf8.last!) + Int(key.utf8.first!)
        var base: JSONValue? =
            switch n % 4 {
            case 0: nil
            case 1: .string("\(key)@\(version)")
            default:
                .object(
                    Dictionary(
                        uniqueKeysWithValues: Self.fieldNames.enumerated().filter {
                            n % ($0.offset + 2) == 0 || $0.offset == 0
                        }
                        .map { ($0.element, JSONValue.string("\(key).\($0.element)@\(version)")) }))
            }
        guard !fields.isEmpty else { return base }
        var object: [String: JSONValue] = if case .object(let o)? = base { o } else { [:] }
        for (name, v) in fields {
            object[name] = Self.content("\(key).\(name)", v)
        }
        base = .object(object)
        return base
    }

    /// The writes of `codes`, one per version (a version names one write).
    static func unique(_ codes: [Int]) -> [Write] {
        var seen: Set<KeyVersion> = []
        return codes.map(Write.init).filter { seen.insert($0.version).inserted }
    }

    /// The writes as the messages that carry them.
    static func messages(_ codes: [Int], strategy: ConflictStrategy) -> [SyncMessage] {
        unique(codes).map { $0.message(strategy) }
    }

    func message(_ strategy: ConflictStrategy) -> SyncMessage {
        if strategy == .merge {
            // One key per message, its whole merge entry, as an answer or a merge update carries it.
            let key = keys[0]
            var state: StateDocument = [:]
            state[key] = mergedValue(of: key)
            let payload = SyncMessage.Payload(
                state: state, keys: [key], stamps: [key: version], fieldStamps: fields.isEmpty ? nil : [key: fields])
            return SyncMessage(type: .stateUpdate, tabId: version.tabId, timestamp: version.time, payload: payload)
        }
        var state: StateDocument = [:]
        for key in keys { state[key] = value(of: key) }
        let payload =
            implicit
            ? SyncMessage.Payload(state: state, keys: keys, counter: version.counter)
            : SyncMessage.Payload(
                state: state, keys: keys, stamps: Dictionary(uniqueKeysWithValues: keys.map { ($0, version) }))
        return SyncMessage(type: .stateUpdate, tabId: version.tabId, timestamp: version.time, payload: payload)
    }
}

/// A tab's synced state reduced to what the laws speak of: its values and its document, changed
/// as the engine changes them (the document decides, the values follow).
struct Replica {
    var values: StateDocument
    var document: VersionedDocument
    let observed: Bool
    let created: WallClockInstant

    init(
        _ strategy: ConflictStrategy, tab: String = "R", created: Int = 100, defaults: StateDocument = [:],
        observed: Bool = false
    ) {
        values = defaults
        self.created = WallClockInstant(ms: created)
        document = VersionedDocument(
            strategy: strategy, ownDefault: KeyVersion(counter: 0, time: self.created, tabId: tab),
            keyFilter: KeyFilter(syncKeys: [], excludeKeys: []))
        self.observed = observed
    }

    mutating func apply(_ m: SyncMessage) {
        let payload = m.payload!
        let applied = document.applyRemote(
            m, payload, payload.state!, keys: payload.keys!, values: values, observed: observed)
        for (key, value) in applied.set { values[key] = value }
        for key in applied.remove { values.removeValue(forKey: key) }
    }

    /// This replica after applying `other`'s whole document, sent as an answer.
    func joined(_ other: Replica) -> Replica {
        var other = other
        var me = self
        let keys = other.document.heldKeys(values: other.values)
        var payload = other.document.payload(of: keys, implicit: other.document.ownDefault, values: other.values)
        payload.priority = other.created
        me.apply(
            SyncMessage(type: .stateResponse, tabId: other.document.tabId, timestamp: other.created, payload: payload))
        return me
    }

    struct Entry: Equatable, CustomStringConvertible {
        let value: JSONValue?
        let version: KeyVersion?
        let fields: [String: KeyVersion]
        var description: String {
            "\(value?.description ?? "-") at \(version.map { "\($0.time.ms).\($0.counter).\($0.tabId)" } ?? "-") \(fields)"
        }
    }

    /// Every key held, with its value, version and field versions: equal snapshots are equal states,
    /// whichever tab holds them.
    func snapshot() -> [String: Entry] {
        var document = document
        var all: [String: Entry] = [:]
        for key in document.heldKeys(values: values) {
            all[key] = Entry(
                value: values[key], version: document.version(of: key, values: values), fields: document.fields(of: key)
            )
        }
        return all
    }
}
