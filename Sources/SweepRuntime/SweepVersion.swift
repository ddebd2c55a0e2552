import CSystemShim

/// The version and the git commit of this build, where both the command line (`sweep --version`)
/// and the run-directory writers (the model card) reach them. The commit is not in the source:
/// the release packages stamp it into the binary (scripts/package.sh), so a package built from
/// any checkout names the commit it came from without editing a file first.
public enum SweepVersion {
    public static let version = "0.1.0"

    /// The stamped commit, or nil for a development build.
    public static var commit: String? {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = sweep_build_commit(&buffer, buffer.count)
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `sweep 0.1.0 (commit abc1234)`, or a line that says the commit is unknown.
    public static var line: String {
        if let commit { return "sweep \(version) (commit \(commit))" }
        return "sweep \(version) (development build: no commit recorded)"
    }
}
