/// A frame as NOTIFY payloads: `SENDER FRAME INDEX COUNT DATA`, space-separated, where SENDER is
/// the posting endpoint's id (16 hex digits, new for each endpoint), FRAME a number counting its
/// frames, INDEX the chunk's place (from 0) and COUNT the chunks of the frame; DATA is a slice of
/// the frame's JSON. PostgreSQL refuses a payload of 8000 bytes or more, so a longer frame goes as
/// several chunks, cut only between UTF-8 characters (a payload must be valid text).
///
/// The sender's id is how an endpoint skips its own frames: PostgreSQL delivers a session its
/// own notifications too.
enum NotifyPayload {
    struct Header: Equatable {
        var sender: String
        var frame: UInt64
        var index: Int
        var count: Int
    }

    /// PostgreSQL's limit: a payload must be shorter than 8000 bytes.
    static let maxPayloadBytes = 7999
    /// The most chunks a frame may have: 64 KiB frames need 9; a smaller chunk than the sender's
    /// room for one would not shorten a frame, only lengthen its header.
    static let maxChunks = 64

    /// The payloads of one frame, in order. `maxPayloadBytes` leaves room for the longest header.
    static func split(_ bytes: [UInt8], sender: String, frame: UInt64, maxPayloadBytes: Int = maxPayloadBytes)
        -> [String]
    {
        // The longest header for this frame: index and count of up to 5 digits each, 4 spaces.
        let room = maxPayloadBytes - (sender.utf8.count + String(frame).utf8.count + 5 + 5 + 4)
        precondition(room > 4, "a payload limit of \(maxPayloadBytes) bytes leaves no room for data")
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        while start < bytes.count || pieces.isEmpty {
            var end = min(start + room, bytes.count)
            // Never cut inside a character: back up over continuation bytes (10xxxxxx).
            while end < bytes.count, end > start, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            pieces.append(bytes[start..<end])
            start = end
        }
        return pieces.enumerated().map { index, piece in
            "\(sender) \(frame) \(index) \(pieces.count) " + String(decoding: piece, as: UTF8.self)
        }
    }

    /// The header and data of a payload; nil when it has no header of ours (another program's
    /// notification, or a hostile one), or a header that makes no sense.
    static func parse(_ payload: String) -> (header: Header, data: Substring.UTF8View)? {
        let fields = payload.utf8.split(separator: UInt8(ascii: " "), maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5,
            fields[0].count == 16, fields[0].allSatisfy({ isHexDigit($0) }),
            let frame = UInt64(text(fields[1])),
            let index = Int(text(fields[2])), let count = Int(text(fields[3])),
            (1...maxChunks).contains(count), (0..<count).contains(index)
        else { return nil }
        return (Header(sender: text(fields[0]), frame: frame, index: index, count: count), fields[4])
    }

    private static func text(_ field: Substring.UTF8View) -> String { String(decoding: field, as: UTF8.self) }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
