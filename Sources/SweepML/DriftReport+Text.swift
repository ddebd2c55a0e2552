import Foundation

extension DriftReport {
    /// The report for people: one line per column (most drifted first), the target, the metric
    /// and the verdict.
    public func text() -> String {
        var rows: [[String]] = [["column", "kind", "PSI", "KS", "missing train → new", "mean train → new", "drift"]]
        for column in features { rows.append(Self.cells(column, name: column.name)) }
        if let target { rows.append(Self.cells(target, name: "\(target.name) (target)")) }
        var lines = Self.aligned(rows)
        lines.insert(
            "model: \(model) fitted on \(trainingRows) rows; new data: \(newRows) rows", at: 0)
        for column in features + (target.map { [$0] } ?? []) {
            if !column.unseen.isEmpty {
                let named = column.unseen.map { "\($0.name) (\($0.count))" }.joined(separator: ", ")
                lines.append(
                    "unseen in '\(column.name)': \(named) — \(Self.percent(column.unseenShare)) of its values")
            }
            if column.invalid > 0 {
                lines.append(
                    "not numbers in '\(column.name)': \(column.invalid), e.g. '\(column.invalidExample ?? "")' (the model cannot score those rows)"
                )
            }
        }
        if let metric {
            lines.append(
                "\(metric.metric) on \(metric.rows) new rows: \(Self.format(metric.new))\(metric.standardError.map { " ± \(Self.format($0)) (standard error)" } ?? ""); CV: \(Self.format(metric.cvMean)) ± \(Self.format(metric.cvStd)) (\(metric.goal), tolerance \(Self.format(metric.tolerance)))\(metric.worse ? " — worse" : "")"
            )
        } else if let metricNote {
            lines.append("metric: \(metricNote)")
        }
        lines.append(
            "thresholds: PSI > \(Self.format(thresholds.psi)), KS > \(Self.format(thresholds.ks)), missing rate change > \(Self.format(thresholds.missing)), unseen categories > \(Self.percent(thresholds.unseen)) of values"
        )
        lines.append(verdict)
        return lines.joined(separator: "\n") + "\n"
    }

    static func cells(_ column: ColumnDrift, name: String) -> [String] {
        let mean =
            column.meanTrain.map { train in "\(format(train)) → \(column.meanNew.map(format) ?? "-")" } ?? "-"
        return [
            name, column.kind, column.psi.map { String(format: "%.3f", $0) } ?? "-",
            column.ks.map { String(format: "%.3f", $0) } ?? "-",
            "\(percent(column.missingTrain)) → \(percent(column.missingNew))", mean,
            column.drifted ? column.reasons.joined(separator: ", ") : "",
        ]
    }

    /// Columns padded to their widest cell (numbers right-aligned).
    static func aligned(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return (2...3).contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
