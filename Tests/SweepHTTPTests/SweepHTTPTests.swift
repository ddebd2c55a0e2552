import Testing

@testable import SweepHTTP

@Suite struct SweepHTTPModuleTests {
    @Test func theModuleLoads() { _ = SweepHTTP.self }
}
