import Yams

/// The spec of a `sweep retrain` run: the previous run's spec text with its data file replaced,
/// the previous best configurations enqueued, a warm start from the previous run and a budget of
/// exactly those plus the further trials asked for. CV, trainer, space, objective, limits and
/// refit stay as written, so the new run's folds are made the way the old ones were.
public enum RetrainSpec {
    public struct Rewritten: Sendable, Equatable {
        public var text: String
        /// What else had to change (a grid's algorithm, budgets that could cut the queue short).
        public var notes: [String]
    }

    /// Rewrites `text`; `warmStart` nil leaves any warm start out (several objectives or
    /// constraints cannot warm-start). Throws when the text is not a spec mapping.
    public static func rewrite(
        _ text: String, dataPath: String, enqueue: [Params], warmStart: String?, further: Int
    ) throws(SpecError) -> Rewritten {
        var notes: [String] = []
        do {
            guard case .mapping(var root)? = try Yams.compose(yaml: text), case .mapping(var data)? = root["data"]
            else {
                throw problem("data", "the previous spec has no data section: retraining needs data")
            }
            data["path"] = quoted(dataPath)
            root["data"] = .mapping(data)
            if case .mapping(var cv)? = root["cv"], cv["outer"] != nil {
                // Nested CV refuses the adaptive, warm-started search a retrain runs.
                cv["outer"] = nil
                root["cv"] = .mapping(cv)
                notes.append(
                    "cv.outer is left out: a retrain compares plain CV estimates (run the new spec with cv.outer for a nested estimate)"
                )
            }
            var search = root["search"]?.mapping ?? Node.Mapping([])
            if (search["algorithm"]?.string ?? "grid") == "grid" {
                search["algorithm"] = Node("tpe")
                if further > 0 { notes.append("grid search has no trials budget: the further trials are drawn by tpe") }
            }
            for (key, why) in [
                ("time_limit", "search.time_limit"), ("stop_after_no_improvement", "search.stop_after_no_improvement"),
            ] where search[key] != nil {
                search[key] = nil
                notes.append("\(why) is left out: the budget is the enqueued configurations plus --trials")
            }
            search["trials"] = Node(String(enqueue.count + further))
            let queue = "[" + enqueue.map(\.json).joined(separator: ", ") + "]"
            search["enqueue"] = try Yams.compose(yaml: queue)
            search["warm_start"] = warmStart.map { .sequence(Node.Sequence([quoted($0)])) }
            root["search"] = .mapping(search)
            if case .mapping(var objective)? = root["objective"], objective["target"] != nil {
                objective["target"] = nil
                root["objective"] = .mapping(objective)
                notes.append(
                    "objective.target is left out: the search would stop at the first configuration reaching it, before the rest of the queue ran"
                )
            }
            return Rewritten(text: try Yams.serialize(node: .mapping(root)), notes: notes)
        } catch let error as SpecError {
            throw error
        } catch {
            throw problem("", "the previous spec cannot be rewritten: \(error)")
        }
    }

    static func quoted(_ text: String) -> Node { Node(text, Tag(.str), .doubleQuoted) }

    static func problem(_ field: String, _ message: String) -> SpecError {
        SpecError(file: "run.db", problems: [SpecProblem(field: field, line: nil, message: message)])
    }
}
