import NIOCore

/// The frames of other endpoints that arrived in part, chunk by chunk (see `NotifyPayload`),
/// bounded: at most `maxPartialFrames` at once, each at most `maxFrameBytes`, so the memory any
/// sender can pin is `maxPartialFrames * maxFrameBytes` (64 x 64 KiB = 4 MiB by default). A frame
/// still incomplete after `timeout` on the monotonic clock (its sender disconnected mid-frame) is
/// dropped; so is the oldest when a new one would exceed the bound. Every drop is counted.
///
/// PostgreSQL delivers one session's notifications in the order they committed, and a sender
/// commits each chunk in order: a chunk out of that order is corrupt or forged, and drops its frame.
struct ChunkReassembly {
    /// Whose frame: the sending session's backend process (which the server reports, and no
    /// session can forge), its endpoint id, and the frame's number.
    struct Key: Hashable {
        var backendPID: Int32
        var sender: String
        var frame: UInt64
    }

    private struct Partial {
        var bytes: [UInt8] = []
        var count: Int
        var next = 0
        var started: NIODeadline
        /// Arrival order: the oldest is evicted first (deadlines may tie).
        var order: Int
    }

    enum Outcome: Equatable {
        /// The last chunk: here is the whole frame.
        case complete([UInt8])
        /// Kept, waiting for more.
        case pending
        /// This chunk, and the frame it belonged to, dropped: why.
        case dropped(String)
    }

    let maxPartialFrames: Int
    let maxFrameBytes: Int
    let timeout: TimeAmount
    private var partial: [Key: Partial] = [:]
    private var arrivals = 0
    /// Frames dropped incomplete: timed out, evicted, too long or out of order.
    private(set) var droppedFrames = 0

    init(maxPartialFrames: Int = 64, maxFrameBytes: Int, timeout: TimeAmount = .seconds(10)) {
        self.maxPartialFrames = maxPartialFrames
        self.maxFrameBytes = maxFrameBytes
        self.timeout = timeout
    }

    /// Frames waiting for their other chunks.
    var pendingFrames: Int { partial.count }
    /// When the oldest incomplete frame times out, if there is one.
    var nextExpiry: NIODeadline? { partial.values.map(\.started).min().map { $0 + timeout } }

    mutating func add(
        _ header: NotifyPayload.Header, _ data: Substring.UTF8View, from backendPID: Int32, now: NIODeadline
    )
        -> Outcome
    {
        let key = Key(backendPID: backendPID, sender: header.sender, frame: header.frame)
        if header.index == 0 {
            if partial[key] != nil { drop(key) }  // a frame number reused: the old one is lost
            if partial.count >= maxPartialFrames, let oldest = partial.min(by: { $0.value.order < $1.value.order }) {
                drop(oldest.key)
            }
            arrivals += 1
            partial[key] = Partial(count: header.count, started: now, order: arrivals)
        }
        guard var frame = partial.removeValue(forKey: key) else {
            droppedFrames += 1
            return .dropped("chunk \(header.index + 1) of \(header.count) without the ones before it")
        }
        guard header.index == frame.next, header.count == frame.count else {
            droppedFrames += 1
            return .dropped("chunk \(header.index + 1) of \(header.count) out of order")
        }
        guard frame.bytes.count + data.count <= maxFrameBytes else {
            droppedFrames += 1
            return .dropped("frame longer than \(maxFrameBytes) bytes")
        }
        frame.bytes.append(contentsOf: data)
        frame.next += 1
        if frame.next == frame.count { return .complete(frame.bytes) }
        partial[key] = frame
        return .pending
    }

    /// Drops the frames incomplete for `timeout`; returns how many.
    mutating func expire(now: NIODeadline) -> Int {
        let old = partial.filter { now - $0.value.started >= timeout }.map(\.key)
        for key in old { drop(key) }
        return old.count
    }

    /// Forgets everything (the endpoint closed).
    mutating func removeAll() { partial.removeAll() }

    private mutating func drop(_ key: Key) {
        partial[key] = nil
        droppedFrames += 1
    }
}
