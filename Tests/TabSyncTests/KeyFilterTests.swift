import PropertyBased
import Testing
@testable import TabSync

/// `KeyFilter` searches short lists in order and long ones through a set; both must agree with the
/// spec's rule: a key syncs when syncKeys is empty or names it, and excludeKeys does not.
@Suite struct KeyFilterTests {
    /// Key names k0...k19: lists of up to 12 cross the linear limit on either side.
    private let keys = Gen.int(in: 0...19).map { "k\($0)" }

    @Test func agreesWithTheSpecsRuleForShortAndLongLists() async {
        await propertyCheck(count: 300, input: keys.array(of: 0...12), keys.array(of: 0...12), keys) {
            sync, exclude, key in
            let filter = KeyFilter(syncKeys: sync, excludeKeys: exclude)
            #expect(filter.accepts(key) == (!exclude.contains(key) && (sync.isEmpty || sync.contains(key))))
            #expect(filter.acceptsAll == (sync.isEmpty && exclude.isEmpty))
        }
    }

    @Test func bothSearchesAreExercised() {
        let long = (0...KeyFilter.linearLimit).map { "k\($0)" }
        let filter = KeyFilter(syncKeys: long, excludeKeys: ["k0"])
        #expect(!filter.accepts("k0"))
        #expect(filter.accepts("k\(KeyFilter.linearLimit)"))
        #expect(!filter.accepts("other"))
        #expect(!KeyFilter(syncKeys: [], excludeKeys: long).accepts("k3"))
        #expect(KeyFilter(syncKeys: [], excludeKeys: long).accepts("other"))
    }
}
