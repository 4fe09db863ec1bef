import TabSimulator
import TabSync

/// Tab instance ids (full, or their 6-character short form) to the letter of the tab's pane: the one
/// naming the panes' leader and versions, the log, the diagram and the live screens share, so a tab
/// reads as `B` everywhere instead of an id suffix. An earlier instance of a reopened tab keeps its
/// tab's letter.
public struct TabLetters: Sendable, Equatable {
    private var byId: [String: String] = [:]
    /// The shortest id known: shorter words are not looked up.
    private var shortest = Int.max

    public init() {}

    /// The letters of every instance the log saw open, then of the tabs running now; `letter` maps a
    /// tab's name to its letter (the simulator's names are letters already).
    public init(_ sim: Simulation, letter: (String) -> String = { $0 }) {
        for e in sim.log.events { learn(e, letter: letter) }
        for t in sim.tabs { add(id: t.tabId, letter: letter(t.name)) }
    }

    /// Names the instance `id` (and its short form) by `letter`.
    public mutating func add(id: String, letter: String) {
        byId[id] = letter
        byId[shortTabId(id)] = letter
        shortest = min(shortest, id.utf8.count, shortTabId(id).utf8.count)
    }

    /// Learns the id of a tab instance the event opened, if it opened one.
    public mutating func learn(_ event: SimEvent, letter: (String) -> String = { $0 }) {
        if let id = event.openedTabId { add(id: id, letter: letter(event.tab)) }
    }

    public var isEmpty: Bool { byId.isEmpty }

    /// The letter of a full or short id, if known.
    public func letter(ofId id: String) -> String? { byId[id] }

    /// The letter of the id, or its short form when unknown.
    public func name(ofId id: String) -> String { byId[id] ?? shortTabId(id) }

    /// Every known id (full, inside JSON, or short) in `text` replaced by its letter: a word of
    /// letters, digits and `-` that is an id. Works on UTF-8 bytes (any non-ASCII byte counts as a
    /// letter), copying the text untouched when no id is in it.
    public func replacingIds(in text: String) -> String {
        guard !byId.isEmpty else { return text }
        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        var changed = false
        var start = 0
        var i = 0
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
        }
        func flush(_ end: Int) {
            if end > start, end - start >= shortest,
                let letter = byId[String(decoding: utf8[start..<end], as: UTF8.self)]
            {
                if !changed {
                    out.reserveCapacity(utf8.count)
                    out.append(contentsOf: utf8[0..<start])
                    changed = true
                }
                out.append(contentsOf: letter.utf8)
            } else if changed {
                out.append(contentsOf: utf8[start..<end])
            }
        }
        while i < utf8.count {
            let b = utf8[i]
            if isWordByte(b) || b >= 0x80 {
                i += 1
                continue
            }
            flush(i)
            if changed { out.append(b) }
            i += 1
            start = i
        }
        flush(i)
        return changed ? String(decoding: out, as: UTF8.self) : text
    }
}
