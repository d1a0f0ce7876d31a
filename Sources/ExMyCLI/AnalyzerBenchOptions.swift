import ArgumentParser
import ExMy
import ExMyAnalysis
import ExMyBenchmarks
import Foundation
import TensorIO

/// `exmy bench --analyzer`: the analyzer's throughput on a float32 safetensors checkpoint
/// (``AnalyzerBenchmark``). Kept in its own option group; `bench` hands over when `--analyzer` is set.
struct AnalyzerBenchOptions: ParsableArguments {
    @Flag(name: .customLong("analyzer"), help: "Benchmark the analyzer instead: analyse a float32 .safetensors checkpoint (generated, 100M parameters by default) against 20 formats; --threads gives the thread counts.")
    var enabled = false

    @Option(name: .customLong("params"), parsing: .unconditional, help: "Parameters of the generated checkpoint (suffixes K, M, G: 100M = 100,000,000).")
    var params: String?

    @Option(name: .customLong("formats"), parsing: .unconditional, help: "Formats to measure, comma-separated: format spellings (FP32 absmax over blocks of \(AnalyzerBenchmark.absmaxBlock), the default list's) or scheme names (mxfp4, nvfp4, …); or a number N for the first N of the default 20.")
    var formats: String?

    @Option(name: .customLong("input"), help: "An existing .safetensors file to analyse instead of a generated one.")
    var input: String?

    @Option(name: .customLong("keep-checkpoint"), help: "Write the generated checkpoint to this path and keep it.")
    var keepCheckpoint: String?

    func validate() throws {
        if !enabled && (params != nil || formats != nil || input != nil || keepCheckpoint != nil) {
            throw ValidationError("--params, --formats, --input and --keep-checkpoint apply to --analyzer")
        }
        if input != nil && (params != nil || keepCheckpoint != nil) {
            throw ValidationError("--input analyses an existing file: --params and --keep-checkpoint do not apply")
        }
    }

    /// The configuration from the options and `bench`'s `--threads`.
    func configuration(threads: String?) throws -> AnalyzerBenchmark.Configuration {
        var c = AnalyzerBenchmark.Configuration()
        if let params { c.parameters = try Self.count(params) }
        if let formats { c.schemes = try Self.schemes(formats) }
        if let input {
            try InputFiles.requireRegularFile(input, option: "--input")
            c.input = input
        }
        if let keepCheckpoint {
            // The destination is checked now (a directory, a symbolic link, a read-only or another
            // user's file are refused), not after minutes of writing.
            guard !keepCheckpoint.isEmpty, keepCheckpoint != "-", keepCheckpoint != "/dev/stdout" else { throw CLIError("--keep-checkpoint needs a file name") }
            do { try OutputFile(path: keepCheckpoint).discard() } catch { throw CLIError("--keep-checkpoint \(keepCheckpoint): \(Console.reason(error))") }
        }
        c.checkpointPath = keepCheckpoint
        if let threads {
            c.threads = try threads.split(separator: ",").map {
                guard let v = Int($0), (1...1024).contains(v) else { throw CLIError("--threads takes integers 1 … 1024, not '\($0)'") }
                return v
            }
        }
        return c
    }

    func run(json: Bool, threads: String?, quiet: Bool = false) throws {
        let configuration = try configuration(threads: threads)
        // Sizes this machine cannot hold (disk for the checkpoint, memory for its largest tensor)
        // are refused before anything is written.
        do { try AnalyzerBenchmark.checkResources(configuration) } catch let e as AnalysisError {
            let option = input != nil ? "--input \(input!)" : "--params \(params ?? "100M")"
            throw CLIError("\(option) is too large for this machine: \(e.description)")
        }
        let results: [AnalyzerBenchmark.Result]
        do {
            results = try AnalyzerBenchmark.run(configuration) { if !quiet { Console.shared.progress($0) } }
        } catch let e as AnalysisError { throw CLIError(e.description) }
        if !quiet { Console.shared.progressDone() }
        if json {
            for r in results { Console.shared.print(try JSONOutput.string(AnalyzerBenchJSON(result: r), compact: true)) }
        } else {
            Console.shared.print(AnalyzerBenchmark.markdownTable(results))
        }
    }

    /// `100M`, `1.5G`, `65536`: a positive count of at most 2^40.
    static func count(_ text: String) throws -> Int {
        let multipliers: [Character: Double] = ["K": 1e3, "M": 1e6, "G": 1e9, "k": 1e3, "m": 1e6, "g": 1e9]
        var digits = Substring(text)
        var multiplier = 1.0
        if let last = digits.last, let m = multipliers[last] { multiplier = m; digits = digits.dropLast() }
        guard let v = Double(digits), v.isFinite, v * multiplier >= 1, v * multiplier <= 0x1p40, (v * multiplier).rounded() == v * multiplier else {
            throw CLIError("--params takes a whole number of parameters from 1 to 2^40, optionally with K, M or G (e.g. 100M), not '\(text)'")
        }
        return Int(v * multiplier)
    }

    static func schemes(_ text: String) throws -> [QuantizationScheme] {
        if let n = Int(text) {
            guard (1...AnalyzerBenchmark.defaultSchemes.count).contains(n) else {
                throw CLIError("--formats takes format names or a count N from 1 to \(AnalyzerBenchmark.defaultSchemes.count) (the first N of the default list), got \(n)")
            }
            return Array(AnalyzerBenchmark.defaultSchemes.prefix(n))
        }
        let list = try text.split(separator: ",").map { item -> QuantizationScheme in
            let name = item.trimmingCharacters(in: .whitespaces)
            if QuantizationScheme.hasFixedElement(name) { return try QuantizationScheme(parsing: name) }
            return try QuantizationScheme(parsing: "absmax", element: try FormatArgument.parse(name), block: AnalyzerBenchmark.absmaxBlock)
        }
        guard !list.isEmpty else { throw CLIError("--formats needs at least one format") }
        return list
    }
}

/// One line of `exmy bench --analyzer --json` (schema in docs/json.md).
struct AnalyzerBenchJSON: Encodable {
    let result: AnalyzerBenchmark.Result

    func encode(to encoder: Encoder) throws {
        let r = result
        let work = Double(r.parameters) * Double(r.formats)
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.header("bench")
        try c.put("analyzer", "benchmark")
        try c.put(r.checkpoint, "checkpoint")
        try c.put(r.parameters, "parameters")
        try c.put(r.tensors, "tensors")
        try c.put(r.formats, "formats")
        try c.put(r.threads, "threads")
        try c.real(r.generateSeconds, "generate_s")
        try c.real(r.readSeconds, "read_s")
        try c.real(r.wallSeconds, "wall_s")
        try c.real(r.cpuSeconds, "cpu_s")
        try c.real(r.parametersPerSecond, "parameters_per_s")
        try c.real(r.parameterFormatsPerSecond, "parameter_formats_per_s")
        try c.real(r.wallSeconds * 1e9 / work, "ns_per_parameter_format")
        try c.real(r.cpuSeconds * 1e9 / work, "cpu_ns_per_parameter_format")
        try c.put(r.peakResidentBytes, "peak_rss_bytes")
        try c.put(r.largestTensorBytes, "largest_tensor_bytes")
        try c.real(r.loadBefore, "load_before")
        try c.real(r.loadAfter, "load_after")
        try c.real(r.checksum, "checksum")
    }
}
