import CZeroMQ

/// CURVE keys as Z85 text (40 characters for 32 bytes), the form libzmq and czmq use.
public enum Curve {
    /// Whether this libzmq was built with CURVE (libsodium).
    public static var isAvailable: Bool { zmq_has("curve") != 0 }

    /// A new key pair.
    public static func keyPair() throws(ZMQError) -> (publicKey: String, secretKey: String) {
        var publicKey = [CChar](repeating: 0, count: 41), secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw .last("zmq_curve_keypair") }
        return (text(publicKey), text(secretKey))
    }

    /// The public key that belongs to a secret key.
    public static func publicKey(forSecret secret: String) throws(ZMQError) -> String {
        var publicKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicKey, secret) == 0 else { throw .last("zmq_curve_public") }
        return text(publicKey)
    }

    /// Z85 text of 32 key bytes.
    public static func encode(_ bytes: [UInt8]) -> String? {
        guard bytes.count == 32 else { return nil }
        var out = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&out, bytes, 32) != nil else { return nil }
        return text(out)
    }

    /// The 32 key bytes of Z85 text, or nil if it is not a well-formed key.
    public static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.count == 40 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&bytes, text) == nil ? nil : bytes
    }

    /// Whether the text is a well-formed Z85 key.
    public static func isValidKey(_ text: String) -> Bool { decode(text) != nil }
}

/// A NUL-terminated C buffer as a String.
func text(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
