import CSystemShim

/// C's `%.*g` and `%.*f`, without Foundation's format parser, which boxes every argument:
/// reports print a number for every point, row and tooltip (a 2,000-trial report spent an
/// eighth of its time in `String(format:)`). The same text, character for character.
enum CFormat {
    static func g(_ value: Double, digits: Int) -> String {
        printed { sweep_format_g($0, $1, Int32(digits), value) }
    }

    static func f(_ value: Double, decimals: Int) -> String {
        printed { sweep_format_f($0, $1, Int32(decimals), value) }
    }

    private static func printed(_ print: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buffer in
            let count = Int(print(buffer.baseAddress!, 512))
            return String(
                decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: min(max(count, 0), 511)),
                as: UTF8.self)
        }
    }
}
