import Testing

@testable import SweepProtocol
@testable import SweepRuntime

/// A file's announced size is the peer's word: nothing is allocated for it before chunks arrive.
struct BlobDownloadTests {
    static let hash = String(repeating: "a", count: 64)

    @Test func anAnnouncedTerabyteAllocatesNothingUpFront() {
        var download = BlobDownload(BlobRef(sha256: Self.hash, size: 1 << 40))
        #expect(download.bytes.capacity < BlobDownload.chunkBytes)
        let requests = download.requests()
        #expect(requests.count == BlobDownload.window)
        // A chunk that arrives grows the buffer to its end, no further.
        let second = requests[1]
        let accepted = download.accept(offset: second.offset, total: 1 << 40, chunk: [UInt8](repeating: 7, count: 16))
        #expect(accepted)
        #expect(download.bytes.count == second.offset + 16)
        #expect(!download.isComplete)
    }

    @Test func chunksArrivingOutOfOrderAssembleTheFile() {
        let content = (0..<(3 * BlobDownload.chunkBytes + 5)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var download = BlobDownload(BlobRef(sha256: Self.hash, size: content.count))
        let requests = download.requests()
        for request in requests.reversed() {
            let chunk = Array(content[request.offset..<(request.offset + request.length)])
            let accepted = download.accept(offset: request.offset, total: content.count, chunk: chunk)
            #expect(accepted)
        }
        #expect(download.isComplete)
        #expect(download.bytes == content)
    }
}
