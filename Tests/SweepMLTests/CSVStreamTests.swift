import Foundation
import Testing

@testable import SweepCore
@testable import SweepML

/// The streamed CSV reader agrees with `CSVTable` on every file, whatever the block size
/// (a record, a quote or a CRLF may straddle two blocks), and its errors name the line.
struct CSVStreamTests {
    static let texts = [
        "a,b\n1,2\n3,4\n",
        "a,b\r\n1,2\r\n3,4",
        " a , b\n\n1,2\n\n\n3,4\n\n",
        "name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\n\"two\nlines\",x\n",
        "a,b\r\n\"x\r\ny\",\"\"\r\n,\r\n",
        "é,ü\nça,日本\n",
        "a\n\"\"\n1\n",
    ]

    static func streamed(_ text: String, blockSize: Int, rows: Int) throws -> ([String], [[String]], [Int]) {
        let stream = try CSVStream(text: text, blockSize: blockSize)
        var all = CSVStream.Chunk()
        while let chunk = try stream.next(maxRows: rows) {
            #expect(chunk.count <= rows && chunk.count > 0)
            all.rows += chunk.rows
            all.lineNumbers += chunk.lineNumbers
        }
        #expect(stream.bytesRead == text.utf8.count)
        return (stream.header, all.rows, all.lineNumbers)
    }

    @Test(arguments: texts)
    func streamingReadsWhatTheWholeFileParserReads(_ text: String) throws {
        let table = try CSVTable(parsing: text)
        for blockSize in [1, 2, 3, 7, 1 << 16] {
            for rows in [1, 2, 4096] {
                let (header, rows, lines) = try Self.streamed(text, blockSize: blockSize, rows: rows)
                #expect(header == table.header)
                #expect(rows == table.rows, "block \(blockSize)")
                #expect(lines == table.lineNumbers)
            }
        }
    }

    @Test(arguments: [
        ("", "line 1: the file is empty; expected a header row"),
        ("a,b\n1,2\n\"3,4\n", "line 3: a quoted field is never closed"),
        ("a,b\n1,2\n3\n", "line 3: has 1 fields, the header has 2"),
        ("a,b\n1,2\n\"3\"x,4\n", "line 3: unexpected text after a closing quote"),
        ("a,b\r\n1,2\r\n\"x\ny\",1\r\n5,6,7\r\n", "line 5: has 3 fields, the header has 2"),
    ])
    func malformedFilesAreRefusedWithTheLineAsTheWholeFileParserSaysIt(_ text: String, _ message: String) throws {
        for blockSize in [1, 5, 1 << 16] {
            #expect(throws: CSVTable.ParseError.self) { _ = try Self.streamed(text, blockSize: blockSize, rows: 2) }
            do {
                _ = try Self.streamed(text, blockSize: blockSize, rows: 2)
            } catch {
                #expect("\(error)" == message)
            }
        }
        do {
            _ = try CSVTable(parsing: text)
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func aRowLongerThanTheBoundIsRefusedNotReadIntoMemory() throws {
        let text = "a,b\n1,2\n\"open," + String(repeating: "x", count: 5000) + "\n"
        let stream = try CSVStream(text: text, blockSize: 64, maxRecordBytes: 1 << 20)
        #expect(try stream.next(maxRows: 1)?.rows == [["1", "2"]])
        #expect(throws: CSVTable.ParseError(line: 3, message: "a quoted field is never closed")) {
            try stream.next(maxRows: 1)
        }
        let small = try CSVStream(text: text, blockSize: 64, maxRecordBytes: 1000)
        #expect(try small.next(maxRows: 1)?.rows == [["1", "2"]])
        #expect(
            throws: CSVTable.ParseError(
                line: 3, message: "a row longer than 1000 bytes starts here (is a quoted field left open?)")
        ) { try small.next(maxRows: 1) }
        #expect(small.bytesRead < 1200, "it stopped reading at the bound")
    }

    func model(classification: Bool) throws -> ModelFile {
        var generator = SeededGenerator(seed: 5)
        let colours = ["red", "green", "blue"]
        let rows = (0..<60).map { row -> String in
            let a = generator.unit() * 4
            let colour = colours[row % 3]
            let y = classification ? (a > 2 || colour == "red" ? "hi" : "lo") : "\(3 * a + (colour == "red" ? 1 : 0))"
            return "\(a),\(colour),\(y)"
        }
        let data = try Dataset(
            csv: try CSVTable(parsing: "a,colour,y\n" + rows.joined(separator: "\n")), target: "y",
            classification: classification)
        return try ModelFile.refit(
            model: builtin(classification ? "logistic_regression" : "ridge"), params: Params([:]), dataset: data,
            targetName: "y")
    }

    @Test(arguments: [true, false])
    func streamedPredictionsEqualTheWholeFilePredictions(_ classification: Bool) throws {
        let file = try model(classification: classification)
        let text = "colour,extra,a\r\nred,1,0.5\r\n\"blue\",2,\"3.5\"\r\npurple,3,NA\r\n,4,1\r\ngreen,5,2\r\n"
        let (whole, ignored) = try file.predict(try CSVTable(parsing: text))
        let stream = try CSVStream(text: text, blockSize: 4)
        let columns = try CSVColumns(model: file, header: stream.header)
        #expect(columns.ignored == ignored)
        var lines = file.predictionHeader
        while let chunk = try stream.next(maxRows: 2) {
            lines += file.predictionLines(file.predict(raw: try columns.matrix(chunk)))
        }
        #expect(lines == file.predictionHeader + file.predictionLines(whole))
        #expect(lines.split(separator: "\n").count == 6)
        #expect(file.predictionHeader == (classification ? "prediction,proba_hi,proba_lo\n" : "prediction\n"))
    }

    @Test func aMissingColumnOrANonNumberIsNamedAsBefore() throws {
        let file = try model(classification: false)
        #expect(
            throws: PredictError(
                "the CSV lacks 1 of the model's 2 feature columns: colour (the model expects: a, colour)")
        ) { try CSVColumns(model: file, header: ["a", "b"]) }
        let stream = try CSVStream(text: "a,colour\n1,red\n\n\"x\",red\n")
        let columns = try CSVColumns(model: file, header: stream.header)
        let chunk = try #require(try stream.next(maxRows: 10))
        #expect(throws: PredictError("line 4, column 'a': 'x' is not a number")) { try columns.matrix(chunk) }
    }

    @Test func progressIsQuietOnSmallFilesThenEveryIntervalAndEndsWithATotal() {
        var progress = CSVStreamProgress(started: 100, interval: 2, quiet: 1, totalBytes: 1000)
        #expect(progress.advance(rows: 4096, bytes: 100, now: 100.5) == nil)
        #expect(progress.finish(now: 100.6) == nil, "a file done within a second says nothing")
        #expect(
            progress.advance(rows: 4096, bytes: 250, now: 102)
                == "[sweep] predicted 8192 rows (25%) · 4096 rows/s · 2 s")
        #expect(progress.advance(rows: 4096, bytes: 400, now: 103) == nil)
        #expect(progress.advance(rows: 4096, bytes: 500, now: 104) != nil)
        #expect(progress.finish(now: 108) == "[sweep] predicted 16384 rows in 8 s · 2048 rows/s")
    }
}
