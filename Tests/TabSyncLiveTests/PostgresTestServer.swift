#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing

/// A throwaway PostgreSQL cluster for one test: `initdb` in a fresh directory under /tmp, the
/// server on a free loopback port (its socket in that directory), a role `teacher` with a password
/// owning a database `classroom`. `remove()` stops it and deletes everything; tests call it in a
/// `defer`, so it runs whatever happened.
///
/// PostgreSQL refuses to run as root, and CI runs as root: then everything runs as `nobody`
/// (`runuser -u nobody --`), in a directory made over to it.
final class PostgresTestServer: @unchecked Sendable {
    static let role = "teacher"
    static let database = "classroom"
    /// Made up for each server: what a test checks never to see in an error or a log.
    let password = "pw-" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
    let directory: String
    let port: Int
    /// With TLS: the server's self-signed certificate for 127.0.0.1 (also its own authority).
    let certificate: String?
    private let bin: String
    private var running = false

    /// Where `initdb`, `pg_ctl` and `psql` are: `PG_BIN`, else the newest /usr/lib/postgresql/*/bin.
    static var binDirectory: String? {
        if let bin = ProcessInfo.processInfo.environment["PG_BIN"], !bin.isEmpty {
            return FileManager.default.isExecutableFile(atPath: bin + "/initdb") ? bin : nil
        }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().reversed()
            .map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// True when the tests can run: a PostgreSQL is installed, or this is CI, where its absence
    /// must fail (`start` says so) instead of skipping.
    static var availableOrRequired: Bool { binDirectory != nil || isCI }

    /// Starts a cluster, with TLS (a certificate made by `openssl`) when `tls`; throws (naming what
    /// is missing) when it cannot.
    init(tls: Bool = false) throws {
        guard let bin = Self.binDirectory else {
            throw Failure(
                "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb, or PG_BIN): CI=true requires "
                    + "them; .ci/run installs the 'postgresql' package")
        }
        self.bin = bin
        var template = Array("/tmp/tabsync-pg-XXXXXX".utf8CString)
        directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        port = Self.freePort()
        certificate = tls ? directory + "/server.crt" : nil
        do {
            try setUp()
        } catch {
            remove()
            throw error
        }
    }

    private func setUp() throws {
        let superPassword = "su-" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
        try Data(superPassword.utf8).write(to: URL(fileURLWithPath: directory + "/pwfile"))
        var owned = [directory, directory + "/pwfile"]
        if let certificate {
            try run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", directory + "/server.key", "-out", certificate,
                ], asServer: false)
            chmod(directory + "/server.key", 0o600)
            owned += [directory + "/server.key", certificate]
        }
        if geteuid() == 0 {
            let nobody = getpwnam("nobody")!.pointee
            for path in owned { chown(path, nobody.pw_uid, nobody.pw_gid) }
        }
        try run(
            bin + "/initdb",
            [
                "-D", directory + "/data", "-U", "postgres", "--auth=scram-sha-256",
                "--pwfile=" + directory + "/pwfile", "-E", "UTF8", "--locale=C", "-N",
            ])
        try start()
        try run(
            bin + "/psql",
            [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", "\(port)", "-U", "postgres", "-d",
                "postgres", "-c", "CREATE ROLE \(Self.role) LOGIN PASSWORD '\(password)'",
                "-c", "CREATE DATABASE \(Self.database) OWNER \(Self.role)",
            ], environment: ["PGPASSWORD": superPassword])
    }

    /// `postgres://teacher:PASSWORD@127.0.0.1:PORT/classroom?sslmode=disable`, or with another
    /// password, or other parameters.
    func url(password: String? = nil, parameters: String = "sslmode=disable") -> String {
        "postgres://\(Self.role):\(password ?? self.password)@127.0.0.1:\(port)/\(Self.database)?\(parameters)"
    }

    /// Starts the server (again), listening on 127.0.0.1 only, its socket in `directory`.
    func start() throws {
        let tls = certificate.map { " -c ssl=on -c ssl_cert_file=\($0) -c ssl_key_file=\(directory)/server.key" } ?? ""
        try run(
            bin + "/pg_ctl",
            [
                "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "120", "-o",
                "-k \(directory) -h 127.0.0.1 -p \(port) -c fsync=off -c max_connections=50" + tls, "start",
            ])
        running = true
    }

    /// Stops the server: `fast` closes every session (as a restart does); `immediate` kills it.
    func stop(mode: String = "fast") throws {
        guard running else { return }
        running = false
        try run(bin + "/pg_ctl", ["-D", directory + "/data", "-w", "-t", "120", "-m", mode, "stop"])
    }

    /// Stops the server if it runs and deletes the cluster.
    func remove() {
        try? stop(mode: "immediate")
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The server's log, for a failing test to show.
    var log: String { (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? "" }

    /// Runs a PostgreSQL program, as `nobody` when this is root, and waits for it; throws with its
    /// output. Spawned and reaped directly, its output in a file: `pg_ctl start` leaves the server
    /// running, and Foundation's `Process` was seen never to notice that `pg_ctl` had exited.
    private func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], asServer: Bool = true
    ) throws {
        let command =
            geteuid() == 0 && asServer
            ? ["/usr/sbin/runuser", "-u", "nobody", "--", program] + arguments : [program] + arguments
        let outputPath = directory + "/command.out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        var pid: pid_t = 0
        let spawned = withCStrings(command) { argv in
            withCStrings(variables) { envp in posix_spawn(&pid, command[0], &actions, nil, argv, envp) }
        }
        guard spawned == 0 else { throw Failure("cannot run \(command[0]): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // Exited normally with 0: the low 7 bits (the signal) and the next 8 (the exit code) all zero.
        guard status == 0 else {
            throw Failure("\((program as NSString).lastPathComponent) failed (status \(status)): \(text)")
        }
    }

    /// `body` with `strings` as a NULL-terminated C array.
    private func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }

    /// A loopback port nobody uses now: bound to port 0, the kernel's pick, then released.
    private static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 ? getsockname(fd, pointer, &length) : -1
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
