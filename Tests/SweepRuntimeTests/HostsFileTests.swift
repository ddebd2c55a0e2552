import Foundation
import Testing

@testable import SweepRuntime

@Suite struct HostsFileTests {
    @Test func readsHostsWithUsersSlotsGpusCommentsAndBlankLines() throws {
        let text = """
            # the lab's machines
            gpu1 slots=4 gpus=0,1

            alice@10.0.0.7   slots=2   # the old one
            \tbob@node-3\tgpus=2\r
            """
        let hosts = try HostsFile.parse(text, path: "hosts.txt")
        #expect(
            hosts == [
                HostEntry(destination: "gpu1", slots: 4, gpus: [0, 1]),
                HostEntry(destination: "alice@10.0.0.7", slots: 2),
                HostEntry(destination: "bob@node-3", gpus: [2]),
            ])
        #expect(hosts[1].host == "10.0.0.7")
        #expect(hosts[2].workerName == "ssh-node-3")
    }

    /// Each refusal names the file, the line number, the line and what a right line looks like.
    @Test(arguments: [
        ("a\nb slots=0\n", 2, "slots must be a whole number from 1 to 4096"),
        ("a slots=x", 1, "slots must be"),
        ("a slots=5000", 1, "slots must be"),
        ("a gpus=0,0", 1, "distinct GPU ids"),
        ("a gpus=0,-1", 1, "distinct GPU ids"),
        ("a gpus=", 1, "distinct GPU ids"),
        ("a gpus=1,,2", 1, "distinct GPU ids"),
        ("a cores=3", 1, "unknown key 'cores'"),
        ("a slots=1 slots=2", 1, "'slots' is given twice"),
        ("a b", 1, "'b' is not key=value"),
        ("# c\n\nalpha\nbeta\nalice@ALPHA slots=2", 5, "already listed on line 3"),
        ("-oProxyCommand=x", 1, "must start with the host"),
        ("-x", 1, "starts with '-'"),
        ("alice@-x", 1, "not a host name"),
        ("ssh://gpu1:22", 1, "not a host name"),
        ("gpu$(id)", 1, "not a host name"),
        ("a;b@gpu1", 1, "'a;b' is not a user name"),
        ("@host", 1, "is not host or user@host"),
        ("a@b@c", 1, "is not host or user@host"),
        ("slots=2", 1, "must start with the host"),
    ])
    func refusesAMalformedLineNamingIt(text: String, line: Int, why: String) throws {
        let error = try #require(throws: SweepError.self) { try HostsFile.parse(text, path: "/tmp/hosts") }
        #expect(error.code == .invalidInput)
        let shown = text.split(separator: "\n", omittingEmptySubsequences: false)[line - 1]
        #expect(error.message.hasPrefix("/tmp/hosts:\(line): '\(shown)': "), "\(error.message)")
        #expect(error.message.contains(why), "\(error.message)")
        #expect(error.message.contains("a line reads [user@]host [slots=N] [gpus=0,1]"), "\(error.message)")
    }

    @Test func refusesAFileWithoutHostsOrUnreadable() throws {
        let empty = try #require(throws: SweepError.self) { try HostsFile.parse("# none\n\n", path: "h") }
        #expect(empty.message.contains("lists no hosts"))
        let missing = try #require(throws: SweepError.self) {
            try HostsFile.load(path: "/nonexistent/hosts-\(UUID())")
        }
        #expect(missing.message.contains("does not exist"))
    }

    /// A control character (a stray CR, a vertical tab) in a line would reach ssh and a log file's
    /// name: refused at once, shown escaped, with its line number.
    @Test(arguments: ["gpu1\r\r", "10.213.0.9\u{0B}foo", "gpu\u{07}1 slots=2", "gpu1 slots=2\u{1B}[2J"])
    func refusesControlCharacters(line: String) throws {
        let error = try #require(throws: SweepError.self) { try HostsFile.parse("ok\n" + line, path: "/tmp/hosts") }
        #expect(error.message.hasPrefix("/tmp/hosts:2: "), "\(error.message)")
        #expect(error.message.contains("control character"), "\(error.message)")
        #expect(!error.message.contains(where: { $0.asciiValue.map { $0 < 0x20 && $0 != 0x0A } ?? false }))
    }

    @Test func saysWhyAHostsFileCannotBeRead() throws {
        let missing = try #require(throws: SweepError.self) { try HostsFile.load(path: "/nonexistent/hosts") }
        #expect(missing.message.contains("does not exist"), "\(missing.message)")
        let directory = try #require(throws: SweepError.self) {
            try HostsFile.load(path: FileManager.default.temporaryDirectory.path)
        }
        #expect(directory.message.contains("is a directory"), "\(directory.message)")
    }

    @Test func loadsAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hosts-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "h1 slots=1\nh2\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try HostsFile.load(path: path).map(\.destination) == ["h1", "h2"])
    }
}
