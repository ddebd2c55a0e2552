import Foundation

/// A fresh CURVE key pair for the coordinator and one for the workers of one launched sweep, in
/// `RUN/launch/keys/` (a directory only its owner may enter; secret files mode 0600). The
/// coordinator admits exactly `workers.key` and nothing else, so keys made for one sweep open no
/// other. `sweep resume RUN` finds them again through run.db.
public struct LaunchKeys: Sendable {
    public let directory: String
    public var coordinatorSecret: String { path("coordinator.key_secret") }
    public var coordinatorPublic: String { path("coordinator.key") }
    public var workerSecret: String { path("worker.key_secret") }
    public var workerPublic: String { path("worker.key") }

    /// The keys a launched sweep made earlier (for `sweep resume`), or nil when it has none.
    public static func existing(runDirectory: String) -> LaunchKeys? {
        let keys = LaunchKeys(directory: (runDirectory as NSString).appendingPathComponent("launch/keys"))
        let files = [keys.coordinatorSecret, keys.coordinatorPublic, keys.workerSecret, keys.workerPublic]
        return files.allSatisfy { FileManager.default.fileExists(atPath: $0) } ? keys : nil
    }

    /// Makes both pairs under `runDirectory`; refuses to reuse a directory that already has keys.
    public static func create(runDirectory: String) throws -> LaunchKeys {
        let directory = (runDirectory as NSString).appendingPathComponent("launch/keys")
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // The parent may have been created with a looser umask; the key directory itself is 0700.
        guard chmod(directory, 0o700) == 0 else {
            throw SweepError(.cannotStart, "cannot make \(directory) private: \(String(cString: strerror(errno)))")
        }
        do {
            let url = URL(fileURLWithPath: directory)
            _ = try KeyFiles.generate(directory: url, name: "coordinator")
            _ = try KeyFiles.generate(directory: url, name: "worker")
        } catch let error as KeyError {
            throw SweepError(.cannotStart, "\(error)")
        }
        return LaunchKeys(directory: directory)
    }

    /// The keys a coordinator serves with: its own pair, admitting the workers' public key only.
    public func coordinatorSecurity() throws -> CoordinatorSecurity {
        let keys: (publicKey: String, secretKey: String)
        do {
            keys = try KeyFiles.secretKeys(at: coordinatorSecret)
        } catch let error as KeyError {
            throw SweepError(.cannotStart, "\(error)")
        }
        return .curve(publicKey: keys.publicKey, secretKey: keys.secretKey, allow: [workerPublic])
    }

    /// What a worker started over a channel (SSH's stdin) needs, as `sweep worker --keys-from-stdin`
    /// reads it: its secret key and the coordinator's public key, one `name = "value"` a line,
    /// ended by an empty line.
    public func workerStdinText() throws -> String {
        do {
            let worker = try KeyFiles.secretKeys(at: workerSecret)
            let server = try KeyFiles.publicKey(at: coordinatorPublic)
            return "secret-key = \"\(worker.secretKey)\"\nserver-key = \"\(server)\"\n\n"
        } catch let error as KeyError {
            throw SweepError(.cannotStart, "\(error)")
        }
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
}
