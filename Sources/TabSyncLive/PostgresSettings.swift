#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import NIOSSL
import PostgresNIO

/// Where a tab's PostgreSQL server is and how to log in: from a URL
/// (`postgres://user:pass@host:port/db?sslmode=require`) or libpq's environment variables (`PGHOST`,
/// `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT`), the URL first.
///
/// The password is kept for the connection only: `description` (what logs, errors and the screen
/// show) never holds it, and neither does any error made here (a URL that does not parse is not
/// quoted back, since it may hold one).
public struct PostgresSettings: Sendable, Equatable, CustomStringConvertible {
    /// libpq's TLS modes. `prefer` (libpq's default) and `require` encrypt without checking the
    /// server's certificate, as libpq does: only `verify-ca` and `verify-full` stop a machine in the
    /// middle, and only `verify-full` checks that the certificate names the host.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// A host name, an IP address, or a directory holding the server's Unix socket (starts with `/`).
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// PEM file of the certificate authorities trusted for `verify-ca` and `verify-full` (else the system's).
    public var sslRootCert: String?

    public init(
        host: String = "localhost", port: Int = 5432, user: String, password: String? = nil, database: String? = nil,
        sslMode: SSLMode = .prefer, sslRootCert: String? = nil
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database ?? user
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert
    }

    /// From libpq's environment variables alone; what they leave out takes libpq's defaults
    /// (localhost, 5432, the login name, a database named as the user, `sslmode=prefer`).
    public init(environment: [String: String]) throws {
        let user = environment["PGUSER"] ?? Self.loginName(environment)
        self.init(
            host: environment["PGHOST"] ?? "localhost", port: 5432, user: user, password: environment["PGPASSWORD"],
            database: environment["PGDATABASE"], sslRootCert: environment["PGSSLROOTCERT"])
        if let port = environment["PGPORT"] { self.port = try Self.port(port, from: "PGPORT") }
        if let mode = environment["PGSSLMODE"] { sslMode = try Self.sslMode(mode, from: "PGSSLMODE") }
    }

    /// From a `postgres://` or `postgresql://` URL; what it leaves out comes from `environment`
    /// as in `init(environment:)`. User and password may be percent-encoded (`p%40ss` for `p@ss`).
    public init(url: String, environment: [String: String] = [:]) throws {
        try self.init(environment: environment)
        guard let parts = URLComponents(string: url), parts.scheme == "postgres" || parts.scheme == "postgresql"
        else {
            throw PostgresSettingsError("not a postgres://user:password@host:port/database URL")
        }
        if let host = parts.host, !host.isEmpty { self.host = host }
        if let port = parts.port { self.port = port }
        if let user = parts.percentEncodedUser, !user.isEmpty {
            guard let decoded = user.removingPercentEncoding else { throw PostgresSettingsError("bad user in URL") }
            self.user = decoded
            if environment["PGDATABASE"] == nil { database = decoded }
        }
        if let password = parts.percentEncodedPassword {
            guard let decoded = password.removingPercentEncoding else {
                throw PostgresSettingsError("bad percent-encoding in the URL's password")
            }
            self.password = decoded
        }
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        if !path.isEmpty { database = path }
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "sslmode": sslMode = try Self.sslMode(item.value ?? "", from: "sslmode")
            case "sslrootcert": sslRootCert = item.value
            case "host": if let value = item.value, !value.isEmpty { host = value }  // libpq: a socket directory
            case "port": port = try Self.port(item.value ?? "", from: "port")
            default: throw PostgresSettingsError("unsupported URL parameter '\(item.name)'")
            }
        }
    }

    /// The URL without its password (`postgres://teacher:***@db.school:5432/classroom?sslmode=require`):
    /// what a log, an error or a screen may show.
    public var description: String { url(secret: password == nil ? "" : ":***") }

    /// The URL with no password at all: for a child process, given the password in `PGPASSWORD`
    /// (its environment), not on its command line, which every user can list.
    public var urlWithoutPassword: String { url(secret: "") }

    private func url(secret: String) -> String {
        let login = user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? "?"
        let place = host.hasPrefix("/") ? "localhost:\(port)/\(database)?host=\(host)&" : "\(host):\(port)/\(database)?"
        return "postgres://\(login)\(secret)@\(place)sslmode=\(sslMode.rawValue)"
    }

    /// postgres-nio's configuration: TLS as `sslMode` asks (see `SSLMode`).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable:
            tls = .disable
        case .allow, .prefer:
            tls = .prefer(try Self.context(verification: .none, rootCert: nil))
        case .require:
            tls = .require(try Self.context(verification: .none, rootCert: nil))
        case .verifyCA:
            tls = .require(try Self.context(verification: .noHostnameVerification, rootCert: sslRootCert))
        case .verifyFull:
            tls = .require(try Self.context(verification: .fullVerification, rootCert: sslRootCert))
        }
        if host.hasPrefix("/") {
            return PostgresConnection.Configuration(
                unixSocketPath: host + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    private static func context(verification: CertificateVerification, rootCert: String?) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = verification
        if let rootCert { tls.trustRoots = .file(rootCert) }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw PostgresSettingsError("cannot set up TLS: \(error)")
        }
    }

    private static func port(_ text: String, from source: String) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw PostgresSettingsError("\(source) must be a port number (1 to 65535)")
        }
        return port
    }

    private static func sslMode(_ text: String, from source: String) throws -> SSLMode {
        guard let mode = SSLMode(rawValue: text) else {
            let modes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw PostgresSettingsError("\(source) must be one of \(modes)")
        }
        return mode
    }

    /// libpq's default user: the operating system's name for this user.
    private static func loginName(_ environment: [String: String]) -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return environment["USER"] ?? "postgres"
    }
}

/// Settings that cannot be used, and why (never quoting a password).
public struct PostgresSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { "PostgreSQL settings: \(problem)" }
}
