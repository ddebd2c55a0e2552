import Foundation
import ZeroMQ

/// Why a key file cannot be used, and what to do about it.
public struct KeyError: Error, CustomStringConvertible {
    public let description: String
}

/// CURVE key files in czmq's certificate layout: `NAME.key` holds the public key (share it),
/// `NAME.key_secret` holds both keys and is readable by its owner only.
public enum KeyFiles {
    /// Writes a new key pair; returns the two paths. Never overwrites existing files.
    public static func generate(directory: URL, name: String) throws -> (publicPath: String, secretPath: String) {
        guard Curve.isAvailable else {
            throw KeyError(description: "this libzmq has no CURVE support (it needs libsodium)")
        }
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw KeyError(description: "--name '\(name)' must be a plain file name")
        }
        let keys = try Curve.keyPair()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let publicURL = directory.appendingPathComponent("\(name).key")
        let secretURL = directory.appendingPathComponent("\(name).key_secret")
        for url in [publicURL, secretURL] where FileManager.default.fileExists(atPath: url.path) {
            throw KeyError(
                description: "\(url.path) exists; choose another --name or --out (keys are never overwritten)")
        }
        let date = ISO8601DateFormatter().string(from: Date())
        let header = "#   ****  Generated on \(date) by sweep keygen  ****\n"
        let metadata = "metadata\n    name = \"\(name)\"\ncurve\n    public-key = \"\(keys.publicKey)\"\n"
        let publicText =
            header + "#   ZeroMQ CURVE Public Certificate: give it to the peers that should trust \(name)\n\n"
            + metadata
        let secretText =
            header + "#   ZeroMQ CURVE **Secret** Certificate: DO NOT PROVIDE THIS FILE TO OTHER USERS\n\n"
            + metadata + "    secret-key = \"\(keys.secretKey)\"\n"
        // Create the secret file with mode 0600 from the start, so it is never readable by others.
        let fd = open(secretURL.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw KeyError(description: "cannot create \(secretURL.path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(secretText.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw KeyError(description: "cannot write \(secretURL.path)") }
        try Data(publicText.utf8).write(to: publicURL)
        return (publicURL.path, secretURL.path)
    }

    /// The public key in a certificate file (public or secret).
    public static func publicKey(at path: String) throws -> String {
        let fields = try read(path)
        guard let key = fields["public-key"], Curve.isValidKey(key) else {
            throw KeyError(description: "\(path) holds no valid public-key; make keys with `sweep keygen --out DIR`")
        }
        return key
    }

    /// Both keys of a secret certificate, refusing files that others can read.
    public static func secretKeys(at path: String) throws -> (publicKey: String, secretKey: String) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw KeyError(description: "cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_mode & 0o077 != 0 {
            throw KeyError(
                description:
                    "secret key file \(path) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); fix it with: chmod 600 \(path)"
            )
        }
        let fields = try read(path)
        guard let secret = fields["secret-key"], Curve.isValidKey(secret) else {
            throw KeyError(
                description:
                    "\(path) holds no valid secret-key; pass the NAME.key_secret file that `sweep keygen` wrote")
        }
        return (try Curve.publicKey(forSecret: secret), secret)
    }

    /// Allowed public keys from files and directories (every `*.key` file in a directory).
    public static func allowedKeys(_ paths: [String]) throws -> Set<String> {
        var keys = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw KeyError(description: "--allow \(path): no such file or directory")
            }
            if isDirectory.boolValue {
                for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                where name.hasSuffix(".key") {
                    keys.insert(try publicKey(at: (path as NSString).appendingPathComponent(name)))
                }
            } else {
                keys.insert(try publicKey(at: path))
            }
        }
        return keys
    }

    static func read(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw KeyError(description: "cannot read key file \(path)")
        }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            fields[key] = value
        }
        return fields
    }
}
