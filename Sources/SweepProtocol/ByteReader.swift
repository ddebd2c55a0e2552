/// Why bytes could not be decoded. Decoding never trusts a length: every count is checked
/// against the bytes that remain before anything is allocated.
public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Reads protocol primitives from a byte buffer, bounds-checked.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset == bytes.count }

    mutating func u8() throws(DecodeError) -> UInt8 {
        guard offset < bytes.count else { throw DecodeError("truncated at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            let byte = try u8()
            if shift == 63 && byte > 1 { throw DecodeError("varint overflows 64 bits at byte \(offset)") }
            result |= UInt64(byte & 0x7f) << UInt64(shift)
            if byte & 0x80 == 0 { return result }
        }
        throw DecodeError("varint longer than 10 bytes at byte \(offset)")
    }

    /// A non-negative integer no larger than `limit`.
    mutating func int(max limit: Int = Int(Int32.max)) throws(DecodeError) -> Int {
        let value = try varint()
        guard value <= UInt64(limit) else { throw DecodeError("value \(value) exceeds \(limit) at byte \(offset)") }
        return Int(value)
    }

    /// An element count, each element taking at least `minimumSize` bytes.
    mutating func count(elementSize minimumSize: Int = 1) throws(DecodeError) -> Int {
        let value = try varint()
        guard value <= UInt64(remaining / max(minimumSize, 1)) else {
            throw DecodeError("count \(value) exceeds the \(remaining) bytes left at byte \(offset)")
        }
        return Int(value)
    }

    mutating func signed() throws(DecodeError) -> Int {
        let raw = try varint()
        return Int(Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
    }

    mutating func u64() throws(DecodeError) -> UInt64 {
        guard remaining >= 8 else { throw DecodeError("truncated: need 8 bytes at byte \(offset)") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << UInt64(8 * index) }
        offset += 8
        return value
    }

    mutating func double() throws(DecodeError) -> Double { Double(bitPattern: try u64()) }

    mutating func bool() throws(DecodeError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let other: throw DecodeError("boolean byte \(other) is neither 0 nor 1 at byte \(offset - 1)")
        }
    }

    mutating func raw(_ length: Int) throws(DecodeError) -> [UInt8] {
        guard length <= remaining else { throw DecodeError("\(length) bytes claimed, \(remaining) left") }
        defer { offset += length }
        return Array(bytes[offset..<(offset + length)])
    }

    mutating func string(max limit: Int = 1 << 20) throws(DecodeError) -> String {
        let length = try count()
        guard length <= limit else { throw DecodeError("string of \(length) bytes exceeds \(limit)") }
        let slice = bytes[offset..<(offset + length)]
        offset += length
        guard let text = String(validating: slice, as: UTF8.self) else { throw DecodeError("string is not UTF-8") }
        return text
    }

    /// A string of any length the message holds, for a field whose limit the caller judges: its
    /// length in bytes, whether it is UTF-8, and at most its last `keep` bytes as text (repaired).
    /// Nothing is built from the bytes beyond `keep`, so an oversized field costs no memory.
    mutating func stringTail(keeping keep: Int) throws(DecodeError) -> (text: String, length: Int, isUTF8: Bool) {
        let length = try count()
        let slice = bytes[offset..<(offset + length)]
        offset += length
        guard length <= keep else {
            var start = slice.endIndex - keep
            while start < slice.endIndex && slice[start] & 0xC0 == 0x80 { start += 1 }
            return (String(decoding: slice[start...], as: UTF8.self), length, true)
        }
        if let text = String(validating: slice, as: UTF8.self) { return (text, length, true) }
        return (String(decoding: slice, as: UTF8.self), length, false)
    }
}
