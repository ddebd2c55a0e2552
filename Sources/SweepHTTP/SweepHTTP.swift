/// HTTP beside a sweep: the live dashboard (`--http`), its Prometheus metrics and the
/// notifications (`--notify`). Everything here runs on its own threads and reads the run
/// database read-only, so the coordinator's socket loop never waits for a client.
public enum SweepHTTP {}
