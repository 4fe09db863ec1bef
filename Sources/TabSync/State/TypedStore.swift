#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Why a typed view of a store could not be read or written. Nothing is changed when it is thrown.
public struct TypedStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A `Codable` struct over a `Store`: each stored property is one top-level key of the document,
/// so a sync configured with `syncKeys: ["theme", "locale"]` syncs those properties.
///
/// The store stays the source of truth (other tabs write it); this view encodes and decodes
/// through JSON on each call, which is cheap for the few keys an application's UI state holds,
/// and never on the engine's message path.
///
/// ```swift
/// struct Prefs: Codable, Equatable { var theme = "light"; var fontSize = 14 }
/// let prefs = try TypedStore(Prefs())
/// let sync = try createBroadcastSync(prefs.store, config, environment: env)
/// try prefs.update { $0.theme = "dark" }
/// ```
public final class TypedStore<State: Codable> {
    public let store: Store

    /// A new store holding `initial`.
    public convenience init(_ initial: State) throws(TypedStoreError) {
        self.init(wrapping: Store(try Self.document(initial)))
    }

    /// A typed view of an existing store (keys the type does not know are kept as they are).
    public init(wrapping store: Store) {
        self.store = store
    }

    /// The current state, decoded. Throws, naming the key, when a value does not fit the type
    /// (another tab, or code using the untyped store, wrote something else).
    public func state() throws(TypedStoreError) -> State {
        try Self.decode(store.state)
    }

    /// Reads the state, lets `body` change it and writes back the top-level keys that changed, as
    /// one store change. A property that now encodes to nothing (a nil optional) is removed. When
    /// decoding, `body` or encoding throws, the store is not touched.
    public func update(_ body: (inout State) throws -> Void) throws {
        let before = try state()
        var after = before
        try body(&after)
        let old = try Self.document(before)
        let new = try Self.document(after)
        store.update(set: new, remove: old.keys.filter { new[$0] == nil }.sorted(), origin: .local)
    }

    /// Calls `listener` after every change of the store with the decoded new state, or with the
    /// reason it does not decode.
    @discardableResult
    public func subscribe(_ listener: @escaping (Result<State, TypedStoreError>, StoreChange) -> Void)
        -> StoreSubscription
    {
        store.subscribe { change in
            listener(Result { () throws(TypedStoreError) in try Self.decode(change.next) }, change)
        }
    }

    public func unsubscribe(_ subscription: StoreSubscription) {
        store.unsubscribe(subscription)
    }

    // MARK: - Between Codable and the document

    /// `value` as a document: it must encode to a JSON object (a struct or class with keyed properties).
    public static func document(_ value: State) throws(TypedStoreError) -> StateDocument {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: JSONEncoder().encode(value))
        } catch {
            throw TypedStoreError("\(State.self) does not encode to JSON: \(error)")
        }
        guard case .object(let document) = json else {
            throw TypedStoreError("\(State.self) encodes to \(json), not to an object of keys")
        }
        return document
    }

    static func decode(_ document: StateDocument) throws(TypedStoreError) -> State {
        do {
            return try JSONDecoder().decode(State.self, from: JSONEncoder().encode(JSONValue.object(document)))
        } catch let DecodingError.typeMismatch(type, context) {
            throw TypedStoreError("'\(path(context))' is not \(type): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw TypedStoreError("'\(path(context))' is null, expected \(type)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw TypedStoreError("'\(path(context, key))' is missing")
        } catch let DecodingError.dataCorrupted(context) {
            throw TypedStoreError("'\(path(context))' is invalid: \(context.debugDescription)")
        } catch {
            throw TypedStoreError("the state does not decode as \(State.self): \(error)")
        }
    }

    private static func path(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
        (context.codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".").replacing(".[", with: "[")
    }
}
