import ArgumentParser
import SweepRuntime

/// What to tell a user who would serve or join a sweep over the network without keys.
func keyAdvice(_ what: String, risk: String) -> String {
    """
    refusing to \(what) without encryption: \(risk).
      Make keys:  sweep keygen --out keys --name coordinator      (on the coordinator host)
                  sweep keygen --out keys --name worker-1         (on each worker host; copy worker-1.key to the coordinator's keys/)
      Then:       sweep coordinator SPEC --bind tcp://*:5555 --key keys/coordinator.key_secret --allow keys/
                  sweep worker --connect tcp://COORDINATOR:5555 --key keys/worker-1.key_secret --server-key keys/coordinator.key
      Or, on a trusted network only, add --insecure.
    """
}
