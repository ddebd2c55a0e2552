import Foundation

/// A CSV file read a chunk of rows at a time, so that predicting a file of any size takes the
/// same memory: the rules of `CSVTable` (RFC 4180: commas, quotes, CRLF or LF, blank lines
/// skipped, every row as wide as the header) and its errors, each naming the line.
public final class CSVStream {
    /// Some consecutive rows of the file and the line each starts on.
    public struct Chunk: Sendable {
        public var rows: [[String]] = []
        public var lineNumbers: [Int] = []
        public var count: Int { rows.count }
    }

    /// The header row, trimmed of spaces.
    public private(set) var header: [String] = []
    /// Bytes of the file consumed so far (for progress).
    public private(set) var bytesRead = 0
    /// A row longer than this is refused: an unclosed quote must not read the whole file into one field.
    public let maxRecordBytes: Int

    private let source: () throws -> Data?
    private var block: [UInt8] = []
    private var position = 0
    private var finished = false
    private var ready = Chunk()
    private var parser = RecordParser()

    /// Reads from `source`, which returns the next block of the file, or nil (or empty) at its end.
    public init(maxRecordBytes: Int = 16 << 20, source: @escaping () throws -> Data?) throws {
        self.maxRecordBytes = maxRecordBytes
        self.source = source
        try fill(upTo: 1)
        guard ready.count > 0 else {
            throw CSVTable.ParseError(line: 1, message: "the file is empty; expected a header row")
        }
        header = ready.rows.removeFirst().map { $0.trimmingSpaces() }
        ready.lineNumbers.removeFirst()
    }

    /// Reads an open file in blocks of `blockSize` bytes.
    public convenience init(handle: FileHandle, blockSize: Int = 1 << 20, maxRecordBytes: Int = 16 << 20) throws {
        try self.init(maxRecordBytes: maxRecordBytes) { try handle.read(upToCount: blockSize) }
    }

    /// Reads text already in memory, `blockSize` bytes at a time (tests use tiny blocks).
    public convenience init(text: String, blockSize: Int = 1 << 16, maxRecordBytes: Int = 16 << 20) throws {
        let bytes = Data(text.utf8)
        var offset = 0
        try self.init(maxRecordBytes: maxRecordBytes) {
            defer { offset = min(bytes.count, offset + blockSize) }
            return offset < bytes.count ? bytes.subdata(in: offset..<min(bytes.count, offset + blockSize)) : nil
        }
    }

    /// The next rows, at most `maxRows` of them; nil at the end of the file.
    public func next(maxRows: Int) throws -> Chunk? {
        try fill(upTo: maxRows)
        guard ready.count > 0 else { return nil }
        if ready.count <= maxRows {
            defer { ready = Chunk() }
            return ready
        }
        let chunk = Chunk(
            rows: Array(ready.rows.prefix(maxRows)), lineNumbers: Array(ready.lineNumbers.prefix(maxRows)))
        ready.rows.removeFirst(maxRows)
        ready.lineNumbers.removeFirst(maxRows)
        return chunk
    }

    /// Parses until `ready` holds `count` rows or the file ends.
    private func fill(upTo count: Int) throws {
        while ready.count < count && !finished {
            if position == block.count {
                guard let data = try source(), !data.isEmpty else {
                    finished = true
                    if let record = try parser.finish() { try accept(record) }
                    return
                }
                block = [UInt8](data)
                position = 0
            }
            while position < block.count && ready.count < count {
                let byte = block[position]
                position += 1
                bytesRead += 1
                if let record = try parser.consume(byte) { try accept(record) }
                if parser.recordBytes > maxRecordBytes {
                    throw CSVTable.ParseError(
                        line: parser.recordLine,
                        message:
                            "a row longer than \(maxRecordBytes) bytes starts here (is a quoted field left open?)")
                }
            }
        }
    }

    private func accept(_ record: (fields: [String], line: Int)) throws {
        if !header.isEmpty && record.fields.count != header.count {
            throw CSVTable.ParseError(
                line: record.line, message: "has \(record.fields.count) fields, the header has \(header.count)")
        }
        ready.rows.append(record.fields)
        ready.lineNumbers.append(record.line)
    }
}

/// The CSV grammar of `CSVTable`, one byte at a time: the bytes that give it structure are
/// ASCII, so UTF-8 text passes through untouched.
struct RecordParser {
    private var field: [UInt8] = []
    private var record: [String] = []
    private var inQuotes = false, afterQuote = false
    /// A quote seen inside a quoted field: the next byte says whether it was escaped or closing.
    private var quotePending = false
    private var line = 1
    private(set) var recordLine = 1
    private(set) var recordBytes = 0

    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
    private static let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    /// The bytes at the file's start while they may still be a UTF-8 byte-order mark (which Excel
    /// writes and which is not part of the first column's name); nil once that is decided.
    private var leading: [UInt8]? = []
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Takes one byte; returns a record when this byte ended one (blank lines make none).
    mutating func consume(_ byte: UInt8) throws(CSVTable.ParseError) -> (fields: [String], line: Int)? {
        guard var bytes = leading else { return try consumeByte(byte) }
        bytes.append(byte)
        if Self.byteOrderMark.starts(with: bytes) {
            leading = bytes.count == Self.byteOrderMark.count ? nil : bytes
            return nil
        }
        leading = nil
        return try replay(bytes)
    }

    /// Feeds held bytes that turned out not to be a byte-order mark; a record they end is returned.
    private mutating func replay(_ bytes: [UInt8]) throws(CSVTable.ParseError) -> (fields: [String], line: Int)? {
        var ended: (fields: [String], line: Int)? = nil
        for byte in bytes { if let record = try consumeByte(byte) { ended = record } }
        return ended
    }

    private mutating func consumeByte(_ byte: UInt8) throws(CSVTable.ParseError) -> (fields: [String], line: Int)? {
        recordBytes += 1
        if quotePending {
            quotePending = false
            if byte == Self.quote {
                field.append(byte)
                return nil
            }
            inQuotes = false
            afterQuote = true
        }
        if inQuotes {
            if byte == Self.quote {
                quotePending = true
            } else {
                if byte == Self.newline { line += 1 }
                field.append(byte)
            }
            return nil
        }
        switch byte {
        case Self.comma:
            endField()
            afterQuote = false
        case Self.newline:
            let record = endRecord()
            afterQuote = false
            line += 1
            recordLine = line
            return record
        case Self.carriageReturn:
            break
        case Self.quote where field.isEmpty && !afterQuote:
            inQuotes = true
        default:
            if afterQuote { throw CSVTable.ParseError(line: line, message: "unexpected text after a closing quote") }
            field.append(byte)
        }
        return nil
    }

    /// The end of the file: the last record, if it has no newline after it.
    mutating func finish() throws(CSVTable.ParseError) -> (fields: [String], line: Int)? {
        if let bytes = leading {  // a file shorter than a byte-order mark, that starts like one
            leading = nil
            _ = try replay(bytes)  // no newline among them: no record ends here
        }
        if quotePending { inQuotes = false }
        if inQuotes { throw CSVTable.ParseError(line: recordLine, message: "a quoted field is never closed") }
        guard !field.isEmpty || !record.isEmpty else { return nil }
        return endRecord()
    }

    private mutating func endField() {
        record.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord() -> (fields: [String], line: Int)? {
        endField()
        defer {
            record = []
            recordBytes = 0
        }
        return record.count == 1 && record[0].isEmpty ? nil : (record, recordLine)
    }
}
