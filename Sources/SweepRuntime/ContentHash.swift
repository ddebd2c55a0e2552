import Crypto
import Foundation

/// Content addresses of shipped files (datasets, workdir bundles): the hex SHA-256 of their bytes.
/// The coordinator announces them; a worker caches files under them and checks every byte it
/// receives against them. swift-crypto computes it (on Linux, its embedded BoringSSL). It lives in
/// the shell, not in SweepCore: only the shell reads and ships files, and SweepCore stays pure Swift
/// with no C library under it (the protocol fuzzer in Fuzz/ builds on it).
public enum ContentHash {
    /// The lowercase hex SHA-256 digest of `bytes`.
    public static func sha256(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The lowercase hex SHA-256 digest of a file's bytes, read in 1 MiB pieces (a dataset may be
    /// larger than memory should hold twice).
    public static func sha256(fileAt url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty { hasher.update(data: piece) }
        return hex(hasher.finalize())
    }

    static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ digest: SHA256.Digest) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(SHA256.Digest.byteCount * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
