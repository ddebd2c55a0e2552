import Testing

@testable import SweepML

struct DatasetTests {
    @Test func csvHandlesQuotesCRLFAndBlankLines() throws {
        let table = try CSVTable(parsing: "a,\"b,c\"\r\n1,\"x \"\"y\"\"\"\r\n\r\n2,z\n")
        #expect(table.header == ["a", "b,c"])
        #expect(table.rows == [["1", "x \"y\""], ["2", "z"]])
        #expect(table.lineNumbers == [2, 4])
    }

    @Test func csvNamesTheLineOfARaggedRow() {
        #expect(throws: CSVTable.ParseError(line: 3, message: "has 1 fields, the header has 2")) {
            try CSVTable(parsing: "a,b\n1,2\n3\n")
        }
    }

    @Test func classesAreSortedNumericallyWhenNumeric() throws {
        let table = try CSVTable(parsing: "x,y\n1,10\n2,9\n3,10\n")
        let dataset = try Dataset(csv: table, target: "y", classification: true)
        #expect(dataset.classNames == ["9", "10"])
        #expect(dataset.labels == [1, 0, 1])
        #expect(dataset.featureNames == ["x"])
    }

    @Test func errorsNameTheRowAndColumn() throws {
        // An empty feature is a missing value (imputed later), not an error.
        let table = try CSVTable(parsing: "x,y\n1,a\n,b\n")
        #expect(try Dataset(csv: table, target: "y", classification: true).features[1].isNaN)
        let textTarget = try CSVTable(parsing: "x,y\n1,a\n")
        #expect(
            throws: DatasetError(
                message: "line 2, column 'y': 'a' is not a number (a regression target must be numeric)")
        ) {
            try Dataset(csv: textTarget, target: "y", classification: false)
        }
        let oneClass = try CSVTable(parsing: "x,y\n1,a\n2,a\n")
        #expect(throws: DatasetError(message: "target 'y' has only one class ('a'); classification needs at least two"))
        {
            try Dataset(csv: oneClass, target: "y", classification: true)
        }
        #expect(throws: DatasetError(message: "no column named 'z'; columns: x, y")) {
            try Dataset(csv: oneClass, target: "z", classification: true)
        }
    }
}
