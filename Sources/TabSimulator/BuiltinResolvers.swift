import TabSync

/// Custom conflict resolvers a scenario names with `customResolver:`, taken from the spec's examples.
public enum BuiltinResolvers {
    public typealias Resolver = @Sendable (StateDocument, StateDocument) -> StateDocument

    /// The spec's "Custom Resolver": theme from the remote tab, locale kept from this tab,
    /// recent items of both concatenated.
    public static func remoteThemeLocalLocale(local: StateDocument, remote: StateDocument) -> StateDocument {
        var result: StateDocument = [:]
        if let theme = remote["theme"] ?? local["theme"] { result["theme"] = theme }
        if let locale = local["locale"] { result["locale"] = locale }
        let items = (local["recentItems"]?.arrayValue ?? []) + (remote["recentItems"]?.arrayValue ?? [])
        if local["recentItems"] != nil || remote["recentItems"] != nil { result["recentItems"] = .array(items) }
        return result
    }

    /// The spec's "Validation": accept the remote theme only if it is light, dark or system;
    /// everything else stays as this tab has it.
    public static func validateTheme(local: StateDocument, remote: StateDocument) -> StateDocument {
        let valid: Set<String> = ["light", "dark", "system"]
        var result = local
        if let theme = remote["theme"]?.stringValue, valid.contains(theme) {
            result["theme"] = .string(theme)
        }
        return result
    }

    public static let all: [String: Resolver] = [
        "remoteThemeLocalLocale": remoteThemeLocalLocale,
        "validateTheme": validateTheme,
    ]

    public static var names: [String] { all.keys.sorted() }
}
