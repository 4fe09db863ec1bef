import TabSync

/// Frames in datagrams: a frame is the spec's message as one compact JSON text, UTF-8
/// (`ChannelFrame.jsonBytes`); a datagram holds one or more, separated by a newline (compact JSON
/// never holds one: it is escaped in strings). Reading yields raw JSON (`ChannelFrame.reading`) for
/// the engine to check like any untrusted frame.
enum FrameCodec {
    /// Frames (each at most `limit` bytes) packed in order into as few datagrams as fit in `limit`.
    static func pack(_ frames: [[UInt8]], limit: Int) -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var current: [UInt8] = []
        for frame in frames {
            if !current.isEmpty, current.count + 1 + frame.count > limit {
                datagrams.append(current)
                current.removeAll(keepingCapacity: true)
            }
            if !current.isEmpty { current.append(UInt8(ascii: "\n")) }
            current.append(contentsOf: frame)
        }
        if !current.isEmpty { datagrams.append(current) }
        return datagrams
    }

    /// The frames of one datagram, split at each newline, decoded in order (an empty piece is a
    /// frame that is not JSON).
    static func unpack(_ bytes: UnsafeRawBufferPointer) -> [(frame: ChannelFrame, isJSON: Bool)] {
        var frames: [(frame: ChannelFrame, isJSON: Bool)] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
            frames.append(
                ChannelFrame.reading(
                    UnsafeRawBufferPointer(rebasing: bytes[start..<index]).assumingMemoryBound(to: UInt8.self)))
            start = index + 1
        }
        return frames
    }
}
