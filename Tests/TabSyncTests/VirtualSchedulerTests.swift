import PropertyBased
import Testing
import TabSync

/// The virtual scheduler runs actions by due time, and those due at one instant in the order they
/// were scheduled: every simulated run, log and replay rests on that order.
@Suite struct VirtualSchedulerTests {
    /// A runner that runs what it is handed and notes each token and tag.
    final class Runner: ActionRunner {
        var handed: [(token: TimerToken, tag: Int)] = []
        func run(_ action: @escaping () -> Void, token: TimerToken, tag: Int) {
            handed.append((token, tag))
            action()
        }
    }

    /// What the scheduler must do, written the plain way: every pending action in a list, the one
    /// to run next found by (due time, order of scheduling).
    struct Model {
        var nowMs: Milliseconds = 0
        var pending: [(time: Milliseconds, seq: Int, id: Int)] = []
        var seq = 0

        mutating func schedule(_ id: Int, afterMs delay: Milliseconds) {
            seq += 1
            pending.append((nowMs + max(0, delay), seq, id))
        }

        mutating func cancel(_ id: Int) { pending.removeAll { $0.id == id } }

        /// Runs what is due up to `time`; `spawn` says what each run schedules in turn.
        mutating func advance(toMs time: Milliseconds, ran: inout [Int], spawn: (Int) -> (Int, Milliseconds)?) {
            while let next = pending.indices.min(by: {
                (pending[$0].time, pending[$0].seq) < (pending[$1].time, pending[$1].seq)
            }),
                pending[next].time <= time
            {
                let entry = pending.remove(at: next)
                nowMs = max(nowMs, entry.time)
                ran.append(entry.id)
                if let (child, delay) = spawn(entry.id) { schedule(child, afterMs: delay) }
            }
            nowMs = max(nowMs, time)
        }
    }

    /// Every fifth action schedules a child when it runs, some at the same instant.
    static func spawn(_ id: Int) -> (Int, Milliseconds)? {
        id < 1_000_000 && id % 5 == 0 ? (id + 1_000_000, Milliseconds(id % 3)) : nil
    }

    /// Random schedules (plain, and through a runner), many at the same instants, some with negative
    /// delays, cancellations and advances, against the model: the same actions run, in the same order,
    /// and a runner is handed each of its actions with the token and tag it was scheduled with.
    @Test func runsInDueOrderThenSchedulingOrder() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000)) { seed in
            var random = SeededRandom(seed: UInt64(seed))
            let scheduler = VirtualScheduler()
            var model = Model()
            var ran: [Int] = []
            var expected: [Int] = []
            var tokens: [Int: TimerToken] = [:]
            let runner = Runner()
            var throughRunner: [(token: TimerToken, tag: Int)] = []
            // The model schedules its own children (`spawn`), so only the scheduler is told of these.
            func schedule(_ id: Int, afterMs delay: Milliseconds) {
                let body = {
                    ran.append(id)
                    if let (child, delay) = Self.spawn(id) { schedule(child, afterMs: delay) }
                }
                if id.isMultiple(of: 2) {
                    tokens[id] = scheduler.schedule(afterMs: delay, body)
                } else {
                    tokens[id] = scheduler.schedule(afterMs: delay, body, through: runner, tag: id)
                    throughRunner.append((tokens[id]!, id))
                }
            }
            var nextId = 1
            for _ in 0..<300 {
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<6:
                    // Some a multiple of 1,024 ms further: instants that share their low bits.
                    let delay =
                        Milliseconds.random(in: -2...12, using: &random)
                        + (Int.random(in: 0..<4, using: &random) == 0
                            ? 1024 * Int.random(in: 1...3, using: &random) : 0)
                    schedule(nextId, afterMs: delay)
                    model.schedule(nextId, afterMs: delay)
                    nextId += 1
                case 6, 7:
                    let id = Int.random(in: 1...nextId, using: &random)
                    if let token = tokens[id] { scheduler.cancel(token) }
                    model.cancel(id)
                default:
                    let target = scheduler.nowMs + Milliseconds.random(in: 0...6, using: &random)
                    scheduler.advance(toMs: target)
                    model.advance(toMs: target, ran: &expected, spawn: Self.spawn)
                }
                #expect(scheduler.nowMs == model.nowMs)
            }
            scheduler.advance(byMs: 5000)
            model.advance(toMs: model.nowMs + 5000, ran: &expected, spawn: Self.spawn)
            #expect(ran == expected, "seed \(seed)")
            // Each odd action that ran was handed over once, with its own token and tag.
            let handed = Dictionary(uniqueKeysWithValues: runner.handed.map { ($0.tag, $0.token) })
            #expect(runner.handed.count == handed.count && handed.keys.allSatisfy { !$0.isMultiple(of: 2) })
            #expect(Set(handed.keys) == Set(ran.filter { !$0.isMultiple(of: 2) }))
            #expect(throughRunner.allSatisfy { entry in handed[entry.tag].map { $0 == entry.token } ?? true })
            #expect(scheduler.pendingCount == 0 && scheduler.nextDueMs == nil)
            #expect(ran.count > 100)
        }
    }

    @Test func aRunnerIsHeldOnlyWhileAnActionWaitsOnIt() {
        let scheduler = VirtualScheduler()
        var runner: Runner? = Runner()
        weak let watched = runner
        var runs = 0
        scheduler.schedule(afterMs: 3, { runs += 1 }, through: runner!, tag: 7)
        scheduler.schedule(afterMs: 3, { runs += 1 }, through: runner!)
        runner = nil
        scheduler.advance(byMs: 2)
        #expect(runs == 0 && watched != nil)
        #expect(watched?.handed.isEmpty == true)
        scheduler.advance(byMs: 1)
        #expect(runs == 2)
        #expect(watched == nil, "handed two actions, then held by nobody")
        #expect(scheduler.executedCount == 2)
    }

    @Test func aCancelledActionNeverReachesItsRunnerAndCancelAllLetsRunnersGo() {
        let scheduler = VirtualScheduler()
        let runner = Runner()
        let token = scheduler.schedule(afterMs: 1, {}, through: runner)
        scheduler.cancel(token)
        scheduler.advance(byMs: 5)
        #expect(runner.handed.isEmpty && scheduler.pendingCount == 0)

        var held: Runner? = Runner()
        weak let watched = held
        scheduler.schedule(afterMs: 1, {}, through: held!)
        scheduler.schedule(afterMs: 1_000_000, {}, through: held!)
        held = nil
        scheduler.cancelAll()
        #expect(watched == nil)
        #expect(scheduler.pendingCount == 0 && scheduler.nextDueMs == nil)
    }

    /// Instants far apart and far ahead keep their order, and a spent instant can be reused.
    @Test func instantsFarApartKeepTheirOrder() {
        let scheduler = VirtualScheduler()
        var order: [Int] = []
        for (i, delay) in [86_400_000, 5, Milliseconds.max, 5, 0, 30_000].enumerated() {
            scheduler.schedule(afterMs: delay) { order.append(i) }
        }
        scheduler.advance(byMs: 5)
        scheduler.schedule(afterMs: 0) { order.append(6) }
        scheduler.advance(byMs: 86_400_000)
        #expect(order == [4, 1, 3, 6, 5, 0])
        #expect(scheduler.nextDueMs == Milliseconds.max)
    }
}
