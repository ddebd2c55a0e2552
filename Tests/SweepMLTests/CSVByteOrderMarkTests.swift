import Foundation
import Testing

@testable import SweepML

/// Excel and many Windows tools start a UTF-8 CSV with a byte-order mark; it is not part of the
/// first column's name (that would make "sepal_length_cm" a missing column in predict and drift,
/// and a feature named "\u{FEFF}sepal_length_cm" in a sweep).
@Suite struct CSVByteOrderMarkTests {
    static let text = "\u{FEFF}a,b\r\n1,x\r\n2,y\r\n"

    @Test func aWholeFileDropsItsByteOrderMark() throws {
        let table = try CSVTable(parsing: Self.text)
        #expect(table.header == ["a", "b"])
        #expect(table.rows == [["1", "x"], ["2", "y"]])
        #expect(try CSVTable(parsing: "\u{FEFF}\"a\",b\n1,2\n").header == ["a", "b"])
    }

    @Test(arguments: [1, 2, 3, 64]) func aStreamDropsItsByteOrderMark(blockSize: Int) throws {
        let stream = try CSVStream(text: Self.text, blockSize: blockSize)
        #expect(stream.header == ["a", "b"])
        #expect(try stream.next(maxRows: 10)?.rows == [["1", "x"], ["2", "y"]])
        #expect(try CSVStream(text: "\u{FEFF}\"a\",b\n1,2\n", blockSize: blockSize).header == ["a", "b"])
    }
}
