import TabSync

/// A frame's trip through bytes, as between processes: a `STATE_UPDATE` of two keys (a string and
/// a number, as the fanout workload writes) with a version each, written as JSON
/// (`ChannelFrame.jsonBytes`) and read back (`ChannelFrame.reading`), each timed on its own. Between two real tabs a delivery pays one
/// of each, beside the engine and the socket.
public enum WireBenchmark {
    static let message = SyncMessage(
        type: .stateUpdate, tabId: "tab-1765100000123-k3x9qa", timestamp: WallClockInstant(ms: 1_765_100_000_456),
        payload: SyncMessage.Payload(
            state: ["theme": "dark", "counter": 12_345],
            stamps: [
                "theme": KeyVersion(
                    counter: 3, time: WallClockInstant(ms: 1_765_100_000_456), tabId: "tab-1765100000123-k3x9qa"),
                "counter": KeyVersion(
                    counter: 3, time: WallClockInstant(ms: 1_765_100_000_456), tabId: "tab-1765100000123-k3x9qa"),
            ]))

    /// Microseconds to write the frame as JSON bytes.
    public static func encodeMicroseconds(frames: Int = 100_000) -> BenchmarkResult {
        let frame = ChannelFrame.message(message)
        var bytes = 0
        let watch = Stopwatch()
        for _ in 0..<frames { bytes += frame.jsonBytes.count }
        return result("wire.encode_us", watch, frames: frames, check: bytes > 0)
    }

    /// Microseconds to read the frame's JSON bytes back into a frame for the engine to check.
    public static func parseMicroseconds(frames: Int = 100_000) -> BenchmarkResult {
        let bytes = ChannelFrame.message(message).jsonBytes
        var read = 0
        let watch = Stopwatch()
        for _ in 0..<frames where ChannelFrame.reading(bytes).isJSON { read += 1 }
        return result("wire.parse_us", watch, frames: frames, check: read == frames)
    }

    private static func result(_ name: String, _ watch: Stopwatch, frames: Int, check: Bool) -> BenchmarkResult {
        precondition(check, "\(name): the frame did not make the trip")
        return BenchmarkResult(
            name: name, value: (watch.seconds * 1e6 / Double(frames) * 100).rounded() / 100, unit: "us")
    }
}
