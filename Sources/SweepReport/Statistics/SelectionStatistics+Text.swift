extension SelectionStatistics {
    /// The statistics in words, one sentence per line, numbers at 4 significant digits: for
    /// report.html (and report.md) beside the best configuration.
    public var sentences: [String] {
        var lines = comparisons.map { comparison -> String in
            let folds = "\(comparison.sharedFolds) shared fold\(comparison.sharedFolds == 1 ? "" : "s")"
            var line =
                "Trial \(best) vs trial \(comparison.trial): \(Significant.format(comparison.meanAdvantage)) better on average over \(folds)"
            if let t = comparison.t, t.isInfinite {
                line += "; the same margin on every fold (paired t-test: no spread, p = 0)"
            } else if let t = comparison.t, let p = comparison.pValue {
                line += "; paired t-test t = \(Significant.format(t)), p = \(Significant.format(p))"
            } else {
                line +=
                    comparison.sharedFolds < 2 ? "; too few folds for a test" : "; the same score on every fold"
            }
            return line + "."
        }
        if comparisons.contains(where: { $0.pValue != nil }) {
            lines.append(
                "Folds share most of their training rows, so these p-values are optimistic (Nadeau & Bengio 2003): read a small one as a hint, not a proof."
            )
        }
        let others = withinOneStandardError.filter { $0 != best }
        if let standardError, !others.isEmpty {
            // A sweep of ties can have thousands: name the first ten.
            let names =
                others.prefix(10).map(String.init).joined(separator: ", ")
                + (others.count > 10 ? " and \(others.count - 10) more" : "")
            var line =
                "Trial\(others.count == 1 ? "" : "s") \(names) \(others.count == 1 ? "is" : "are") within one standard error (\(Significant.format(standardError))) of the best"
            if let simplest, let simplestReason {
                line += "; the simplest of them is trial \(simplest) (\(simplestReason))"
            }
            lines.append(line + ".")
        } else if let standardError {
            lines.append(
                "No other trial is within one standard error (\(Significant.format(standardError))) of the best.")
        }
        return lines
    }
}
