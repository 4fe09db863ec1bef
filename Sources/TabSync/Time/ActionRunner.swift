/// An object through which a `VirtualScheduler` runs some of its actions: an action scheduled
/// `through:` a runner is handed to the runner when it falls due, with its token and the tag it was
/// scheduled with, and the runner decides what becomes of it. The simulator's per-tab schedulers run,
/// queue (a frozen tab) or drop (a crashed one) each action there, with no object of their own per
/// action: a wrapper object per action was an allocation per delivery whenever many were in flight.
public protocol ActionRunner: AnyObject {
    /// The action scheduled with `token` and `tag` is due.
    func run(_ action: @escaping () -> Void, token: TimerToken, tag: Int)
}
