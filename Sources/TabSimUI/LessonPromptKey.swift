import TabSimulator

/// A lesson's prompt names a UI action (`LessonPrompt.Action`); the key that answers it is the one
/// the key table (`KeyBinding.all`) binds to that action, so a lesson never names a key that does
/// something else.
extension LessonPrompt.Action {
    /// The UI action whose key answers a prompt for this action.
    public var uiAction: UIAction {
        switch self {
        case .open: .newTab
        case .close: .closeTab
        case .kill: .killTab
        case .reopen: .reopenTab
        case .freeze, .thaw: .toggleFreeze
        case .cut, .heal: .togglePartition
        case .forceLeader: .forceLeader
        case .timeOut: .timeOutFollower
        case .concurrentEdit: .concurrentEdit
        case .strategy: .cycleStrategy
        }
    }
}

extension KeyBinding {
    /// The key bound to `action`'s UI action, or nil if the table binds none.
    public static func key(for action: LessonPrompt.Action) -> Key? {
        for binding in all {
            if let i = binding.actions.firstIndex(of: action.uiAction) { return binding.keys[i] }
        }
        return nil
    }
}

extension KeyBinding {
    /// Every key the table binds to `action`, in table order.
    public static func keys(for action: UIAction) -> [Key] {
        all.flatMap { b in zip(b.keys, b.actions).filter { $0.1 == action }.map(\.0) }
    }

    /// The key that reads on past a lesson's held narration, and lets the lesson do what a prompt
    /// asks: the pause key (space), which goes on wherever time stands still.
    public static var readOnKey: Key { keys(for: .togglePause).first ?? .char(" ") }
}
