import Testing
import TabSync
@testable import TabSimulator

/// A log entry keeps only what its line shows; the line must still read exactly as the engine's.
@Suite struct SimEventTests {
    let payload = SyncMessage.Payload(
        state: ["theme": "dark"], keys: ["theme"], leaderId: "tab-0-leader", epoch: 3,
        stamps: ["theme": KeyVersion(counter: 2, time: 7, tabId: "tab-12345-abcdefgh")])

    func entry(_ event: SyncEvent, type: SyncMessageType? = nil) -> SimEvent {
        SimEvent(timeMs: 1250, tab: "B", kind: .received, messageType: type, event: event, tabId: "tab-99999-receiver")
    }

    @Test(arguments: SyncMessageType.allCases)
    func receivedLineIsTheEngines(type: SyncMessageType) {
        let event = SyncEvent.received(
            SyncMessage(type: type, tabId: "tab-12345-sender", timestamp: 42, payload: payload))
        #expect(entry(event, type: type).line == event.debugLine(tabId: "tab-99999-receiver"))
    }

    @Test func appliedLineIsTheEngines() {
        let event = SyncEvent.applied(from: "tab-12345-sender", keys: ["theme", "locale"])
        #expect(entry(event).line == event.debugLine(tabId: "tab-99999-receiver"))
    }

    @Test func otherEngineLinesAreTheEngines() {
        let message = SyncMessage(type: .stateUpdate, tabId: "tab-1-x", timestamp: 42, payload: payload)
        for event: SyncEvent in [
            .sent(message), .ignored(message, reason: "stale epoch"), .started, .stopped,
            .dropped(reason: .malformed, detail: "not JSON", from: "tab-1-x"),
        ] {
            #expect(entry(event).line == event.debugLine(tabId: "tab-99999-receiver"))
        }
    }
}
