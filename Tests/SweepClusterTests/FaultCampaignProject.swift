import Foundation

/// The campaign's sweep on disk: a command trainer (python3) whose value for a task is known from
/// its parameters (`value = x * 100 + fold`), a data file whose folds it checks (`overlap`, `rows`,
/// `idsum`), and the plan's misbehaviour table in the workdir, so every attempt does what the
/// plan says and the checker knows what to expect.
struct FaultCampaignProject {
    static let dataRows = 40
    static let expectedIDSum = Double((0..<dataRows).reduce(0, +))

    let directory: URL
    let pids: URL
    let badBin: URL

    /// The right value of a task.
    static func value(x: Int, fold: Int) -> Double { Double(x * 100 + fold) }

    init(plan: FaultPlan, directory: URL) throws {
        self.directory = directory
        pids = directory.appendingPathComponent("pids")
        badBin = directory.appendingPathComponent("badbin")
        let code = directory.appendingPathComponent("code")
        for url in [code, pids, badBin] {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        try Self.trainer.write(to: code.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
        try plan.misbehaviourTable.write(to: code.appendingPathComponent("plan.txt"), atomically: true, encoding: .utf8)
        if plan.workdirDecoy {
            try "id,f,label\n999,0,even\n".write(
                to: code.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        }
        let rows = (0..<Self.dataRows).map { "\($0),\($0 * 7 % 13),\($0 % 2 == 0 ? "even" : "odd")" }
        try ("id,f,label\n" + rows.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        try spec(plan).write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        // A misconfigured host: its python3 fails at once.
        let broken = badBin.appendingPathComponent("python3")
        try "#!/bin/sh\necho 'python3: broken installation (campaign)' >&2\nexit 1\n".write(
            to: broken, atomically: true, encoding: .utf8)
        chmod(broken.path, 0o755)
    }

    func spec(_ plan: FaultPlan) -> String {
        """
        name: campaign
        data: {path: data.csv, target: label, task: classification}
        cv: {folds: \(plan.folds)}
        trainer:
          command: [python3, train.py, "{x}"]
          workdir: code
          env: {CAMPAIGN_PIDS: "\(pids.path)", CAMPAIGN_SLEEP: "0.5"}
        search: {algorithm: grid}
        space: {x: {int: [1, \(plan.trials)]}}
        objective: {metric: value, goal: maximize}
        limits: {max_attempts: \(plan.maxAttempts), task_timeout: 20s}
        """
    }

    /// The program. It records its pid (and its children's) with their start times in
    /// $CAMPAIGN_PIDS, so the checker can tell a leftover from a reused pid.
    static let trainer = #"""
        import json, os, signal, subprocess, sys, time
        x = int(sys.argv[1])
        trial, fold, attempt = (int(os.environ[k]) for k in ("SWEEP_TRIAL", "SWEEP_FOLD", "SWEEP_ATTEMPT"))
        where = f"{trial}/{fold}/{attempt}"

        def record(pid, what):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    start = f.read().rsplit(")", 1)[1].split()[19]
            except OSError:
                return
            with open(os.path.join(os.environ["CAMPAIGN_PIDS"], str(pid)), "w") as f:
                f.write(f"{start} {what} {where}\n")

        record(os.getpid(), "trainer")
        kind = "none"
        for line in open("plan.txt"):
            parts = line.split()
            if len(parts) == 4 and (int(parts[0]), int(parts[1]), int(parts[2])) == (trial, fold, attempt):
                kind = parts[3]

        def ids(path):
            return [int(row.split(",")[0]) for row in open(path).read().splitlines()[1:] if row]

        train, valid = ids(os.environ["SWEEP_TRAIN_CSV"]), ids(os.environ["SWEEP_VALID_CSV"])
        value = x * 100 + fold
        final = {"value": value, "overlap": len(set(train) & set(valid)), "rows": len(train) + len(valid),
                 "idsum": sum(set(train) | set(valid))}

        def report(metrics):
            print("@sweep " + json.dumps(metrics), flush=True)

        print(f"campaign task {where} x={x} misbehaviour={kind}", file=sys.stderr, flush=True)
        report({"step": 1, "value": value / 2})
        time.sleep(float(os.environ.get("CAMPAIGN_SLEEP", "0.2")))
        if kind == "floodStdout":
            for _ in range(3000):
                sys.stdout.write("log " + "x" * 1000 + "\n")
            sys.stdout.write("y" * 1_000_000 + "\n")
            sys.stdout.flush()
        elif kind == "floodStderr":
            for step in range(50):
                sys.stderr.write(("\r" + "#" * 300) * 100 + f" {step}\n")
            sys.stderr.flush()
        elif kind == "hugeMetricName":
            final["m" * 300] = 1.0
        elif kind == "stepInMetricsFile":
            with open(os.environ["SWEEP_METRICS"], "a") as f:
                f.write(json.dumps({"step": 100, "value": -1}) + "\n")
        elif kind == "exitCode":
            report(final)
            sys.exit(3)
        elif kind == "signal":
            report(final)
            os.kill(os.getpid(), signal.SIGKILL)
        elif kind == "silentExit":
            sys.exit(0)
        elif kind == "wrongThenCrash":
            report({"value": -1, "overlap": 0, "rows": 0, "idsum": 0})
            sys.exit(2)
        elif kind == "ignoreTerm":
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            time.sleep(1.5)
        elif kind in ("forkChild", "forkDaemon"):
            child = subprocess.Popen(["sleep", "300"], start_new_session=(kind == "forkDaemon"))
            record(child.pid, kind)
            time.sleep(1.5)
        elif kind == "hang":
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            time.sleep(600)
        report(final)
        # A finished attempt: its result must reach run.db unless a fault hit its worker just then.
        with open(os.path.join(os.environ["CAMPAIGN_PIDS"], f"done-{trial}-{fold}-{attempt}"), "w") as f:
            f.write(f"{time.time()} {kind} {os.getcwd()}\n")
        """#
}
