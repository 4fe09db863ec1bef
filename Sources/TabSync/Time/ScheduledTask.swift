/// Work a `VirtualScheduler` runs by calling `run()`: an object the owner keeps and schedules again
/// and again, where a closure is a new allocation each time. The simulator's per-tab schedulers put
/// every delivery and timer through one of these.
public protocol ScheduledTask: AnyObject {
    func run()
}
