/// A mouse report as the UI sees it: what happened, and where (0-based column and row). The
/// terminal sends it as bytes once mouse reporting is on (`Terminal` asks ncurses to switch it on);
/// `KeyDecoder` reads both encodings xterm-like terminals use: SGR (`CSI < b ; x ; y M`, `m` on
/// release; any size of screen) and X10 (`CSI M b x y`, each a byte plus 32; up to 223 columns).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A button went down: 0 left, 1 middle, 2 right.
        case press(button: Int)
        /// A button came up (X10 does not say which).
        case release
        case wheelUp, wheelDown
    }

    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }

    /// The event of a button code `b` (modifiers ignored), at 1-based `column` and `row`; `released`
    /// for SGR's final `m`. Nil for motion, and for buttons the UI has no use for (4 and up but the wheel).
    static func decode(button b: Int, column: Int, row: Int, released: Bool) -> MouseEvent? {
        guard column >= 1, row >= 1, b & 32 == 0 else { return nil }  // 32: motion
        let (x, y) = (column - 1, row - 1)
        if b & 64 != 0 {
            switch b & 3 {
            case 0: return released ? nil : MouseEvent(.wheelUp, x: x, y: y)
            case 1: return released ? nil : MouseEvent(.wheelDown, x: x, y: y)
            default: return nil
            }
        }
        if b & 128 != 0 { return nil }  // buttons 8 to 11
        let button = b & 3
        if released || button == 3 { return MouseEvent(.release, x: x, y: y) }
        return MouseEvent(.press(button: button), x: x, y: y)
    }

    /// An SGR report's parameters (after `<`) and its final byte (`M` or `m`).
    static func sgr(_ params: String, final: Character) -> MouseEvent? {
        let numbers = params.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        guard numbers.count == 3, let b = numbers[0], let column = numbers[1], let row = numbers[2] else { return nil }
        return decode(button: b, column: column, row: row, released: final == "m")
    }

    /// An X10 report's three bytes after `CSI M`: button, column and row, each plus 32.
    static func x10(_ bytes: [UInt8]) -> MouseEvent? {
        guard bytes.count == 3, bytes.allSatisfy({ $0 >= 32 }) else { return nil }
        return decode(
            button: Int(bytes[0]) - 32, column: Int(bytes[1]) - 32, row: Int(bytes[2]) - 32, released: false)
    }
}
