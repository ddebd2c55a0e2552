import SweepRuntime

/// The version and the git commit `sweep --version` prints (kept in `SweepVersion`, which the
/// model card reads too).
enum BuildInfo {
    static var version: String { SweepVersion.version }

    /// The stamped commit, or nil for a development build.
    static var commit: String? { SweepVersion.commit }

    /// `sweep 0.1.0 (commit abc1234)`, or a line that says the commit is unknown.
    static var versionLine: String { SweepVersion.line }
}
