import TabSync

/// The channel as real processes see it (`SimulationOptions.wireJSON`): every frame a tab posts is
/// written as JSON text, UTF-8 bytes, and read back with the JSON parser before the hub carries it,
/// so each receiver gets `.json` and decodes it as untrusted input, exactly as a tab behind the live
/// transports does (the same `ChannelFrame.jsonBytes` and `ChannelFrame.reading`).
///
/// Why: with typed frames a message reaches the receiver as the very value the sender built, so a
/// number outside JSON's range, a field the encoder leaves out or a value that does not survive
/// text would go unnoticed in every simulated run and fail only between processes. The frame is
/// encoded and decoded once per post (every receiver gets the same decoded value, as every process
/// decodes the same bytes alike), which keeps the mode cheap enough for the fuzzer.
final class WireTransport: SyncTransport {
    private let base: any SyncTransport

    init(over base: any SyncTransport) {
        self.base = base
    }

    func open(
        channelName: String, ownerId: String, scheduler: any SyncScheduler,
        onFrame: @escaping (ChannelFrame) -> Void
    ) -> (any ChannelEndpoint)? {
        base.open(channelName: channelName, ownerId: ownerId, scheduler: scheduler, onFrame: onFrame)
            .map(Endpoint.init)
    }

    /// A frame after the trip through bytes, as the live transport writes and reads them.
    static func roundTrip(_ frame: ChannelFrame) -> ChannelFrame { ChannelFrame.reading(frame.jsonBytes).frame }

    private final class Endpoint: ChannelEndpoint {
        private let base: any ChannelEndpoint

        init(_ base: any ChannelEndpoint) { self.base = base }

        func post(_ frame: ChannelFrame) { base.post(WireTransport.roundTrip(frame)) }
        func close() { base.close() }
    }
}

extension ChannelFrame {
    /// The message type, epoch and timestamp a frame carries, typed or as JSON (nil and 0 where it
    /// carries none): what the log and the sequence diagram show of a frame, in either wire mode.
    var header: (type: SyncMessageType?, epoch: Int?, timestampMs: Milliseconds) {
        switch self {
        case .message(let m): (m.type, m.payload?.epoch, m.timestamp.ms)
        case .json(let json):
            (
                json.objectValue?["type"]?.stringValue.flatMap(SyncMessageType.init(rawValue:)),
                json.objectValue?["payload"]?.objectValue?["epoch"]?.intValue,
                json.objectValue?["timestamp"]?.intValue ?? 0
            )
        }
    }
}
