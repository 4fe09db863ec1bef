import Foundation
import Testing

@testable import TabSync

/// A tab's name for people (`BroadcastSyncConfig.tabName`) rides in its TAB_PING and TAB_PONG as
/// `payload.name`, bounded and free of control characters, so a watcher can show it.
@Suite struct TabNameTests {
    @Test func pingsAndPongsCarryTheConfiguredNameAndOtherMessagesDoNot() throws {
        let bench = Bench()
        let a = try bench.tab(id: "a") { $0.tabName = "Alpha" }
        let b = try bench.tab(id: "b")
        bench.advance(5000)
        let pings = bench.sent(.tabPing, by: a)
        #expect(pings.count >= 2)
        #expect(pings.allSatisfy { $0.payload?.name == "Alpha" })
        #expect(bench.sent(.tabPong, by: a).allSatisfy { $0.payload?.name == "Alpha" })
        #expect(bench.sent(.tabPing, by: b).allSatisfy { $0.payload?.name == nil })
        let others = bench.allSent.filter { $0.type != .tabPing && $0.type != .tabPong }
        #expect(others.allSatisfy { $0.payload?.name == nil })
        #expect(b.getConnectedTabs() == 1)  // a name changes nothing for the receiver
    }

    @Test func theNameEncodesAsPayloadNameAndDecodesBack() throws {
        let message = SyncMessage(
            type: .tabPing, tabId: "a", timestamp: 1, payload: SyncMessage.Payload(priority: 1, name: "Ä tab"))
        #expect(message.jsonText.contains(#""name":"Ä tab""#))
        #expect(try SyncMessage(json: message.json) == message)
        #expect(message.rangeProblem == nil)
    }

    @Test(arguments: [
        (String(repeating: "n", count: 65), "is longer than 64 bytes"),
        (String(repeating: "é", count: 33), "is longer than 64 bytes"),
        ("tab\u{1B}[2J", "holds a control character"),
        ("two\nlines", "holds a control character"),
    ])
    func aNameTooLongOrWithAControlCharacterIsMalformedAndRefusedInTheConfiguration(name: String, problem: String)
        throws
    {
        let json: JSONValue = [
            "type": "TAB_PING", "tabId": "x", "timestamp": 1, "payload": ["name": .string(name)],
        ]
        #expect(throws: MalformedMessage("field 'payload.name' \(problem)")) { try SyncMessage(json: json) }
        let built = SyncMessage(type: .tabPing, tabId: "x", timestamp: 1, payload: SyncMessage.Payload(name: name))
        #expect(built.rangeProblem == "field 'payload.name' \(problem)")
        var config = BroadcastSyncConfig(channelName: "c")
        config.tabName = name
        #expect(throws: ConfigurationError(field: "tabName", reason: problem)) { try config.validate() }
    }

    @Test func aNameOfExactly64BytesIsAccepted() throws {
        var config = BroadcastSyncConfig(channelName: "c")
        config.tabName = String(repeating: "é", count: 32)
        try config.validate()
    }
}
