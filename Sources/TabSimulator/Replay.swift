import TabSync

/// A recording being replayed: a simulation moved forward through the scenario's own steps and the
/// recorded ones, in the order and at the moments they were done. It only goes forward; going back
/// takes a replay that is not past the moment (or a new one) and moves it there.
///
/// A scenario step is played as the player plays it (`ScenarioPlayer.advance`): after the events
/// of its instant. One that cannot be carried out is skipped and described (it changed nothing,
/// live as in every replay). Time stands still while a lesson's prompt or held narration waits.
final class Replay {
    let player: ScenarioPlayer
    /// The next recorded entry to apply.
    private(set) var next = 0

    var simulation: Simulation { player.simulation }

    init(_ recording: SessionRecording) throws(ScenarioError) {
        player = try recording.freshPlayer()
    }

    /// Every step done up to `time` (inclusive) applied, and every event due by then run. Returns
    /// the scenario steps skipped on the way, described.
    @discardableResult
    func advance(toMs time: Milliseconds, in recording: SessionRecording) throws(ScenarioError) -> [String] {
        var problems = try apply(recording) { $0.atMs <= time }
        problems += play(toMs: time)
        return problems
    }

    /// Just after the `events`th event, with the steps done before the next one.
    @discardableResult
    func advance(toEvent events: Int, in recording: SessionRecording) throws(ScenarioError) -> [String] {
        var problems = try apply(recording) { $0.afterEvents <= events }
        problems += step(toEvent: events)
        return problems
    }

    /// The live simulation has just done every recorded step.
    func caughtUp(with recording: SessionRecording) { next = recording.entries.count }

    /// When the next thing happens: an event or a scenario step (nothing while a prompt or a held
    /// narration waits).
    var nextDueMs: Milliseconds? {
        guard !player.isWaiting else { return nil }
        return [simulation.nextEventMs, player.nextStepMs].compactMap { $0 }.min()
    }

    /// The player run to `time`, skipping (and describing) scenario steps that cannot be carried out.
    func play(toMs time: Milliseconds) -> [String] {
        var problems: [String] = []
        while true {
            do {
                try player.advance(toMs: time)
                return problems
            } catch {
                problems.append("scenario step skipped: \(error)")
            }
        }
    }

    /// One event at a time up to `events` run, the scenario's steps played at their instants (after
    /// that instant's events, as `play` does).
    private func step(toEvent events: Int) -> [String] {
        var problems: [String] = []
        let sim = simulation
        while sim.scheduler.executedCount < events, !player.isWaiting {
            if let step = player.nextStepMs, step < (sim.nextEventMs ?? .max) {
                problems += play(toMs: step)
            } else if !sim.step() {
                break
            }
        }
        return problems
    }

    /// Applies the entries from `next` on while `due` holds.
    private func apply(_ recording: SessionRecording, while due: (SessionRecording.Entry) -> Bool) throws(ScenarioError)
        -> [String]
    {
        var problems: [String] = []
        let sim = simulation
        while next < recording.entries.count, due(recording.entries[next]) {
            let entry = recording.entries[next]
            next += 1
            problems += step(toEvent: entry.afterEvents)
            // Reached by stepping, the moment may lie between two events of one instant: running
            // "until" it would run the rest of that instant too. Later, time only moves on, with
            // the scenario's steps due by then (played live before the entry was recorded).
            if sim.nowMs < entry.atMs || (player.nextStepMs.map { $0 <= entry.atMs } ?? false) {
                problems += play(toMs: entry.atMs)
            }
            switch entry.step {
            case .action(let action):
                do { try player.performRecorded(action) } catch {
                    let when = formatTime(entry.atMs).trimmingLeadingSpaces
                    throw ScenarioError(file: recording.name, line: nil, problem: "replay at \(when): \(error.message)")
                }
            case .note(let text, let tab):
                sim.note(text, tab: tab)
            case .answer:
                do { try player.answerPrompt() } catch { problems.append("scenario step skipped: \(error)") }
            }
        }
        return problems
    }
}
