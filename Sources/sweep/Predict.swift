import ArgumentParser
import Foundation
import SweepML
import SweepRuntime

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict new rows with a refitted model (model.json from a run directory).",
        discussion: """
            Writes CSV: the prediction, and for classifiers one probability column per class. The CSV is \
            streamed \(Predict.chunkRows) rows at a time, so a file of any size takes the same memory; on a big \
            file the progress (rows, rows/s) is shown on stderr. With --out, the file appears only when every \
            row was predicted.
            """)

    static let chunkRows = 4096

    @Argument(help: "The model file (RUN_DIR/model.json).")
    var model: String

    @Argument(help: "A CSV with the model's feature columns (the target column may be absent).")
    var csv: String

    @Option(help: "Write here instead of standard output.")
    var out: String?

    func run() throws {
        guard let modelData = FileManager.default.contents(atPath: model) else {
            throw PredictError("cannot read model file \(model)")
        }
        let file = try ModelFile.decode(modelData, path: model)
        guard let handle = FileHandle(forReadingAtPath: csv) else { throw PredictError("cannot read \(csv)") }
        defer { try? handle.close() }
        let stream = try parsing { try CSVStream(handle: handle) }
        let columns = try CSVColumns(model: file, header: stream.header)
        if !columns.ignored.isEmpty {
            Console.shared.line(
                "note: ignoring columns the model does not use: \(columns.ignored.joined(separator: ", "))")
        }
        let output = try PredictOutput(path: out)
        do {
            let size = (try? FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? nil
            // Rows printed on the terminal are progress enough: a status line would garble them.
            let quiet = out == nil && isatty(STDOUT_FILENO) != 0
            var progress = CSVStreamProgress(
                started: MonotonicClock.now(), interval: Console.shared.isTTY ? 0.1 : 2,
                quiet: quiet ? .infinity : 1, totalBytes: size)
            // The header goes out with the first chunk: a file refused within its first rows writes nothing.
            var text = file.predictionHeader
            while let chunk = try parsing({ try stream.next(maxRows: Self.chunkRows) }) {
                let raw = try parsing { try columns.matrix(chunk) }
                text += file.predictionLines(file.predict(raw: raw))
                try output.write(text)
                text = ""
                let now = MonotonicClock.now()
                if let line = progress.advance(rows: chunk.count, bytes: stream.bytesRead, now: now) {
                    Console.shared.status(line)
                }
            }
            if !text.isEmpty { try output.write(text) }
            try output.finish()
            if let line = progress.finish(now: MonotonicClock.now()) {
                Console.shared.status(line)
                Console.shared.endStatus()
            }
        } catch {
            Console.shared.endStatus()
            output.abandon()
            throw error
        }
    }

    /// A CSV error (parse, or a field that is not a number), said with the file's name.
    private func parsing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CSVTable.ParseError {
            throw PredictError("\(csv) \(error)")
        } catch let error as PredictError {
            throw PredictError("\(csv) \(error)")
        } catch {
            throw PredictError("cannot read \(csv): \(error)")
        }
    }
}

/// Where predictions go: standard output as they come, or a file that appears (renamed from a
/// temporary one beside it) only when every row was predicted.
private final class PredictOutput {
    let path: String?
    let temporary: String?
    let handle: FileHandle

    init(path: String?) throws {
        self.path = path
        guard let path else {
            temporary = nil
            handle = FileHandle.standardOutput
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw PredictError("cannot write \(path)")
        }
        self.temporary = temporary
        self.handle = handle
    }

    func write(_ text: String) throws {
        do { try handle.write(contentsOf: Data(text.utf8)) } catch {
            throw PredictError("cannot write \(path ?? "standard output"): \(error)")
        }
    }

    func finish() throws {
        guard let path, let temporary else { return }
        try? handle.close()
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            abandon()
            throw PredictError("cannot write \(path): \(reason)")
        }
    }

    /// Leaves no half-written file behind.
    func abandon() {
        guard let temporary else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }
}
