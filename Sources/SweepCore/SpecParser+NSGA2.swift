import Yams

extension SpecParser {
    static let nsga2Keys = ["population_size", "mutation_prob", "crossover_prob", "swapping_prob"]

    /// `search.nsga2:` — NSGA-II's population size and its crossover and mutation chances.
    static func parseNSGA2(_ node: Node, _ reader: inout NodeReader) -> NSGA2Options? {
        guard let entries = reader.mapping(node, "search.nsga2", allowed: nsga2Keys) else { return nil }
        var options = NSGA2Options()
        var ok = true
        for (key, value) in entries {
            let field = "search.nsga2.\(key)"
            if key == "population_size" {
                // Two parents per child: a smaller population could not breed.
                if let size = reader.int(value, field, min: 2) { options.populationSize = size } else { ok = false }
                continue
            }
            guard let chance = reader.number(value, field) else {
                ok = false
                continue
            }
            guard chance >= 0 && chance <= 1 else {
                reader.fail(field, value, "expected a probability between 0 and 1, e.g. 0.5; got \(chance)")
                ok = false
                continue
            }
            switch key {
            case "mutation_prob": options.mutationProb = chance
            case "crossover_prob": options.crossoverProb = chance
            default: options.swappingProb = chance
            }
        }
        return ok ? options : nil
    }
}
