/// A CSV file split into a header and rows of fields (RFC 4180: commas, quotes, CRLF or LF).
public struct CSVTable: Sendable {
    public let header: [String]
    public let rows: [[String]]
    /// The file line on which each row starts, for error messages.
    public let lineNumbers: [Int]

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public init(parsing text: String) throws(ParseError) {
        var records: [[String]] = []
        var lines: [Int] = []
        var field = "", record: [String] = []
        var inQuotes = false, afterQuote = false
        var line = 1, recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        // A UTF-8 byte-order mark (Excel writes one) is not part of the first column's name.
        if let first = iterator.next(), first != "\u{FEFF}" { pending = first }
        func endRecord() {
            record.append(field)
            field = ""
            if !(record.count == 1 && record[0].isEmpty) {
                records.append(record)
                lines.append(recordLine)
            }
            record = []
        }
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            inQuotes = false; afterQuote = true; pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                record.append(field); field = ""; afterQuote = false
            case "\n":
                endRecord(); afterQuote = false
                line += 1; recordLine = line
            case "\r":
                continue
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true
            default:
                if afterQuote { throw ParseError(line: line, message: "unexpected text after a closing quote") }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw ParseError(line: recordLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let header = records.first else {
            throw ParseError(line: 1, message: "the file is empty; expected a header row")
        }
        for (index, record) in records.enumerated().dropFirst() where record.count != header.count {
            throw ParseError(line: lines[index], message: "has \(record.count) fields, the header has \(header.count)")
        }
        self.header = header.map { $0.trimmingSpaces() }
        self.rows = Array(records.dropFirst())
        self.lineNumbers = Array(lines.dropFirst())
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars.removeFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
