import Foundation
import Testing
@testable import ExMyCLI
@testable import ExMy
import ExMyBenchmarks
import ExMyAnalysis
import TensorIO

/// `exmy bench --analyzer`.
extension CLITests {
    @Test func analyzerBenchmarkRunsOnAGeneratedCheckpoint() throws {
        let path = temporary("bench.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try run("bench", "--analyzer", "--params", "100K", "--formats", "e4m3fn,fp3-e2m0,nvfp4", "--threads", "1,2",
                          "--keep-checkpoint", path, "--json")
        let lines = out.split(separator: "\n")
        #expect(lines.count == 2)
        for (line, threads) in zip(lines, [1, 2]) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(object["parameters"] as? Int == 100_000)
            #expect(object["formats"] as? Int == 3)
            #expect(object["threads"] as? Int == threads)
            #expect(object["tensors"] as? Int == 9)
            #expect((object["wall_s"] as? Double ?? 0) > 0 && (object["peak_rss_bytes"] as? Int ?? 0) > 0)
        }
        // The same checksum (Σ squared errors over the formats) whatever the thread count.
        let checksums = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.map { $0["checksum"] as? Double }
        #expect(checksums[0] != nil && checksums[0] == checksums[1])
        // The kept checkpoint: a valid safetensors file with every parameter, deterministic.
        let file = try SafetensorsFile(path: path)
        #expect(file.tensors.reduce(0) { $0 + $1.elementCount } == 100_000)
        #expect(file.tensors.allSatisfy { $0.dtype == .float32 })
        let again = temporary("again.safetensors")
        defer { try? FileManager.default.removeItem(atPath: again) }
        try AnalyzerBenchmark.writeCheckpoint(parameters: 100_000, to: again)
        #expect(FileManager.default.contents(atPath: again) == FileManager.default.contents(atPath: path))
        // --input analyses it as given; the Markdown table names every column.
        let table = try run("bench", "--analyzer", "--input", path, "--formats", "2", "--threads", "1")
        #expect(table.contains("| 100000 | 9 | 2 | 1 |"))
    }

    @Test func analyzerBenchmarkOptionsAreChecked() throws {
        #expect(AnalyzerBenchmark.defaultSchemes.count == 20)
        #expect(Set(AnalyzerBenchmark.defaultSchemes.map(\.description)).count == 20)
        #expect(try AnalyzerBenchOptions.count("100M") == 100_000_000 && AnalyzerBenchOptions.count("65536") == 65536)
        #expect(try AnalyzerBenchOptions.count("1.5K") == 1500)
        for bad in ["0", "-5", "1.5", "12X", "", "1e20"] {
            #expect(throws: (any Error).self) { try AnalyzerBenchOptions.count(bad) }
        }
        #expect(throws: (any Error).self) { try run("bench", "--params", "1M") }                 // needs --analyzer
        #expect(throws: (any Error).self) { try run("bench", "--analyzer", "--formats", "21", "--params", "1K") }
        #expect(throws: (any Error).self) { try run("bench", "--analyzer", "--formats", "e4m3xyz", "--params", "1K") }
        #expect(throws: (any Error).self) { try run("bench", "--analyzer", "--threads", "0", "--params", "1K") }
        #expect(throws: (any Error).self) { try run("bench", "--analyzer", "--input", temporary("missing.safetensors")) }
        #expect(throws: (any Error).self) { try run("bench", "--analyzer", "--input", "x.safetensors", "--params", "1M") }
    }

    /// The conversion benchmark's `--minimum-seconds` is range-checked and reaches the configuration.
    @Test func conversionBenchmarkMinimumSeconds() throws {
        for bad in ["0", "-1", "nan", "inf", "11"] {
            #expect(throws: (any Error).self) { try run("bench", "--sizes", "1024", "--threads", "1", "--minimum-seconds", bad) }
        }
        let out = try run("bench", "--json", "--sizes", "1024", "--threads", "1", "--repetitions", "1", "--minimum-seconds", "0.0001")
        let lines = out.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(lines.count == ExMyBenchmark.Configuration.standard.cases.count)
        #expect(lines.allSatisfy { $0.contains("\"elements\":1024") })
    }

    /// `--only` keeps exactly the standard cases whose name contains the text; a text that matches
    /// none is an error, not an empty run.
    @Test func conversionBenchmarkOnly() throws {
        #expect(throws: (any Error).self) { try run("bench", "--sizes", "1024", "--threads", "1", "--only", "no such case") }
        let out = try run("bench", "--json", "--sizes", "1024", "--threads", "1", "--repetitions", "1", "--minimum-seconds", "0.0001", "--only", "packed")
        let lines = out.split(separator: "\n").filter { $0.hasPrefix("{") }
        let expected = ExMyBenchmark.Configuration.standard.cases.filter { $0.name.contains("packed") }.map(\.name)
        #expect(expected.count == 3)  // encode-packed FP4, its stochastic variant, decode-packed FP4
        #expect(lines.count == expected.count)
        #expect(lines.allSatisfy { line in expected.contains { line.contains("\"case_name\":\"\($0)\"") } })  // snake_case keys
    }

    /// `--sizes` takes positive integers or `memory` (the memory-bound size, twice the last-level
    /// cache); sizes past the machine's memory and bad thread counts are errors, not traps.
    @Test func conversionBenchmarkSizes() throws {
        for bad in ["0", "-5", "x", "1024,", "memory2"] {
            #expect(throws: (any Error).self) { try run("bench", "--sizes", bad, "--threads", "1") }
        }
        // A CLI message naming the option (not the library's BatchError)
        // and the limit, given before anything is allocated.
        #expect { try run("bench", "--sizes", "10000000000000", "--threads", "1", "--only", "e4m3fn") } throws: { error in
            error is CLIError && "\(error)".hasPrefix("--sizes 10000000000000 is too large for this machine: 10000000000000 elements need")
        }
        let one = [ExMyBenchmark.Configuration.standardCases[0]]
        #expect(throws: BatchError.self) { try ExMyBenchmark.run(.init(cases: one, sizes: [-1], threads: [1])) }
        #expect(throws: BatchError.self) { try ExMyBenchmark.run(.init(cases: one, sizes: [1024, 0], threads: [1])) }
        #expect(throws: BatchError.self) { try ExMyBenchmark.run(.init(cases: one, sizes: [1024], threads: [0])) }
        #expect(throws: BatchError.self) { try ExMyBenchmark.run(.init(cases: one, sizes: [Int.max], threads: [1])) }
        let c = ExMyBenchmark.Configuration.self
        #expect(c.memoryBoundSize >= 1 << 24)
        #expect(c.memoryBoundSize % (1 << 20) == 0)
        let affordable = Int(ProcessInfo.processInfo.physicalMemory / 64)
        #expect(4 * c.memoryBoundSize >= 2 * c.lastLevelCacheBytes || c.memoryBoundSize >= affordable - (1 << 20))
        #expect(c.standard.sizes == [1 << 16, c.memoryBoundSize])
        let table = try run("bench", "--sizes", "1024", "--threads", "1", "--repetitions", "1", "--minimum-seconds", "0.0001", "--only", "encode float→e4m3fn")
        #expect(table.contains("last-level cache"))
    }

    /// Cache sizes as Linux writes them in sysfs.
    @Test func cacheSizeParsing() {
        let parse = StreamingStores.parseCacheSize
        #expect(parse("32768K\n") == 32 << 20)
        #expect(parse("300M") == 300 << 20)
        #expect(parse("1G") == 1 << 30)
        #expect(parse("4096") == 4096)
        #expect(parse("2000000") == 2_000_000)
        #expect(parse("1024G") == 1 << 40)
        for bad in ["", "K", "-1K", "12X", "1025G", "99999999999G", "0", "9223372036854775807"] { #expect(parse(bad) == nil, "\(bad)") }
    }
}
