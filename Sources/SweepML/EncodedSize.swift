/// The size of a value in a compact binary encoding, counted without building it: numbers at
/// their width (8 bytes for Int and Double), a Bool 1 byte, a string its UTF-8 bytes plus a 4-byte
/// length, an array a 4-byte count before its elements, nil 1 byte; field names cost nothing (a
/// binary layout knows its fields). `model_bytes` is this size of a fitted model: it tracks what
/// the model holds (trees, weights, stored rows) rather than JSON's digit counts, and measuring it
/// allocates nothing per number.
public enum EncodedSize {
    public static func of(_ value: some Encodable) -> Int {
        let counter = ByteCounter()
        try? value.encode(to: CountingEncoder(counter: counter))
        return counter.bytes
    }
}

final class ByteCounter {
    var bytes = 0
}

struct CountingEncoder: Encoder {
    let counter: ByteCounter
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedCounter<Key>(counter: counter))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        counter.bytes += 4
        return UnkeyedCounter(counter: counter)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleCounter(counter: counter) }
}

/// Adds a value's bytes: primitives by width, anything else by encoding it through the counter.
private func addSize(_ value: some Encodable, _ counter: ByteCounter) throws {
    switch value {
    case let string as String: counter.bytes += 4 + string.utf8.count
    case is Bool: counter.bytes += 1
    case is Double, is Int, is UInt, is Int64, is UInt64: counter.bytes += 8
    case is Float, is Int32, is UInt32: counter.bytes += 4
    case is Int16, is UInt16: counter.bytes += 2
    case is Int8, is UInt8: counter.bytes += 1
    default: try value.encode(to: CountingEncoder(counter: counter))
    }
}

struct KeyedCounter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let counter: ByteCounter
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { counter.bytes += 1 }
    mutating func encode(_ value: some Encodable, forKey key: Key) throws { try addSize(value, counter) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(KeyedCounter<NestedKey>(counter: counter))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        counter.bytes += 4
        return UnkeyedCounter(counter: counter)
    }
    mutating func superEncoder() -> any Encoder { CountingEncoder(counter: counter) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { CountingEncoder(counter: counter) }
}

struct UnkeyedCounter: UnkeyedEncodingContainer {
    let counter: ByteCounter
    var codingPath: [any CodingKey] { [] }
    var count = 0

    mutating func encodeNil() throws { counter.bytes += 1 }
    // The element types of large arrays (weights, stored rows, tree nodes), counted without a cast.
    mutating func encode(_ value: Double) throws {
        count += 1
        counter.bytes += 8
    }
    mutating func encode(_ value: Int) throws {
        count += 1
        counter.bytes += 8
    }
    mutating func encode(_ value: some Encodable) throws {
        count += 1
        try addSize(value, counter)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(KeyedCounter<NestedKey>(counter: counter))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        counter.bytes += 4
        return UnkeyedCounter(counter: counter)
    }
    mutating func superEncoder() -> any Encoder { CountingEncoder(counter: counter) }
}

struct SingleCounter: SingleValueEncodingContainer {
    let counter: ByteCounter
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { counter.bytes += 1 }
    mutating func encode(_ value: some Encodable) throws { try addSize(value, counter) }
}
