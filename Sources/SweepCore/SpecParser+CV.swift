import Yams

extension SpecParser {
    /// What a fold is when the sweep has no data, for messages that must say it.
    static let foldWithoutData =
        "without data a fold is one run of your program per trial (SWEEP_FOLD = 0…k−1 of SWEEP_FOLDS = k: use it as a seed or for your own split)"

    /// `cv:` — `hasLabels`: the sweep has data (so folds split its rows); `defaultFolds` when none
    /// are given (5; 1 for a command trainer without data).
    static func parseCV(
        _ node: Node?, task: TaskType, hasLabels: Bool, defaultFolds: Int = 5, _ reader: inout NodeReader
    ) -> CVSpec? {
        var cv = CVSpec(folds: defaultFolds, stratified: task == .classification && hasLabels, shuffle: true, seed: 0)
        guard let node else { return cv }
        guard
            let entries = reader.mapping(
                node, "cv",
                allowed: [
                    "folds", "stratified", "shuffle", "seed", "repeats", "group", "time_series", "test_size", "outer",
                ])
        else { return nil }
        var ok = true
        var explicitStratified = false
        for (key, value) in entries {
            switch key {
            case "repeats":
                if let repeats = reader.int(value, "cv.repeats", min: 1) { cv.repeats = repeats } else { ok = false }
            case "group": if let group = reader.string(value, "cv.group") { cv.group = group } else { ok = false }
            case "time_series":
                if let flag = reader.bool(value, "cv.time_series") { cv.timeSeries = flag } else { ok = false }
            case "test_size":
                if let share = reader.number(value, "cv.test_size"), share > 0, share < 1 {
                    cv.testSize = share
                } else {
                    reader.fail("cv.test_size", value, "expected a share of rows between 0 and 1, e.g. test_size: 0.2");
                    ok = false
                }
            case "outer":
                if let outer = reader.int(value, "cv.outer", min: 2) { cv.outer = outer } else { ok = false }
            case "folds": if let folds = reader.int(value, "cv.folds", min: 1) { cv.folds = folds } else { ok = false }
            case "stratified":
                if let stratified = reader.bool(value, "cv.stratified") {
                    cv.stratified = stratified
                    explicitStratified = stratified
                    if stratified && task == .regression {
                        reader.fail(
                            "cv.stratified", value,
                            "stratified folds need class labels; data.task is regression (use stratified: false)")
                        ok = false
                    } else if stratified && !hasLabels {
                        reader.fail(
                            "cv.stratified", value,
                            "stratified folds need class labels from data; \(foldWithoutData); use stratified: false"
                        )
                        ok = false
                    }
                } else {
                    ok = false
                }
            case "shuffle":
                if let shuffle = reader.bool(value, "cv.shuffle") { cv.shuffle = shuffle } else { ok = false }
            default: if let seed = reader.int(value, "cv.seed", min: 0) { cv.seed = UInt64(seed) } else { ok = false }
            }
        }
        let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        guard ok, checkFoldCount(cv, fields, node, hasData: hasLabels, &reader) else { return nil }
        // Schemes that decide fold membership themselves do not stratify.
        if cv.group != nil || cv.timeSeries {
            let scheme = cv.group != nil ? "cv.group" : "cv.time_series"
            if explicitStratified {
                reader.fail(
                    "cv.stratified", node, "\(scheme) decides which rows share a fold; remove stratified: true");
                return nil
            }
            cv.stratified = false
        }
        if cv.group != nil && cv.timeSeries {
            reader.fail("cv.group", node, "choose group folds or a time-series split, not both"); return nil
        }
        if cv.repeats > 1 && (cv.group != nil || cv.timeSeries || !cv.shuffle) {
            reader.fail(
                "cv.repeats", node,
                "repeats need shuffled k-fold splits (each repeat shuffles anew); they do not apply to group, time-series or unshuffled folds"
            )
            return nil
        }
        if cv.group != nil && !hasLabels {
            reader.fail("cv.group", node, "group folds need data with the group column")
            return nil
        }
        return cv
    }

    /// One fold with data is holdout validation and needs its share; a share without data has
    /// no rows to take.
    static func checkFoldCount(
        _ cv: CVSpec, _ fields: [String: Node], _ node: Node, hasData: Bool, _ reader: inout NodeReader
    ) -> Bool {
        if !hasData, cv.testSize != nil {
            reader.fail(
                "cv.test_size", fields["test_size"] ?? node,
                "a share of the data's rows, but the sweep has no data; \(foldWithoutData)")
            return false
        }
        if hasData, cv.folds == 1, cv.testSize == nil {
            reader.fail(
                "cv.folds", fields["folds"] ?? node,
                cv.outer == nil
                    ? "one fold with data is holdout validation: give the validation share, e.g. cv: {folds: 1, test_size: 0.2}"
                    : "nested CV needs an inner CV of at least 2 folds, e.g. cv: {folds: 5, outer: \(cv.outer!)}"
            )
            return false
        }
        return true
    }
}
