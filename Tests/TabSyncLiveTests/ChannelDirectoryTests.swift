#if canImport(Glibc)
    import Glibc
#endif
import TabSyncLive
import Testing

@Suite struct ChannelDirectoryTests {
    private func mode(_ path: String) -> mode_t {
        var info = stat()
        _ = lstat(path, &info)
        return info.st_mode & 0o777
    }

    @Test func createsTheRootAndTheChannelDirectoryPrivate() throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let directory = ChannelDirectory(root: temp.path + "/root")
        let path = try directory.prepare(channelName: "app-sync")
        #expect(path == temp.path + "/root/app-sync")
        #expect(mode(temp.path + "/root") == 0o700)
        #expect(mode(path) == 0o700)
        #expect(try directory.prepare(channelName: "app-sync") == path)  // a second time: accepted as is
    }

    /// Write bits let others plant sockets; search bits (`0755`, accepted before) let them reach every
    /// socket in it. A read bit alone lists names only, and is accepted.
    @Test(arguments: [0o777, 0o770, 0o702, 0o720, 0o755, 0o711, 0o701, 0o710] as [mode_t])
    func refusesADirectoryOthersMayEnterOrWriteInto(_ bad: mode_t) throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        chmod(temp.path, bad)
        let error = #expect(throws: ChannelDirectoryError.self) {
            try ChannelDirectory(root: temp.path).prepare(channelName: "app-sync")
        }
        #expect(error?.path == temp.path)
        #expect(
            error?.problem.contains(
                "may be entered or written by its group or by everyone (mode \(String(bad, radix: 8)))")
                == true)
        #expect(access(temp.path + "/app-sync", F_OK) != 0)  // nothing created inside
    }

    @Test func acceptsADirectoryOthersMayOnlyList() throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        chmod(temp.path, 0o744)
        #expect(try ChannelDirectory(root: temp.path).prepare(channelName: "app-sync") == temp.path + "/app-sync")
    }

    @Test func refusesAChannelDirectoryOwnedByAnotherUser() throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let channel = temp.path + "/app-sync"
        mkdir(channel, 0o700)
        #expect(chown(channel, 65534, 65534) == 0)  // nobody
        let error = #expect(throws: ChannelDirectoryError.self) {
            try ChannelDirectory(root: temp.path).prepare(channelName: "app-sync")
        }
        #expect(error?.path == channel)
        #expect(error?.problem == "is owned by uid 65534, not by this user (uid \(geteuid()))")
    }

    @Test func refusesASymbolicLinkInPlaceOfTheDirectory() throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        mkdir(temp.path + "/elsewhere", 0o700)
        symlink(temp.path + "/elsewhere", temp.path + "/root")
        let error = #expect(throws: ChannelDirectoryError.self) {
            try ChannelDirectory(root: temp.path + "/root").prepare(channelName: "app-sync")
        }
        #expect(error?.problem.contains("is not a directory") == true)
    }

    @Test(arguments: ["", "../escape", "a/b", ".hidden", "spaces here", String(repeating: "x", count: 65)])
    func refusesChannelNamesThatAreNotOnePlainPathComponent(_ name: String) throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let error = #expect(throws: ChannelDirectoryError.self) {
            try ChannelDirectory(root: temp.path).prepare(channelName: name)
        }
        #expect(error?.isChannelName == true)
        #expect(error?.description.hasPrefix("refused channel name '\(name)': ") == true)
    }

    @Test func defaultRootIsTheRuntimeDirectoryElseOnePerUserUnderTmp() {
        let runtime = ChannelDirectory.defaultRoot(environment: ["XDG_RUNTIME_DIR": "/run/user/1000"])
        #expect(runtime == "/run/user/1000/tabsync")
        #expect(ChannelDirectory.defaultRoot(environment: [:]) == "/tmp/tabsync-\(geteuid())")
        #expect(ChannelDirectory.defaultRoot(environment: ["XDG_RUNTIME_DIR": ""]) == "/tmp/tabsync-\(geteuid())")
    }
}
