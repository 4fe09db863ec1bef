import ArgumentParser
import Foundation
import TabSync
import TabSyncLive

/// What `tabsim tab` and `tabsim watch` share: which channel, in which directory or on which
/// PostgreSQL server.
struct ChannelOptions: ParsableArguments {
    @Option(help: "Channel name (letters, digits, '.', '_', '-').") var channel = "app-sync"
    @Option(
        help: ArgumentHelp(
            "A PostgreSQL server to sync through instead of the directory: postgres://user:password@host:port/db",
            discussion: """
                What the URL leaves out comes from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and PGSSLMODE \
                (postgres:// alone takes them all); sslmode=require or verify-full asks for TLS. A password in \
                the URL can be seen by other users in the process list: prefer PGPASSWORD.
                """,
            valueName: "url"))
    var postgres: String?
    @Option(
        help: ArgumentHelp(
            "Directory of the channels (default: $XDG_RUNTIME_DIR/tabsync, else /tmp/tabsync-<uid>).",
            discussion: "It must belong to you, and no one else may enter or write into it; it is created mode 0700."))
    var dir: String?

    func validate() throws {
        guard postgres != nil else { return }
        _ = try postgresSettings()
        try PostgresTransport.validate(channelName: channel)
    }

    /// The server of `--postgres`, completed from the environment; nil without the option.
    func postgresSettings() throws -> PostgresSettings? {
        guard let postgres else { return nil }
        return try PostgresSettings(url: postgres, environment: ProcessInfo.processInfo.environment)
    }

    var directory: ChannelDirectory {
        ChannelDirectory(root: dir ?? ChannelDirectory.defaultRoot(environment: ProcessInfo.processInfo.environment))
    }
}
