import Foundation
import SweepProtocol

/// libFuzzer entry point: any bytes into the decoder. A decode may throw; it must never trap,
/// hang or allocate without bound, and whatever it accepts must encode back to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let message = try? Codec.decode(bytes) {
        let again = Codec.encode(message)
        // Dictionaries re-encode sorted; compare by decoding again rather than byte for byte.
        guard let reread = try? Codec.decode(again), Codec.encode(reread) == again else {
            fatalError("re-encoding changed the message")
        }
    }
    return 0
}

/// libFuzzer's driver (LLVM ≥ 11), started from our own entry point: SwiftPM gives executables
/// a Swift `main`, which would otherwise shadow libFuzzer's.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
enum DecoderFuzzEntry {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) })
    }
}
