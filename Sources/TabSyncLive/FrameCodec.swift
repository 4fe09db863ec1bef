import Foundation
import TabSync

/// The bytes of a frame on the wire: the spec's message as one compact JSON text, UTF-8, one per
/// datagram. Decoding yields raw JSON for the engine to check like any untrusted frame.
enum FrameCodec {
    static func encode(_ frame: ChannelFrame) -> [UInt8] {
        switch frame {
        case .message(let message): Array(message.jsonText.utf8)
        case .json(let value): Array(value.description.utf8)
        }
    }

    /// Bytes that are not JSON arrive as a JSON string holding their text (as a string posted on a
    /// BroadcastChannel would), so that the engine drops them as malformed and counts them.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> (frame: ChannelFrame, isJSON: Bool) {
        let data = Data(bytes)
        if let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            return (.json(value), true)
        }
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return (.json(.string(text)), false)
    }
}
