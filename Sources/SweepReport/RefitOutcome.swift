/// What refitting the best configuration produced: the model file, or why there is none, and
/// the refitted model's scores on the held-out rows. The end of a sweep records it in run.db;
/// the report shows it from there.
public struct RefitOutcome: Sendable, Equatable {
    /// The model file's name in the run directory, if one was written.
    public var modelFile: String?
    /// Why no model file was written, when the user might expect one.
    public var note: String?
    /// The refitted model's metrics on the held-out rows (cv.test_size), scored once.
    public var holdout: [String: Double]?
    /// How many rows were held out of the search.
    public var holdoutRows: Int

    public init(modelFile: String?, note: String?, holdout: [String: Double]?, holdoutRows: Int) {
        self.modelFile = modelFile
        self.note = note
        self.holdout = holdout
        self.holdoutRows = holdoutRows
    }
}
