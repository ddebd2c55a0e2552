/// What the reports key and bound their lists by, shared by report.md and report.html.

/// A worker as the reports tell workers apart: its name on its host.
struct WorkerPlace: Hashable {
    var worker: String
    var host: String
}

/// Rows of the reports' long lists (the CSVs have every one).
enum ReportLimits {
    /// "How the search went": the last improvements.
    static let improvements = 50
    /// Failed tasks and stopped trials: the first ones.
    static let rows = 200
}
