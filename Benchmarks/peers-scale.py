"""Issue 13 (scale): the peers' side of M2 and M1, and the tables beside ours (see peers-scale.sh).

M2 trial bookkeeping: TRIALS trials of a 50 ms sleep, 8 at once (ideal = TRIALS * 0.05 / 8).
  Ray Tune   Tuner(num_samples=TRIALS), a function trainable that sleeps and calls tune.report;
             ray.init(num_cpus=8), 1 cpu per trial, Tune's default loggers; Tuner.fit() timed,
             ray.init apart. Once with defaults (reuse_actors=False: a new worker process per
             trial) and once with reuse_actors=True.
  Optuna     JournalStorage(JournalFileBackend) in a temp file, random sampler; 2 processes each
             study.optimize(n_trials=TRIALS/2, n_jobs=4); timed from launching both to both ending
             (their start-up included, as ours includes its workers').
M1 dispatch: TASKS no-op tasks, 2 worker processes (start-up and a 100-task warm-up not timed).
  Dask       LocalCluster(n_workers=2, threads_per_worker=1, processes=True); client.map + gather.
  Ray tasks  ray.init(num_cpus=2); ray.get([noop.remote(i) for i in range(TASKS)]).

Each peer runs in its own process group (a crash or a missing package skips it, with the reason);
after it, any process left in that group or naming its temp directory is reported and stopped.
Nothing needs the network: Ray's usage stats and dashboard are off, Dask's dashboard too; HOME is the
peer's temp directory (Ray 2.60 otherwise writes ~/.ray/auth_token) and all results go there.
"""
import argparse, json, os, signal, subprocess, sys, tempfile, time

SLEEP, SLOTS = 0.05, 8


def noop(i):
    return i


def ray_tune(a, tmp, reuse_actors=False):
    import ray
    from ray import tune

    def trainable(config):
        time.sleep(SLEEP)
        tune.report({"score": config["x"]})

    start = time.perf_counter()
    ray.init(num_cpus=SLOTS, include_dashboard=False, _temp_dir=os.path.join(tmp, "ray"))
    init = time.perf_counter() - start
    try:
        tuner = tune.Tuner(
            tune.with_resources(trainable, {"cpu": 1}),
            param_space={"x": tune.uniform(0, 1)},
            tune_config=tune.TuneConfig(num_samples=a.trials, metric="score", mode="max", reuse_actors=reuse_actors),
            run_config=tune.RunConfig(name="m2", storage_path=os.path.join(tmp, "results")))
        start = time.perf_counter()
        grid = tuner.fit()
        wall = time.perf_counter() - start
        done = sum(1 for r in grid if r.error is None and "score" in r.metrics)
        return {"wall": wall, "init": init, "done": done, "version": ray.__version__}
    finally:
        ray.shutdown()


def optuna_journal(a, tmp):
    import optuna
    path = os.path.join(tmp, "journal.log")
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path))
    optuna.create_study(study_name="m2", storage=storage, sampler=optuna.samplers.RandomSampler(seed=0))
    per = [a.trials // 2, a.trials - a.trials // 2]
    start = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, __file__, "--peer", "optuna-worker", "--trials", str(n), "--journal", path])
               for n in per]
    codes = [w.wait() for w in workers]
    wall = time.perf_counter() - start
    if any(codes):
        raise RuntimeError(f"an optuna worker exited with {codes}")
    done = sum(t.state.name == "COMPLETE" for t in optuna.load_study(study_name="m2", storage=storage).trials)
    return {"wall": wall, "done": done, "version": optuna.__version__}


def optuna_worker(a):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(a.journal))
    study = optuna.load_study(study_name="m2", storage=storage, sampler=optuna.samplers.RandomSampler())

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        time.sleep(SLEEP)
        return x

    study.optimize(objective, n_trials=a.trials, n_jobs=SLOTS // 2)


def dask_map(a, tmp):
    import distributed
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  local_directory=tmp) as cluster, distributed.Client(cluster) as client:
        client.gather(client.map(noop, range(-100, 0)))  # warm-up, other keys than the timed map
        start = time.perf_counter()
        results = client.gather(client.map(noop, range(a.tasks)))
        wall = time.perf_counter() - start
    assert len(results) == a.tasks
    return {"rate": a.tasks / wall, "wall": wall, "version": distributed.__version__}


def ray_tasks(a, tmp):
    import ray
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=os.path.join(tmp, "ray"))
    try:
        remote = ray.remote(noop)
        ray.get([remote.remote(i) for i in range(100)])  # warm-up: both workers started
        start = time.perf_counter()
        results = ray.get([remote.remote(i) for i in range(a.tasks)])
        wall = time.perf_counter() - start
        assert len(results) == a.tasks
        return {"rate": a.tasks / wall, "wall": wall, "version": ray.__version__}
    finally:
        ray.shutdown()


def optuna_memory(a, tmp, tpe=False):
    """M3: optuna's in-memory study, one process, a trivial objective (what `sweep run` does of noop)."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    n = a.tpe_trials if tpe else a.trivial
    walls = []
    for _ in range(a.studies):  # the median of several studies
        sampler = optuna.samplers.TPESampler(seed=0) if tpe else optuna.samplers.RandomSampler(seed=0)
        start = time.perf_counter()
        study = optuna.create_study(direction="maximize", sampler=sampler)
        study.optimize(lambda t: t.suggest_float("score", 0, 1), n_trials=n)
        walls.append(time.perf_counter() - start)
        assert len(study.trials) == n
    wall = sorted(walls)[len(walls) // 2]
    return {"rate": n / wall, "wall": wall, "version": optuna.__version__}


PEERS = {"optuna-memory": optuna_memory, "optuna-memory-tpe": lambda a, tmp: optuna_memory(a, tmp, tpe=True),
         "ray-tune": ray_tune, "ray-tune-reuse": lambda a, tmp: ray_tune(a, tmp, reuse_actors=True), "optuna-journal": optuna_journal, "dask": dask_map, "ray-tasks": ray_tasks}


NOTES = []


def leftovers(group, tmp):
    """Pids still in the peer's process group or naming its temp directory (ours to stop; zombies
    are left to their parent)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                state, _, pgid = f.read().rsplit(")", 1)[1].split()[:3]
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if int(pid) != os.getpid() and state != "Z" and (int(pgid) == group or tmp in cmdline):
            found.append(int(pid))
    return found


def run_peer(name, a):
    """Runs one peer in a child process; its result dict, or {"skipped": reason}."""
    with tempfile.TemporaryDirectory(prefix=f"peers-{name}-") as tmp:
        log = os.path.join(tmp, "log")
        cmd = [sys.executable, __file__, "--peer", name, "--trials", str(a.trials), "--tasks", str(a.tasks),
               "--trivial", str(a.trivial), "--tpe-trials", str(a.tpe_trials), "--tmp", tmp]
        with open(log, "w") as out:
            child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                     env=dict(os.environ, RAY_USAGE_STATS_ENABLED="0", HOME=tmp))  # Ray 2.60 writes ~/.ray/auth_token
            try:
                child.wait(timeout=a.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL); child.wait()
        stray = leftovers(child.pid, tmp)
        for pid in stray:
            try: os.kill(pid, signal.SIGKILL)
            except ProcessLookupError: pass
        if stray:
            NOTES.append(f"{name} left {len(stray)} processes behind; stopped them (pids {stray})")
        lines = open(log, errors="replace").read().splitlines()
        for line in reversed(lines):
            if line.startswith("RESULT "):
                return json.loads(line[7:])
        reason = "timed out" if child.returncode == -signal.SIGKILL else f"exit {child.returncode}"
        last = [l for l in lines if l.strip()][-1:] or [""]
        return {"skipped": f"{reason}: {last[0].strip()[:160]}"}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--trials", type=int, default=2000)
    p.add_argument("--tasks", type=int, default=20000)
    p.add_argument("--ours-m2", type=float, help="wall seconds of our sweep run")
    p.add_argument("--ours-m2-done", type=int)
    p.add_argument("--ours-m1", type=float, help="our tasks/s")
    p.add_argument("--ours-m1-how", default="")
    p.add_argument("--trivial", type=int, default=5000, help="M3 random trials")
    p.add_argument("--tpe-trials", type=int, default=1000, help="M3 TPE trials")
    p.add_argument("--ours-m3-random", type=float, help="our trials/s, random, whole command")
    p.add_argument("--ours-m3-tpe", type=float, help="our trials/s, tpe, whole command")
    p.add_argument("--ours-m3-tpe-prefetch", type=float, help="the same with limits.prefetch: 16")
    p.add_argument("--only-m3", action="store_true", help="M3 alone (ours measured M3 only)")
    p.add_argument("--studies", type=int, default=3, help="optuna in-memory studies per peer run (median)")
    p.add_argument("--optuna-m3-random", type=float, help="optuna's in-memory random rate, measured alternating with ours")
    p.add_argument("--optuna-m3-tpe", type=float, help="the same, TPE")
    p.add_argument("--timeout", type=float, default=10800, help="per peer, seconds")
    p.add_argument("--peer"); p.add_argument("--tmp"); p.add_argument("--journal")
    a = p.parse_args()
    if a.peer == "optuna-worker":
        return optuna_worker(a)
    if a.peer:
        try:
            result = PEERS[a.peer](a, a.tmp)
        except ImportError as e:
            result = {"skipped": f"not installed: {e}"}
        print("RESULT " + json.dumps(result), flush=True)
        return

    if not a.only_m3:
        ideal = a.trials * SLEEP / SLOTS
        print(f"\n### M2 trial bookkeeping: {a.trials} trials × {SLEEP * 1000:.0f} ms on {SLOTS} slots "
              f"(ideal {ideal:.2f} s)\n")
        print("| system | wall s | overhead (wall/ideal − 1) | trials done | peer ÷ ours (wall) | notes |")
        print("|---|---:|---:|---:|---:|---|")
        print(f"| sweep run, 2 workers × 4 slots | {a.ours_m2:.2f} | {a.ours_m2 / ideal - 1:.3f} | {a.ours_m2_done} "
              f"| 1 | whole command (coordinator and worker start-up included) |")
        for name, label in [("ray-tune", "Ray Tune (defaults: a new actor per trial)"),
                            ("ray-tune-reuse", "Ray Tune, reuse_actors=True"), ("optuna-journal", "Optuna journal, 2 procs × 4 threads")]:
            r = run_peer(name, a)
            if "skipped" in r:
                print(f"| {label} | – | – | – | – | skipped: {r['skipped']} |"); continue
            note = f"{r['version']}" + (f"; ray.init {r['init']:.2f} s not in wall" if "init" in r else "; process start-up in wall")
            print(f"| {label} | {r['wall']:.2f} | {r['wall'] / ideal - 1:.3f} | {r['done']} | {r['wall'] / a.ours_m2:.2f} | {note} |")

        print(f"\n### M1 dispatch: {a.tasks} no-op tasks, 2 worker processes × 1 at a time\n")
        print("| system | tasks/s | ours ÷ peer (tasks/s) | notes |")
        print("|---|---:|---:|---|")
        print(f"| sweep | {a.ours_m1:.0f} | 1 | {a.ours_m1_how} |")
        for name, label in [("dask", "Dask client.map, LocalCluster 2 × 1"), ("ray-tasks", "Ray tasks, num_cpus=2")]:
            r = run_peer(name, a)
            if "skipped" in r:
                print(f"| {label} | – | – | skipped: {r['skipped']} |"); continue
            print(f"| {label} | {r['rate']:.0f} | {a.ours_m1 / r['rate']:.2f} | {r['version']}; start-up and warm-up not timed |")
    if a.ours_m3_random:
        print(f"\n### M3 trivial trials end to end: {a.trivial} random and {a.tpe_trials} TPE trials of a no-op\n")
        print("| system | sampler | trials | trials/s | ours ÷ peer (trials/s) | notes |")
        print("|---|---|---:|---:|---:|---|")
        print(f"| sweep run (one fold, run.db, workers, report) | random | {a.trivial} | {a.ours_m3_random:.0f} | 1 "
              f"| whole command: start-up, workers and report included |")
        print(f"| sweep run | tpe | {a.tpe_trials} | {a.ours_m3_tpe:.0f} | 1 | whole command |")
        if a.ours_m3_tpe_prefetch:
            print(f"| sweep run, `limits.prefetch: 16` | tpe | {a.tpe_trials} | {a.ours_m3_tpe_prefetch:.0f} | 1 "
                  f"| whole command; suggestions made with more trials pending |")
        try:
            import optuna
            version = optuna.__version__
        except ImportError:
            version = "optuna not installed"
        for kind, label, ours, theirs in [("random", "optuna in-memory, 1 process", a.ours_m3_random, a.optuna_m3_random),
                                          ("tpe", "optuna in-memory, 1 process", a.ours_m3_tpe, a.optuna_m3_tpe)]:
            n = a.tpe_trials if kind == "tpe" else a.trivial
            if not theirs:
                r = run_peer("optuna-memory-tpe" if kind == "tpe" else "optuna-memory", a)
                if "skipped" in r:
                    print(f"| {label} | {kind} | {n} | – | – | skipped: {r['skipped']} |"); continue
                theirs = r["rate"]
            ratios = f"{ours / theirs:.2f}"
            if kind == "tpe" and a.ours_m3_tpe_prefetch:
                ratios += f" ({a.ours_m3_tpe_prefetch / theirs:.2f} with prefetch 16)"
            print(f"| {label} | {kind} | {n} | {theirs:.0f} | {ratios} "
                  f"| {version}; no storage, no network; import not timed; median of 3, alternating with ours |")
    for note in NOTES:
        print(f"\nnote: {note}")


if __name__ == "__main__":
    main()
