import ArgumentParser
import SweepRuntime

/// What to tell a user who would serve or join a sweep over the network without keys.
func keyAdvice(_ what: String, risk: String, problem: String? = nil) -> String {
    """
    refusing to \(what) without encryption: \(risk).\(problem.map { "\n  Why: \($0)." } ?? "")
      Make keys:  sweep keygen --out keys --name coordinator      (on the coordinator host)
                  sweep keygen --out keys --name worker-1         (on each worker host; copy worker-1.key to the coordinator's keys/)
      Then:       sweep coordinator SPEC --bind tcp://*:5555 --key keys/coordinator.key_secret --allow keys/
                  sweep worker --connect tcp://COORDINATOR:5555 --key keys/worker-1.key_secret --server-key keys/coordinator.key
      Or, on a trusted network only, add --insecure.
    """
}

/// Checks an address given as `option`: it must parse, and without keys (and without --insecure)
/// it must reach only this host. The error says what is wrong and how to do it right.
func checkAddress(
    _ option: String, _ endpoint: String, keyed: Bool, insecure: Bool, what: String, risk: String
) throws {
    let parsed: Endpoint
    do {
        parsed = try Endpoint(endpoint)
    } catch {
        throw ValidationError("\(option): \(error)")
    }
    if !keyed && !insecure, let problem = parsed.loopbackProblem {
        throw ValidationError(keyAdvice(what, risk: risk, problem: "\(option) \(problem)"))
    }
}
