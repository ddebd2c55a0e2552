import Foundation
import GRDB
import Glibc

extension FaultCampaign {
    /// Ends every process the campaign started (workers by SIGTERM, as an operator would) and
    /// collects the evidence the checker judges.
    func finish(status: Int32?) -> CampaignEvidence {
        var evidence = CampaignEvidence()
        evidence.coordinatorExit = status
        disturb([nil], from: now)  // results after the sweep's end (or the bound) go nowhere
        evidence.disturbances = disturbances
        evidence.finished = finishedAttempts()
        evidence.elapsed = elapsed
        evidence.bound = bound
        evidence.driverProblems = problems
        evidence.progressRowsAtKill = progressRowsAtKill
        evidence.progressRowsAtEnd = progressRows()
        if status == nil { coordinator.stop() }
        for host in cutHosts { hosts?.heal(host) }
        for worker in workers { worker.process.signal(SIGCONT) }
        let named = extras.map { ("extra worker of fault \($0.key)", $0.value) } + workers.map { ($0.name, $0.process) }
        for (name, process) in named where process.process.isRunning {
            let pid = process.process.processIdentifier
            process.signal(SIGTERM)
            if process.awaitExit(timeout: 15) == nil {
                evidence.stubbornWorkers.append(
                    "\(name) (pid \(pid)) still ran 15 s after SIGTERM (killed); its last words: \(process.stderrLines.suffix(2).joined(separator: " | "))"
                )
                process.stop()
            }
        }
        evidence.supersedes = coordinators.reduce(0) { $0 + $1.stderrLines.filter { $0.contains("superseded") }.count }
        evidence.allowedSupersedes = restarts
        evidence.leftovers = leftovers()
        evidence.cacheProblems = cacheDirectories.flatMap { verifyCache($0) }
        let taskDirectories = cacheDirectories.reduce(0) {
            $0
                + ((try? FileManager.default.contentsOfDirectory(atPath: $1.appendingPathComponent("tasks").path))?
                    .count ?? 0)
        }
        let dispatches = (try? RunBook(out).count("SELECT count(*) FROM attempts")) ?? -1
        evidence.observations = [
            "\(dispatches) dispatches for \(plan.tasks) tasks", "\(taskDirectories) task directories left in caches",
        ]
        do {
            try readBooks(into: &evidence)
        } catch {
            evidence.driverProblems.append("cannot read the run directory \(out.path): \(error)")
        }
        return evidence
    }

    /// Trainers and their children that still run (waiting a little: death signals are async),
    /// and sweep processes the campaign started that still run.
    func leftovers() -> [String] {
        let deadline = Date().addingTimeInterval(10)
        var alive: [String] = []
        repeat {
            alive = aliveTrainerProcesses()
            if alive.isEmpty { break }
            usleep(200_000)
        } while Date() < deadline
        let sweeps = allProcesses.filter(\.process.isRunning).map { "sweep process \($0.process.processIdentifier)" }
        // Leave nothing behind for the next seed either.
        for line in alive { if let pid = Int32(line.split(separator: " ")[1]) { kill(pid, SIGKILL) } }
        return alive + sweeps
    }

    /// `pid N (what task) alive, parent P` for every recorded pid still alive with the recorded start time.
    func aliveTrainerProcesses() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: project.pids.path)) ?? []
        return files.sorted().compactMap { name -> String? in
            guard
                let record = try? String(
                    contentsOfFile: project.pids.appendingPathComponent(name).path, encoding: .utf8),
                let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let fields = stat.split(separator: ")").last?.split(separator: " "), fields.count > 19
            else { return nil }
            let parts = record.split(separator: " ")
            guard parts.count >= 3, fields[0] != "Z", String(fields[19]) == String(parts[0]) else { return nil }
            return
                "pid \(name) (\(parts[1]) of task \(parts[2].trimmingCharacters(in: .whitespacesAndNewlines))) alive, parent \(fields[1])"
        }
    }

    /// The attempts whose trainer wrote its `done-T-F-A` marker (see the trainer).
    func finishedAttempts() -> [FinishedAttempt] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: project.pids.path)) ?? []
        return files.filter { $0.hasPrefix("done-") }.compactMap { name in
            let numbers = name.dropFirst(5).split(separator: "-").compactMap { Int($0) }
            guard numbers.count == 3,
                let text = try? String(contentsOfFile: project.pids.appendingPathComponent(name).path, encoding: .utf8)
            else { return nil }
            let parts = text.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, let at = Double(parts[0]) else { return nil }
            let place = parts[2].split(separator: "/").first { $0.hasPrefix("cache-") }.map(String.init) ?? "?"
            return FinishedAttempt(
                task: TaskKey(trial: numbers[0], fold: numbers[1]), attempt: numbers[2], at: at, kind: parts[1],
                place: place)
        }
    }

    /// Every cached blob's SHA-256 is its name; every unpacked workdir holds exactly the shipped files.
    func verifyCache(_ cache: URL) -> [String] {
        var problems: [String] = []
        let blobs = cache.appendingPathComponent("blobs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: blobs.path)) ?? []
        if !names.isEmpty,
            let sums = try? FinishedCommandAt("/usr/bin/sha256sum", names.map { blobs.appendingPathComponent($0).path })
        {
            for line in sums.stdout.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let file = URL(fileURLWithPath: parts[1].trimmingCharacters(in: .whitespaces)).lastPathComponent
                if file != parts[0] {
                    problems.append(
                        "\(cache.lastPathComponent)/blobs/\(file.prefix(12))… has SHA-256 \(parts[0].prefix(12))…")
                }
            }
        }
        let code = root.appendingPathComponent("code")
        let shipped = Set((try? FileManager.default.contentsOfDirectory(atPath: code.path)) ?? [])
        let workdirs = cache.appendingPathComponent("workdirs")
        for workdir in (try? FileManager.default.contentsOfDirectory(atPath: workdirs.path)) ?? [] {
            let directory = workdirs.appendingPathComponent(workdir)
            let files = Set((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            if files != shipped {
                problems.append(
                    "\(cache.lastPathComponent)/workdirs/\(workdir.prefix(12))… holds \(files.sorted()), shipped \(shipped.sorted())"
                )
            }
            for file in files.intersection(shipped)
            where !FileManager.default.contentsEqual(
                atPath: directory.appendingPathComponent(file).path, andPath: code.appendingPathComponent(file).path)
            {
                problems.append(
                    "\(cache.lastPathComponent)/workdirs/\(workdir.prefix(12))…/\(file) differs from the shipped file")
            }
        }
        return problems
    }

    /// run.db's trials and counted results, results.csv and best.json.
    func readBooks(into evidence: inout CampaignEvidence) throws {
        let book = try RunBook(out)
        try book.queue.read { db in
            for row in try Row.fetchAll(db, sql: "SELECT trial, params_json FROM trials") {
                let json = try JSONSerialization.jsonObject(with: Data((row["params_json"] as String).utf8))
                evidence.trialX[row["trial"]] = ((json as? [String: Any])?["x"] as? NSNumber)?.intValue
            }
            for row in try Row.fetchAll(db, sql: "SELECT trial, fold, attempt FROM results") {
                evidence.resultAttempts.insert("\(row["trial"] as Int)/\(row["fold"] as Int)/\(row["attempt"] as Int)")
            }
            let sql = """
                SELECT trial, fold, attempt, worker, status, metrics_json, coalesce(error, '') AS error
                FROM results WHERE counted = 1
                """
            evidence.counted = try Row.fetchAll(db, sql: sql).map { row in
                let json = try? JSONSerialization.jsonObject(with: Data((row["metrics_json"] as String).utf8))
                let metrics = ((json as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
                return CampaignResult(
                    trial: row["trial"], fold: row["fold"], attempt: row["attempt"], worker: row["worker"],
                    status: row["status"], metrics: metrics, error: row["error"])
            }
        }
        let text = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8)
        evidence.csv = CampaignCSV.rows(text).map { row in
            CampaignResult(
                trial: Int(row["trial"] ?? "") ?? -1, fold: Int(row["fold"] ?? "") ?? -1,
                attempt: Int(row["attempt"] ?? "") ?? -1, worker: row["worker"] ?? "", status: row["status"] ?? "",
                metrics: ["value": Double(row["value"] ?? "")].compactMapValues { $0 }, error: row["error"] ?? "")
        }
        if let data = try? Data(contentsOf: out.appendingPathComponent("best.json")),
            let best = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            evidence.bestTrial = (best["trial"] as? NSNumber)?.intValue
            evidence.bestMean = (best["mean"] as? NSNumber)?.doubleValue
        }
    }
}

/// results.csv as dictionaries, with quoted fields (errors hold commas) read as one.
enum CampaignCSV {
    static func rows(_ text: String) -> [[String: String]] {
        var records = parse(text)
        guard !records.isEmpty else { return [] }
        let header = records.removeFirst()
        return records.filter { $0 != [""] }.map { Dictionary(zip(header, $0), uniquingKeysWith: { a, _ in a }) }
    }

    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], fields: [String] = [], field = "", quoted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field); field = ""
            } else if character == "\n" {
                fields.append(field); records.append(fields); fields = []; field = ""
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); records.append(fields) }
        return records
    }
}
