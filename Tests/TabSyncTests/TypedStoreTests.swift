import Testing
import TabSync

@Suite struct TypedStoreTests {
    struct Settings: Codable, Equatable {
        var compact = false
        var ratio = 1.5
    }

    struct Prefs: Codable, Equatable {
        var theme = "light"
        var fontSize = 14
        var settings = Settings()
        var nickname: String? = nil
    }

    @Test func aStructIsOneKeyPerProperty() throws {
        let prefs = try TypedStore(Prefs(nickname: "ada"))
        #expect(
            prefs.store.state == [
                "theme": "light", "fontSize": 14, "nickname": "ada",
                "settings": ["compact": false, "ratio": 1.5],
            ])
        #expect(try prefs.state() == Prefs(nickname: "ada"))
    }

    @Test func anUpdateWritesOnlyTheKeysThatChangedAndRemovesANilledOptional() throws {
        let prefs = try TypedStore(Prefs(nickname: "ada"))
        var changes: [StoreChange] = []
        prefs.store.subscribe { changes.append($0) }
        try prefs.update {
            $0.fontSize = 16
            $0.nickname = nil
        }
        #expect(changes.count == 1)
        #expect(changes.first?.changedKeys == ["fontSize", "nickname"])
        #expect(prefs.store["nickname"] == nil)
        #expect(try prefs.state() == Prefs(fontSize: 16))
        try prefs.update { _ in }
        #expect(changes.count == 1)  // nothing changed, nobody told
    }

    @Test func keysTheTypeDoesNotKnowAreLeftAlone() throws {
        let store = Store([
            "theme": "dark", "fontSize": 12, "settings": ["compact": true, "ratio": 2], "sessionToken": "s",
        ])
        let prefs = TypedStore<Prefs>(wrapping: store)
        try prefs.update { $0.theme = "light" }
        #expect(store["sessionToken"] == "s")
        #expect(store["theme"] == "light")
    }

    @Test func aValueThatDoesNotFitIsNamedAndNothingIsWritten() throws {
        let prefs = try TypedStore(Prefs())
        try prefs.store.setState(["fontSize": "big"])
        #expect(throws: TypedStoreError.self) { try prefs.state() }
        do {
            _ = try prefs.state()
        } catch {
            #expect(error.description.contains("'fontSize'"), "\(error)")
        }
        try prefs.store.setState(["fontSize": 14, "settings": ["compact": "yes", "ratio": 1]])
        do {
            _ = try prefs.state()
            Issue.record("decoded a string as Bool")
        } catch {
            #expect(error.description.contains("'settings.compact'"), "\(error)")
        }
        let before = prefs.store.state
        #expect(throws: TypedStoreError.self) { try prefs.update { $0.theme = "dark" } }
        #expect(prefs.store.state == before)
    }

    @Test func aTypeThatIsNotAnObjectIsRefused() {
        #expect(throws: TypedStoreError.self) { _ = try TypedStore(42) }
        #expect(throws: TypedStoreError.self) { _ = try TypedStore(["a", "b"]) }
    }

    @Test func typedTabsStayInSyncAndSubscribersSeeDecodedState() throws {
        let bench = Bench()
        let a = try TypedStore(Prefs())
        let b = try TypedStore(Prefs())
        var config = BroadcastSyncConfig(channelName: "typed")
        config.syncKeys = ["theme", "settings"]
        let env = { SyncEnvironment(virtual: bench.scheduler, transport: bench.hub) }
        let syncA = try createBroadcastSync(a.store, config, environment: env())
        let syncB = try createBroadcastSync(b.store, config, environment: env())
        syncA.start()
        syncB.start()
        bench.advance(1000)
        var seen: [Result<Prefs, TypedStoreError>] = []
        b.subscribe { result, _ in seen.append(result) }
        try a.update {
            $0.theme = "dark"
            $0.settings.compact = true
            $0.fontSize = 20
        }
        bench.advance(1000)
        #expect(try b.state() == Prefs(theme: "dark", settings: Settings(compact: true)))  // fontSize is not synced
        #expect(seen.count == 1)
        #expect((try? seen.first?.get())?.theme == "dark")
    }
}
