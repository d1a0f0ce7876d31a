import ArgumentParser
import ExMy
import ExMyBenchmarks

/// `exmy bench`: batch conversion throughput against this machine's memory-bandwidth limit.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark batch encode/decode against a same-traffic memory-bandwidth limit measured in the same run (use a release build).",
        discussion: "Each case reports elements/s and the fraction of the limit; see docs/performance.md for the figures and commands."
    )

    @Option(parsing: .unconditional, help: "Array lengths, comma-separated; 'memory' is the memory-bound size of this machine (twice its last-level cache; default: 65536,memory).") var sizes: String?
    @Option(parsing: .unconditional, help: "Thread counts, comma-separated, 1 … 1024 (default: 1 and all cores).") var threads: String?
    @Option(parsing: .unconditional, help: "Timed repetitions per case (the best is reported, for the case and its limit alike).") var repetitions: Int = 5
    @Option(parsing: .unconditional, help: "Least duration of one repetition in seconds (default 0.02; shorter repetitions suffer less from a busy machine).") var minimumSeconds: Double?
    @Flag(help: "Measure cost against array length (1K … 256M elements) instead of the standard cases.") var scaling = false
    @Flag(help: "Print one JSON object per result, one per line (schema: docs/json.md).") var json = false
    @Option(help: "Run only the cases whose name contains this text (e.g. 'packed', 'e5m2', 'stochastic').") var only: String?
    @Flag(help: "No progress line on standard error (shown only when standard error is a terminal).") var quiet = false
    @OptionGroup(title: "Analyzer benchmark") var analyzer: AnalyzerBenchOptions

    func run() throws {
        if analyzer.enabled { return try analyzer.run(json: json, threads: threads, quiet: quiet) }
        var configuration = scaling ? ExMyBenchmark.Configuration.scaling : ExMyBenchmark.Configuration.standard
        func list(_ text: String, _ name: String) throws -> [Int] {
            try text.split(separator: ",", omittingEmptySubsequences: false).map {
                if name == "sizes" && $0 == "memory" { return ExMyBenchmark.Configuration.memoryBoundSize }
                guard let v = Int($0), v > 0 else {
                    throw CLIError("--\(name) takes positive integers\(name == "sizes" ? " or 'memory'" : " from 1 to 1024"), not '\($0)'")
                }
                if name == "threads" && v > 1024 { throw CLIError("--threads takes integers from 1 to 1024, not '\($0)'") }
                return v
            }
        }
        if let sizes { configuration.sizes = try list(sizes, "sizes") }
        if let threads { configuration.threads = try list(threads, "threads") }
        if let only {
            configuration.cases = configuration.cases.filter { $0.name.contains(only) }
            guard !configuration.cases.isEmpty else { throw CLIError("--only '\(only)' matches no benchmark case") }
        }
        guard (1...1000).contains(repetitions) else { throw CLIError("--repetitions \(repetitions) is out of range 1 … 1000") }
        configuration.repetitions = repetitions
        if let minimumSeconds {
            guard minimumSeconds.isFinite, (0.0001...10).contains(minimumSeconds) else {
                throw CLIError("--minimum-seconds \(minimumSeconds) is out of range 0.0001 … 10")
            }
            configuration.minimumSeconds = minimumSeconds
        }
        // Sizes whose buffers do not fit in memory are refused before anything is allocated.
        do { try ExMyBenchmark.checkAffordable(configuration) } catch {
            throw CLIError("--sizes \(configuration.sizes.max() ?? 0) is too large for this machine: \(error.message); choose smaller --sizes")
        }
        let results = try ExMyBenchmark.run(configuration) { r in
            if !quiet { Console.shared.progress("bench: \(r.caseName) \(r.elements) × \(r.threads) threads") }
        }
        if !quiet { Console.shared.progressDone() }
        if json {
            for r in results { Console.shared.print(try JSONOutput.string(ConversionBenchJSON(result: r), compact: true)) }
        } else {
            Console.shared.print("This machine: \(ExMyBenchmark.Configuration.machineSummary).\n")
            Console.shared.print(ExMyBenchmark.markdownTable(results))
        }
    }
}

/// One line of `exmy bench --json` (schema in docs/json.md).
struct ConversionBenchJSON: Encodable {
    let result: BenchmarkResult

    func encode(to encoder: Encoder) throws {
        let r = result
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.header("bench")
        try c.put("conversion", "benchmark")
        try c.put(r.caseName, "case_name")
        try c.put(r.format, "format")
        try c.put(r.operation, "operation")
        try c.put(r.valueType, "value_type")
        try c.put(r.rule, "rule")
        try c.put(r.elements, "elements")
        try c.put(r.threads, "threads")
        try c.real(r.seconds, "seconds")
        try c.real(r.elementsPerSecond, "elements_per_second")
        try c.real(r.bytesPerElement, "bytes_per_element")
        try c.real(r.limitSeconds, "limit_seconds")
        try c.real(r.limitElementsPerSecond, "limit_elements_per_second")
        try c.real(r.fractionOfLimit, "fraction_of_limit")
        try c.put(r.vectorKernel, "vector_kernel")
        try c.put(r.loops, "loops")
    }
}
