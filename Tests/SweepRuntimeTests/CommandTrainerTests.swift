import Foundation
import Glibc
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// Real subprocess trainers, run the way a worker runs them (through `sweep __exec`).
struct CommandTrainerTests {
    static let launcher = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("sweep").path

    final class Progress: @unchecked Sendable {  // safe: guarded by `lock`
        let lock = NSLock()
        var reports: [(Int, [String: Double])] = []
        func add(_ step: Int, _ metrics: [String: Double]) {
            lock.lock(); reports.append((step, metrics)); lock.unlock()
        }
    }

    func run(
        _ script: String, arguments: [String] = ["sh", "train.sh", "--x={x}"], env: [String: String] = ["EXTRA": "yes"],
        params: Params = Params(["x": .int(3)]), timeout: Double = 30, gpus: [Int] = [], data: CommandData? = nil,
        cancel: CancelFlag = CancelFlag(), progress: Progress = Progress(), files: [String: String] = [:]
    ) throws -> (TaskResult, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-cmd-\(UUID().uuidString)")
        let workdir = directory.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: workdir, withIntermediateDirectories: true)
        try script.write(to: workdir.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        for (path, text) in files {  // more workdir files, e.g. "data/a.csv"
            let url = workdir.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let command = WireCommand(
            arguments: arguments, env: env, cpus: 2, gpus: gpus.count,
            objective: "score", seed: 7, timeout: timeout, data: nil, workdir: nil)
        let task = CommandTask(
            assignment: Assignment(lease: LeaseRef(trial: 4, fold: 1, attempt: 1), params: params),
            command: command, folds: 3, taskDirectory: directory.appendingPathComponent("task"),
            workdir: workdir, data: data, gpuIDs: gpus, launcher: Self.launcher, worker: "gpu-box-1", cancel: cancel,
            progress: { progress.add($0, $1) })
        return (CommandTrainer.run(task), directory.appendingPathComponent("task"))
    }

    @Test func successReportsTheLastValueOfEachMetricAndForwardsSteps() throws {
        let progress = Progress()
        let (result, _) = try run(
            """
            echo "@sweep {\\"step\\": 1, \\"score\\": 0.5}"
            echo "just a log line"
            echo "@sweep {\\"step\\": 2, \\"score\\": 0.7}"
            echo "@sweep {\\"score\\": 0.9, \\"loss\\": 0.1}"
            """, progress: progress)
        #expect(result.succeeded, "\(result.error)")
        #expect(result.metrics == ["score": 0.9, "loss": 0.1])
        #expect(progress.reports.map(\.0) == [1, 2])
    }

    @Test func theProgramSeesItsContract() throws {
        let (result, task) = try run(
            """
            {
              echo "args=$1"
              echo "params=$SWEEP_PARAMS trial=$SWEEP_TRIAL fold=$SWEEP_FOLD folds=$SWEEP_FOLDS seed=$SWEEP_SEED"
              echo "gpus=$SWEEP_GPUS cuda=$CUDA_VISIBLE_DEVICES omp=$OMP_NUM_THREADS extra=$EXTRA"
              echo "task=$SWEEP_TASK_DIR pwd=$(pwd -P)"
            } > contract.txt
            echo '{"score": 1}' > "$SWEEP_METRICS"
            """, params: Params(["x": .string("a b; rm -rf /")]), gpus: [3, 5])
        #expect(result.succeeded, "\(result.error)")
        let contract = try String(contentsOf: task.appendingPathComponent("work/contract.txt"), encoding: .utf8)
        // The placeholder value stays one argument, never split or interpreted.
        #expect(contract.contains("args=--x=a b; rm -rf /\n"))
        #expect(contract.contains("params={\"x\": \"a b; rm -rf /\"} trial=4 fold=1 folds=3 seed=7"))
        #expect(contract.contains("gpus=3,5 cuda=3,5 omp=2 extra=yes"))
        let work = task.appendingPathComponent("work")
        #expect(contract.contains("task=\(work.path) pwd=\(work.resolvingSymlinksInPath().path)"))
    }

    @Test func foldDataArrivesAsTrainingAndValidationCSV() throws {
        let data = try CommandData(
            csv: "a,label\n1,x\n2,y\n3,x\n\"4,5\",y\n",
            plan: FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[0, 1, 0, 1]]))
        let (result, task) = try run(
            """
            echo "@sweep {\\"score\\": $(($(wc -l < "$SWEEP_VALID_CSV") - 1))}"
            """, data: data)
        #expect(result.metrics["score"] == 2)
        #expect(
            try String(contentsOf: task.appendingPathComponent("sweep/valid.csv"), encoding: .utf8)
                == "a,label\n2,y\n\"4,5\",y\n")
        #expect(
            try String(contentsOf: task.appendingPathComponent("sweep/train.csv"), encoding: .utf8)
                == "a,label\n1,x\n3,x\n")
    }

    @Test func aNonZeroExitFailsWithTheStatusAndTheLast50LinesOfStderr() throws {
        let (result, task) = try run(
            """
            for i in $(seq 1 60); do echo "line $i" >&2; done
            exit 3
            """)
        #expect(!result.succeeded)
        #expect(result.error == "exited with status 3")
        let lines = result.log.split(separator: "\n")
        #expect(lines.count == 50)
        #expect(lines.first == "line 11" && lines.last == "line 60")
        #expect(
            try String(contentsOf: task.appendingPathComponent("sweep/stderr.log"), encoding: .utf8).contains(
                "line 1\n"))
    }

    @Test func exitZeroWithoutTheObjectiveIsAFailureNamedPlainly() throws {
        let (result, _) = try run(
            """
            echo '@sweep {"accuracy": 0.9}'
            echo '@sweep {not json}'
            echo '@sweep {"score": true}'
            """)
        #expect(!result.succeeded)
        #expect(
            result.error.hasPrefix(
                "exited 0 but never reported metric 'score'; ignored 2 malformed metric reports (first: {not json}"))
    }

    @Test func aSignalIsNamed() throws {
        let (result, _) = try run("kill -SEGV $$")
        #expect(result.error == "killed by signal 11 (SIGSEGV)")
    }

    @Test func aMissingProgramIsAFailureNotACrash() throws {
        let (result, _) = try run("exec no-such-program-anywhere")
        #expect(!result.succeeded)
        #expect(result.error == "exited with status 127")
        #expect(result.log.contains("no-such-program-anywhere"))
    }

    @Test func aProgramNotOnThePathIsNamedWithTheWorkerAndThePath() throws {
        let (result, task) = try run(
            "exit 0", arguments: ["no-such-trainer", "{x}"], env: ["PATH": "/usr/local/bin:/usr/bin:/bin"])
        #expect(!result.succeeded)
        #expect(
            result.error
                == "command not found: 'no-such-trainer' on worker gpu-box-1 (PATH=/usr/local/bin:/usr/bin:/bin)")
        #expect(CommandProblem.isUnrunnable(result.error))
        #expect(FileManager.default.fileExists(atPath: task.path), "the task directory was prepared first")
    }

    @Test func aMissingFileInTheWorkdirIsNamed() throws {
        let (result, _) = try run("exit 0", arguments: ["./train.py"])
        #expect(
            result.error == "command not found: './train.py' on worker gpu-box-1 "
                + "(no such file in the task directory, which holds the workdir's files)")
        #expect(CommandProblem.isUnrunnable(result.error))
    }

    @Test func aScriptWithoutItsExecutableBitIsNamed() throws {
        let (result, task) = try run("echo '@sweep {\"score\": 1}'", arguments: ["./train.sh"])
        #expect(
            result.error
                == "command not executable: './train.sh' on worker gpu-box-1 (\(task.path)/work/train.sh is not executable, "
                + "mode 644: make it executable (chmod +x) or put its interpreter first in trainer.command)")
        #expect(CommandProblem.isUnrunnable(result.error))
    }

    @Test func aDirectoryOnThePathIsNotAProgram() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("trainer"), withIntermediateDirectories: true)
        let (result, _) = try run("exit 0", arguments: ["trainer"], env: ["PATH": directory.path])
        #expect(
            result.error
                == "command not executable: 'trainer' on worker gpu-box-1 (\(directory.path)/trainer is a directory)")
        let (absolute, _) = try run("exit 0", arguments: [directory.appendingPathComponent("nothing").path])
        #expect(absolute.error == "command not found: '\(directory.path)/nothing' on worker gpu-box-1 (no such file)")
    }

    @Test func anExecutableFoundLaterOnThePathRuns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-path-\(UUID().uuidString)")
        let first = directory.appendingPathComponent("first"), second = directory.appendingPathComponent("second")
        for bin in [first, second] {
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        }
        let script = "#!/bin/sh\necho '@sweep {\"score\": 2}'\n"
        // Not executable: written without the x bit.
        try script.write(to: first.appendingPathComponent("trainer"), atomically: true, encoding: .utf8)
        try script.write(to: second.appendingPathComponent("trainer"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: second.appendingPathComponent("trainer").path)
        let (result, _) = try run(
            "exit 0", arguments: ["trainer"], env: ["PATH": "\(first.path):\(second.path):/usr/bin:/bin"])
        #expect(result.succeeded, "\(result.error)")
        #expect(result.metrics["score"] == 2)
    }

    /// A program still open for writing somewhere (a process another thread forked while the file
    /// was being written holds it until its own exec) cannot be executed for a moment ("Text file
    /// busy"): the start is tried again meanwhile instead of failing the attempt.
    @Test func aProgramBusyForAMomentStillStarts() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-busy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let program = directory.appendingPathComponent("trainer").path
        let descriptor = open(program, O_WRONLY | O_CREAT | O_CLOEXEC, 0o755)
        #expect(descriptor >= 0)
        let script = "#!/bin/sh\necho '@sweep {\"score\": 5}'\n"
        _ = script.withCString { write(descriptor, $0, strlen($0)) }
        Thread.detachNewThread {  // the moment: the program's start finds it busy, then it is closed
            usleep(50_000)
            close(descriptor)
        }
        let (result, _) = try run("exit 0", arguments: [program])
        #expect(result.succeeded, "\(result.error): \(result.log)")
        #expect(result.metrics["score"] == 5)
    }

    @Test func theTimeoutStopsTheProgramAndEverythingItStarted() throws {
        let (result, task) = try run(
            """
            sleep 300 &
            echo $! > child.pid
            sleep 300
            """, timeout: 0.5)
        #expect(result.error.hasPrefix("timed out after 0.5 s"))
        let pid = try #require(
            pid_t(
                String(contentsOf: task.appendingPathComponent("work/child.pid"), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(awaitDeath(pid), "the background child \(pid) survived the task")
        #expect(result.duration < 5, "SIGTERM should end it well before the SIGKILL grace")
    }

    @Test func nothingTheProgramStartedOutlivesItsSuccess() throws {
        let (result, task) = try run(
            """
            sleep 300 &
            echo $! > child.pid
            echo '@sweep {"score": 1}'
            """)
        #expect(result.succeeded)
        let pid = try #require(
            pid_t(
                String(contentsOf: task.appendingPathComponent("work/child.pid"), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(awaitDeath(pid), "an orphan \(pid) survived the task")
    }

    @Test func aProgramThatIgnoresSIGTERMIsKilled() throws {
        let (result, _) = try run(
            """
            trap '' TERM
            while true; do sleep 0.05; done
            """, timeout: 0.2)
        #expect(result.error.hasPrefix("timed out"))
        #expect(result.duration >= CommandTrainer.stopGrace)
    }

    @Test func cancellationStopsTheProgramWithinASecond() throws {
        let cancel = CancelFlag()
        let started = MonotonicClock.now()
        let progress = Progress()
        // Cancel once the program has reported that it runs (polling a flag, bounded by the test).
        let watcher = Thread {
            while progress.lock.withLock({ progress.reports.isEmpty }) { usleep(1000) }
            cancel.set()
        }
        watcher.start()
        // The child's pid is written before the report that triggers the cancel, so it is there
        // to check however soon the cancel lands.
        let (result, task) = try run(
            """
            sleep 300 &
            echo $! > child.pid
            echo '@sweep {"step": 1, "score": 0}'
            wait
            """, cancel: cancel, progress: progress)
        #expect(result.error == "cancelled by the coordinator")
        #expect(MonotonicClock.now() - started < 5)
        let pid = try #require(
            pid_t(
                String(contentsOf: task.appendingPathComponent("work/child.pid"), encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(awaitDeath(pid), "the background child survived cancellation")
    }
}

/// True once `pid` is gone or a zombie (signals are delivered asynchronously; bounded wait).
func awaitDeath(_ pid: pid_t, within seconds: Double = 3) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(close, offsetBy: 2)]
        if state == "Z" || state == "X" { return true }
        usleep(5_000)
    }
    return false
}
