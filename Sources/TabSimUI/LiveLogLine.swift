import TabSync

/// One line of a live screen's log (`tabsim tab`, `tabsim watch`) and its colour, decided from the
/// fact the line says (the engine's event, the frame heard) when the line is made: no view reads the
/// colour back out of the text, as the simulator's log colours its `SimEvent`s (`LogFilter.role`).
public struct LiveLogLine: Equatable, Sendable {
    public var text: String
    public var style: CellStyle

    /// A line about nothing the engine said (an error of the process, a socket going away).
    public init(text: String, style: CellStyle = CellStyle(.logPresence)) {
        self.text = text
        self.style = style
    }

    /// The spec's debug line of `event` in the tab `tabId`, after `time` (`12:00:01.250`).
    public init(_ event: SyncEvent, tabId: String, time: String) {
        self.init(text: time + " " + event.debugLine(tabId: tabId), style: Self.style(of: event))
    }

    /// By what the event is about: state traffic, election traffic, an applied update, a frame
    /// dropped or a goodbye, or presence (pings and the rest).
    public static func style(of event: SyncEvent) -> CellStyle {
        switch event {
        case .sent(let m), .received(let m), .ignored(let m, _): style(of: m.type)
        case .applied, .resolved: CellStyle(.logApplied)
        case .dropped, .stopped, .unavailable, .configurationDiffers: CellStyle(.logFault)
        case .roleChanged: CellStyle(.logElection)
        case .started, .localChange: CellStyle(.logPresence)
        }
    }

    /// A message's colour by its type.
    public static func style(of type: SyncMessageType) -> CellStyle {
        switch type {
        case .stateUpdate, .stateRequest, .stateRepair, .stateResponse: CellStyle(.logState)
        case .leaderElection, .leaderAnnounce, .heartbeat: CellStyle(.logElection)
        case .tabClose: CellStyle(.logFault)
        case .tabPing, .tabPong: CellStyle(.logPresence)
        }
    }
}
