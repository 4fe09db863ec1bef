import Foundation
import Testing
import TabSync

/// A payload keeps its fields in a shared box, copied on write; it must still behave as a value,
/// and encode as the plain struct did.
@Suite struct SyncMessageTests {
    @Test func aCopiedPayloadChangesAloneEvenWhileShared() {
        let original = SyncMessage.Payload(state: ["theme": "dark"], keys: ["theme"], priority: 5)
        var copy = original
        copy.state?["theme"] = "light"
        copy.requestId = 7
        #expect(original.state == ["theme": "dark"])
        #expect(original.requestId == nil)
        #expect(copy.state == ["theme": "light"])
        #expect(copy.requestId == 7)
        #expect(copy.keys == ["theme"] && copy.priority == 5)
        #expect(original != copy)
        var same = original
        same.priority = 5  // a write of the value it holds: a separate box, the same value
        #expect(same == original)
    }

    @Test func encodesOnlyThePresentFieldsAndDecodesBack() throws {
        let payload = SyncMessage.Payload(
            state: ["n": 1], keys: ["n"], epoch: 2, stamps: ["n": KeyVersion(counter: 1, time: 3, tabId: "a")])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(payload), as: UTF8.self)
        #expect(text == #"{"epoch":2,"keys":["n"],"stamps":{"n":{"counter":1,"tabId":"a","time":3}},"state":{"n":1}}"#)
        #expect(try JSONDecoder().decode(SyncMessage.Payload.self, from: Data(text.utf8)) == payload)
        let empty = try JSONDecoder().decode(SyncMessage.Payload.self, from: Data("{}".utf8))
        #expect(empty == SyncMessage.Payload())
        #expect(String(decoding: try encoder.encode(empty), as: UTF8.self) == "{}")
    }
}
