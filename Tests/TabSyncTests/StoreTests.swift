import PropertyBased
import Testing
import TabSync

/// The store changes its state in place and rebuilds a change's `previous` on demand; these tests
/// hold it to the contract subscribers see: previous, next and changed keys exactly as if the
/// whole document had been copied.
@Suite struct StoreTests {
    @Test func aChangeReportsPreviousNextAndSortedKeys() throws {
        let store = Store(["a": 1, "b": "x", "keep": true])
        var changes: [StoreChange] = []
        store.subscribe { changes.append($0) }
        try store.setState(["b": "y", "a": 2, "keep": true, "new": .null])
        #expect(changes.count == 1)
        let change = changes[0]
        #expect(change.changedKeys == ["a", "b", "new"])  // sorted; "keep" did not change
        #expect(change.previous == ["a": 1, "b": "x", "keep": true])
        #expect(change.next == ["a": 2, "b": "y", "keep": true, "new": .null])
        #expect(change.origin == .local)
    }

    @Test func localOnlyListenersHearTheApplicationNotOtherTabs() throws {
        let store = Store(["a": 0])
        var local: [String] = []
        var all: [String] = []
        let localSub = store.subscribe(localOnly: true) { local.append(contentsOf: $0.changedKeys) }
        let allSub = store.subscribe { all.append(contentsOf: $0.changedKeys) }
        try store.setState(["a": 1])
        store.update(set: ["b": 1], remove: [], origin: .remote(tabId: "T"))
        #expect(local == ["a"])
        #expect(all == ["a", "b"])
        store.unsubscribe(allSub)
        store.unsubscribe(allSub)  // twice: the count of listeners stays right
        store.update(set: ["c": 1], remove: ["a"], origin: .remote(tabId: "T"))
        #expect(store.state == ["b": 1, "c": 1])  // applied with no listener for it
        let again = store.subscribe { all.append(contentsOf: $0.changedKeys) }
        store.update(set: ["d": 1], remove: [], origin: .remote(tabId: "T"))
        #expect(all == ["a", "b", "d"])
        #expect(local == ["a"])
        store.unsubscribe(again)
        store.unsubscribe(localSub)
    }

    @Test func aSetThatChangesNothingNotifiesNoOne() throws {
        let store = Store(["a": 1])
        var calls = 0
        store.subscribe { _ in calls += 1 }
        try store.setState(["a": 1])
        store.removeKeys(["absent"])
        #expect(calls == 0)
        #expect(store.update(set: ["a": 1], remove: [], origin: .local).isEmpty)
    }

    @Test func setAndRemoveAreOneChangeWithRemovedKeysLast() throws {
        let store = Store(["z": 1, "gone": "g", "b": 0])
        var changes: [StoreChange] = []
        store.subscribe { changes.append($0) }
        let changed = store.update(
            set: ["z": 2, "b": 1], remove: ["gone", "gone", "never"], origin: .remote(tabId: "T"))
        #expect(changed == ["b", "z", "gone"])
        #expect(changes.count == 1)
        #expect(changes[0].changedKeys == changed)
        #expect(changes[0].previous == ["z": 1, "gone": "g", "b": 0])
        #expect(changes[0].next == ["z": 2, "b": 1])
        #expect(changes[0].origin == .remote(tabId: "T"))
    }

    @Test func aKeyBothSetAndRemovedIsSet() throws {
        let store = Store(["a": 1])
        #expect(store.update(set: ["a": 2], remove: ["a"], origin: .local) == ["a"])
        #expect(store.state == ["a": 2])
    }

    @Test func manyKeysAreSortedToo() throws {
        let store = Store()
        var seen: [String] = []
        store.subscribe { seen = $0.changedKeys }
        let keys = (0..<40).map { "k\(($0 * 17) % 40)" }
        try store.setState(Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.number(1)) }))
        #expect(seen == keys.sorted())
    }

    @Test func aSnapshotTakenBeforeAChangeDoesNotMove() throws {
        let store = Store(["a": 1])
        let before = store.state
        var seenInSubscriber: StateDocument = [:]
        store.subscribe { _ in seenInSubscriber = before }
        try store.setState(["a": 2, "b": 3])
        #expect(before == ["a": 1])
        #expect(seenInSubscriber == ["a": 1])
        #expect(store.state == ["a": 2, "b": 3])
    }

    @Test func aReentrantSetIsQueuedAndEachChangeSeesItsOwnBeforeAndAfter() throws {
        let store = Store(["n": 0])
        var changes: [StoreChange] = []
        store.subscribe { change in
            changes.append(change)
            if let n = change.next["n"]?.intValue, n < 3 { try store.setState(["n": .number(Double(n + 1))]) }
        }
        try store.setState(["n": 1])
        #expect(changes.map { $0.previous["n"] } == [0, 1, 2])
        #expect(changes.map { $0.next["n"] } == [1, 2, 3])
        #expect(store.state == ["n": 3])
    }

    @Test func previousAndNextMatchTheStateAroundEveryUpdate() async {
        let partial = Gen.int(in: 0...59).array(of: 0...6).map { picks -> StateDocument in
            var d: StateDocument = [:]
            for (i, p) in picks.enumerated() { d[["a", "b", "c", "d", "e"][(i + p) % 5]] = scalar(p) }
            return d
        }
        let removal = keyName.array(of: 0...3)
        await propertyCheck(count: 300, input: partial, partial, removal) { initial, set, remove in
            let store = Store(initial)
            var seen: StoreChange?
            store.subscribe { seen = $0 }
            let changed = store.update(set: set, remove: remove, origin: .local)
            var expected = initial
            for key in remove where set[key] == nil { expected[key] = nil }
            expected.merge(set) { $1 }
            #expect(store.state == expected)
            let differing = Set(expected.keys).union(initial.keys).filter { expected[$0] != initial[$0] }
            #expect(Set(changed) == differing)
            #expect(changed.count == differing.count)
            if differing.isEmpty {
                #expect(seen == nil)
            } else {
                #expect(seen?.previous == initial)
                #expect(seen?.next == expected)
                #expect(seen?.changedKeys == changed)
            }
        }
    }
}
