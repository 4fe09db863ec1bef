import TabSync

/// A recording being replayed: a simulation moved forward through the recorded steps, in the order
/// and at the moments they were done. It only goes forward; going back takes a replay that is not
/// past the moment (or a new one) and moves it there.
final class Replay {
    let player: ScenarioPlayer
    /// The next recorded entry to apply.
    private(set) var next = 0

    var simulation: Simulation { player.simulation }

    init(_ recording: SessionRecording) throws(ScenarioError) {
        player = try recording.freshSimulation()
    }

    /// Every step done up to `time` (inclusive) applied, and every event due by then run.
    func advance(toMs time: Milliseconds, in recording: SessionRecording) throws(ScenarioError) {
        try apply(recording) { $0.atMs <= time }
        simulation.run(untilMs: time)
    }

    /// Just after the `events`th event, with the steps done before the next one.
    func advance(toEvent events: Int, in recording: SessionRecording) throws(ScenarioError) {
        try apply(recording) { $0.afterEvents <= events }
        while simulation.scheduler.executedCount < events, simulation.step() {}
    }

    /// The live simulation has just done every recorded step.
    func caughtUp(with recording: SessionRecording) { next = recording.entries.count }

    /// Applies the entries from `next` on while `due` holds.
    private func apply(_ recording: SessionRecording, while due: (SessionRecording.Entry) -> Bool) throws(ScenarioError)
    {
        let sim = simulation
        while next < recording.entries.count, due(recording.entries[next]) {
            let entry = recording.entries[next]
            next += 1
            while sim.scheduler.executedCount < entry.afterEvents, sim.step() {}
            // Reached by stepping, the moment may lie between two events of one instant: running
            // "until" it would run the rest of that instant too. Later, time only moves on.
            if sim.nowMs < entry.atMs { sim.run(untilMs: entry.atMs) }
            switch entry.step {
            case .action(let action):
                do { try player.perform(action) } catch {
                    let when = formatTime(entry.atMs).trimmingLeadingSpaces
                    throw ScenarioError(file: recording.name, line: nil, problem: "replay at \(when): \(error.message)")
                }
            case .note(let text, let tab):
                sim.note(text, tab: tab)
            }
        }
    }
}
