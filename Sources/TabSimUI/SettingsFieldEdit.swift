import TabSimulator
import TabSync

/// The merge QA keys' edits of the demo's `settings` object: one field in one tab (`e`: `density`,
/// `E`: `motion`), or two tabs each editing a different field at one instant (`X`). Each is a `set`
/// of the whole object with that one field changed, so a recording replays it as it happened, and
/// under `merge` the engine sees a write of that field alone: concurrent edits of two fields both
/// survive, where last-write-wins keeps one whole object.
public enum SettingsFieldEdit {
    public static let key = "settings"

    /// A field of `settings` the keys edit, and the values it cycles through (the first one is what
    /// an absent field stands for).
    public struct Field: Equatable, Sendable {
        public let name: String
        public let values: [JSONValue]
    }

    public static let density = Field(name: "density", values: ["comfortable", "compact", "spacious"])
    public static let motion = Field(name: "motion", values: ["full", "reduced"])

    /// Tab `tab`'s `settings` with `field` set to its next value: the set action, and the value.
    public static func edit(_ field: Field, in tab: SimTab) -> (action: Scenario.Action, value: JSONValue) {
        var object = tab.state[key]?.objectValue ?? [:]
        let current = object[field.name] ?? field.values[0]
        let next =
            field.values.firstIndex(of: current).map { field.values[($0 + 1) % field.values.count] }
            ?? field.values[0]
        object[field.name] = next
        return (.set(tab: tab.name, state: [key: .object(object)]), next)
    }

    /// The concurrent field edit from tab `name`: it edits `density`, the next running tab (in
    /// opening order, wrapping) edits `motion`, at the same instant. Returns the actions and what
    /// each tab set, as `A set settings.density compact`.
    public static func concurrent(from name: String, in sim: Simulation) throws(SimulationError) -> (
        actions: [Scenario.Action], said: [String]
    ) {
        let (a, b) = try LessonPrompt.concurrentPair(
            from: name, in: sim, orElse: "a concurrent field edit needs the selected tab and another running")
        let first = edit(density, in: a)
        let second = edit(motion, in: b)
        return (
            [first.action, second.action],
            [said(a.name, density, first.value), said(b.name, motion, second.value)]
        )
    }

    /// `A set settings.density compact`.
    public static func said(_ tab: String, _ field: Field, _ value: JSONValue) -> String {
        "\(tab) set \(key).\(field.name) \(value.display)"
    }
}
