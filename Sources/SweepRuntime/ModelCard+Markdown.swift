import Foundation
import SweepReport

/// `MODEL.md`: the model card for people, made from the same `ModelCard` as model-card.json.
extension ModelCard {
    /// Categories shown per column; model-card.json lists every one.
    static let categoriesShown = 20

    public var markdown: String {
        var out = "# Model card: \(name)\n\n" + summaryLine()
        out += "\n## Chosen configuration\n\nTrial \(trial): \(Self.code(paramsText))\n"
        out += "\n## How good it is\n\n" + scoresTable()
        if let cost {
            let words = ResourceCost(
                fitSeconds: cost.fitSeconds, predictSeconds: cost.predictSecondsPer1000Rows, modelBytes: cost.modelBytes
            ).words
            out += "\n## Resource cost\n\n\(words) (the chosen trial's mean over its \(cv.folds) CV folds).\n"
        }
        out += "\n## Data\n\n" + dataLines()
        if let features { out += "\n## Features\n\n" + Self.featuresTable(features) }
        out += "\n## Intended use\n\n" + intendedUse.map { "- \($0)\n" }.joined()
        out += "\n## Limitations\n\n" + limitations.map { "- \($0)\n" }.joined()
        out +=
            "\n---\nWritten from `run.db` by \(sweep.cardWrittenBy); `model-card.json` holds the same facts for tools.\n"
        return out
    }

    /// What the model is, on what, when and by which sweep.
    func summaryLine() -> String {
        var out =
            "\(Self.code(model.path)): "
            + (model.kind == "builtin"
                ? Self.code(model.name) : "the files of the command trainer \(Self.code(model.name))")
        if let target {
            out +=
                task == "classification"
                ? ", classifying \(Self.code(target))" : ", predicting \(Self.code(target)) (regression)"
            if let classes {
                let named = classes.map { name in Self.escaped(name) + (classCounts?[name].map { " \($0)" } ?? "") }
                out += " into \(classes.count) classes (\(classCounts == nil ? "" : "training rows: ")"
                out += named.joined(separator: ", ") + ")"
            }
        }
        if let rows = data?.searchRows { out += ", refitted on \(rows) rows" }
        if let trainedAt {
            out += " when the sweep ended, \(trainedAt.replacingOccurrences(of: "T", with: " ").dropLast()) UTC"
        }
        out += "; trained with \(sweep.trainedWith ?? "an unrecorded sweep version").\n"
        return out
    }

    var paramsText: String {
        params.keys.sorted().map { name in
            let value: String =
                switch params[name]! {
                case .int(let int): String(int)
                case .double(let double): "\(double)"  // in full: copied into a spec, it must give this model
                case .string(let string): string
                case .bool(let bool): String(bool)
                }
            return "\(name)=\(value)"
        }.joined(separator: ", ")
    }

    /// CV, the holdout and nested CV side by side, each with its spread and rows.
    func scoresTable() -> String {
        var out = "| estimate | `\(cv.metric)` | spread | rows |\n|---|---:|---:|---:|\n"
        out += "| \(cv.folds)-fold CV of the chosen trial (\(cv.goal)) | \(number(cv.mean)) | "
        out +=
            "\(cv.std.map { "± " + Significant.format($0) } ?? "—") | \(data?.searchRows.map(String.init) ?? "—") |\n"
        if let holdout {
            out +=
                "| held-out rows, scored once by the refitted model | \(number(holdout.score)) | — | \(holdout.rows) |\n"
        }
        if let nested {
            out += "| nested CV over \(nested.folds.count) outer folds | \(number(nested.mean)) | "
            out +=
                "\(nested.std.map { "± " + Significant.format($0) } ?? "—") | \(data?.searchRows.map(String.init) ?? "—") |\n"
        }
        if let otherObjectives {
            let words = otherObjectives.map { score in
                "`\(score.metric)` \(number(score.mean))\(score.std.map { " ± " + Significant.format($0) } ?? "") (\(score.goal))"
            }
            out += "\nThe other objectives, by the same CV: \(words.joined(separator: ", ")).\n"
        }
        out += "\nCross-validation: \(cv.scheme).\n"
        return out
    }

    func dataLines() -> String {
        var out = ""
        if let data {
            out += "- File: \(Self.code(data.file))" + (data.sha256.map { " (sha256 `\($0)`)" } ?? "") + "\n"
            if let rows = data.rows {
                let columns = data.columns.map { " × \($0) columns (\($0 - 1) features and the target)" } ?? ""
                out += "- \(rows) rows\(columns): \(data.searchRows.map(String.init) ?? "—") searched by CV"
                out += ", \(data.holdoutRows) held out\n"
            }
            if !data.dropped.isEmpty {
                out += "- Not used: \(data.dropped.map { Self.code($0) }.joined(separator: ", "))\n"
            }
        } else {
            out += "- The spec names no data file: the trainer reads its own.\n"
        }
        out +=
            "- Spec: \(Self.code(spec.file)) in this directory (from \(Self.code(spec.source)), sha256 `\(spec.sha256)`)\n"
        return out
    }

    static func featuresTable(_ features: [Feature]) -> String {
        var out = "| column | kind | training values | missing |\n|---|---|---|---:|\n"
        for feature in features {
            var values = ""
            if let categories = feature.categories {
                values = categories.prefix(categoriesShown).map(escaped).joined(separator: ", ")
                if categories.count > categoriesShown {
                    values += " … and \(categories.count - categoriesShown) more"
                }
            } else if let min = feature.min, let max = feature.max {
                values = "\(Significant.format(min)) to \(Significant.format(max))"
                if let mean = feature.mean { values += " (mean \(Significant.format(mean)))" }
            }
            let missing = feature.missingRate.map { Significant.format($0 * 100, digits: 3) + " %" } ?? "—"
            out += "| \(escaped(feature.name)) | \(feature.kind) | \(values) | \(missing) |\n"
        }
        return out
    }

    /// Text from the data (a column, a category, a class) as literal Markdown: every character
    /// Markdown or HTML would read as markup is backslash-escaped, and line breaks are written
    /// `\n`, so a value can neither style the card nor break a table row.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "~", "&", "!": out += "\\" + String(character)
            default: out.append(character)
            }
        }
        return out
    }

    /// A code span holding `text` literally: its fence is longer than any run of backticks in it,
    /// and line breaks are written `\n` (a span cannot hold one). Pipes are escaped for tables.
    static func code(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
            .replacingOccurrences(of: "|", with: "\\|")
        var longest = 0, run = 0
        for character in flat {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + pad + flat + pad + fence
    }

    func number(_ value: Double?) -> String { value.map { Significant.format($0) } ?? "—" }
}
