import ExMy
import ExMyAnalysis
import Foundation
import TensorIO

/// The analyzer's throughput on a float32 `.safetensors` checkpoint: parameters per second,
/// parameter·formats per second, wall time, peak memory, and the time of reading the checkpoint alone.
///
/// The checkpoint is either given or written deterministically into a temporary folder (several
/// tensors, streamed to disk in pieces, so that writing it costs no memory). Each run first reads
/// every tensor once without analysing it (`readSeconds`), then runs ``Study/run`` with every scheme
/// over the checkpoint, which reads it again tensor by tensor (`wallSeconds` covers both the reads
/// and the analysis). Use a release build.
public enum AnalyzerBenchmark {
    /// What to measure.
    public struct Configuration: Sendable {
        /// Parameters of the generated checkpoint (ignored with ``input``).
        public var parameters = 100_000_000
        /// The schemes, one per measured format (default ``defaultSchemes``).
        public var schemes = AnalyzerBenchmark.defaultSchemes
        /// An existing `.safetensors` file to analyse instead of a generated one.
        public var input: String?
        /// Where to write the generated checkpoint (kept); a temporary file, removed after, when `nil`.
        public var checkpointPath: String?
        /// Thread counts to run with, one run each (`nil`: every active processor).
        public var threads: [Int?] = [nil]
        /// The seed of the generated data.
        public var seed: UInt64 = 1
        /// The default configuration: a generated checkpoint of 100 million parameters (seed 1) in a
        /// temporary file, the ``defaultSchemes``, one run on every active processor. Nothing is
        /// validated until ``run(_:progress:)``.
        public init() {}
    }

    /// One measured run.
    public struct Result: Sendable {
        /// The path of the checkpoint analysed (given, or generated; a temporary one is removed
        /// after the runs).
        public var checkpoint: String
        /// The number of float parameters analysed: elements of the F32, F64, F16 and BF16 tensors.
        public var parameters: Int
        /// The number of float tensors analysed (other dtypes are skipped).
        public var tensors: Int
        /// The number of schemes (measured formats) each parameter went through.
        public var formats: Int
        /// The threads the study was given.
        public var threads: Int
        /// Seconds to generate and write the checkpoint (0 when given).
        public var generateSeconds: Double
        /// Seconds to read every tensor once, without analysis.
        public var readSeconds: Double
        /// Seconds of the whole study (reading tensor by tensor, pass 1, pass 2, merging).
        public var wallSeconds: Double
        /// Processor seconds (user + system, all threads) the study took: on a shared machine,
        /// what the work cost whatever else was running.
        public var cpuSeconds: Double
        /// Peak resident memory of the process so far (`getrusage` `ru_maxrss`), in bytes.
        public var peakResidentBytes: Int
        /// The largest tensor's size in bytes (one tensor is held at a time).
        public var largestTensorBytes: Int
        /// The machine's load average (1 minute) before the run.
        public var loadBefore: Double
        /// The machine's load average (1 minute) after the run.
        public var loadAfter: Double
        /// Σ over schemes of the summed squared error: a checksum that the work was done.
        public var checksum: Double

        /// ``parameters`` / ``wallSeconds``: parameters analysed per second of the study, all
        /// formats together.
        public var parametersPerSecond: Double { Double(parameters) / wallSeconds }
        /// ``parameters`` · ``formats`` / ``wallSeconds``: parameter·format pairs per second.
        public var parameterFormatsPerSecond: Double { Double(parameters) * Double(formats) / wallSeconds }
    }

    /// The block of the benchmark's FP32 absmax workload: 32, the OCP MX block (the benchmark's
    /// fixed workload, not the command default ``QuantizationScheme/defaultAbsmaxBlock``; its
    /// figures in docs/performance.md were measured with it).
    public static let absmaxBlock = 32

    /// The default 20 measured formats: FP32 absmax over blocks of ``absmaxBlock`` for ten catalog formats
    /// (FP8 `e4m3fn`, `e5m2`, `e4m3fnuz`, `e5m2fnuz`, `e3m4`; FP6 `e2m3fn`, `e3m2fn`; FP4 `e2m1fn`;
    /// FP3 `fp3-e1m1`, `fp3-e2m0`) and eight non-catalog layouts (IEEE bias, subnormals, specials
    /// none: E1M2, E3M0, E1M4, E4M1, E2M4, E3M3, E2M5, E6M1), plus the MXFP4 (E2M1, blocks of 32,
    /// E8M0 floor) and NVFP4 (E2M1, blocks of 16, UE4M3 up, FP32 tensor scale) schemes.
    public static let defaultSchemes: [QuantizationScheme] = {
        let catalog: [FloatFormat] = [.e4m3fn, .e5m2, .e4m3fnuz, .e5m2fnuz, .e3m4, .e2m3fn, .e3m2fn, .e2m1fn, .fp3E1M1, .fp3E2M0]
        let layouts = [(1, 2), (3, 0), (1, 4), (4, 1), (2, 4), (3, 3), (2, 5), (6, 1)].map { e, m in
            // Every layout here is valid: E + M ≤ 7, E ≥ 1.
            try! FloatFormat(exponentBitCount: e, significandBitCount: m, specials: .none, name: nil)
        }
        return (catalog + layouts).map { QuantizationScheme.absmax($0, block: absmaxBlock) }
            + [QuantizationScheme.named("mxfp4")!, QuantizationScheme.named("nvfp4")!]
    }()

    /// The tensors of a generated checkpoint of `parameters` parameters: eight matrices in the
    /// proportions 3:2:1:2:2:1:2:3 with last dimensions 1024, 4096, 1000 (blocks of 32 leave a tail
    /// of 8), 768, 1024, 4096, 1000, 1024, and a one-dimensional tensor with the rest.
    public static func checkpointLayout(parameters: Int) -> [(name: String, shape: [Int], distribution: Distribution)] {
        let parts: [(String, Int, Int, Distribution)] = [
            ("embed.weight", 3, 1024, .normal(sigma: 0.02)),
            ("layers.0.attn.qkv.weight", 2, 4096, .studentT(nu: 4)),
            ("layers.0.attn.out.weight", 1, 1000, .laplace(b: 0.01)),
            ("layers.0.mlp.up.weight", 2, 768, .outliers(rate: 0.001, scale: 50)),
            ("layers.0.mlp.down.weight", 2, 1024, .normal(sigma: 0.01)),
            ("layers.1.attn.qkv.weight", 1, 4096, .studentT(nu: 3)),
            ("layers.1.mlp.up.weight", 2, 1000, .logNormal(mu: -4, sigma: 1)),
            ("lm_head.weight", 3, 1024, .normal(sigma: 0.02)),
        ]
        var result: [(String, [Int], Distribution)] = []
        var used = 0
        for (name, weight, columns, d) in parts {
            let rows = parameters / 16 * weight / columns
            if rows > 0 {
                result.append((name, [rows, columns], d))
                used += rows * columns
            }
        }
        if parameters > used { result.append(("norm.weight", [parameters - used], .uniform(a: 1))) }
        return result.map { (name: $0.0, shape: $0.1, distribution: $0.2) }
    }

    /// The JSON header of the generated checkpoint, padded to a multiple of 8 bytes.
    static func checkpointHeader(_ layout: [(name: String, shape: [Int], distribution: Distribution)]) -> String {
        var json = "{\"__metadata__\":{\"format\":\"pt\",\"generator\":\"exmy bench --analyzer\"}"
        var offset = 0
        for t in layout {
            let bytes = t.shape.reduce(1, *) * 4
            json += ",\"\(t.name)\":{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        json += "}"
        while json.utf8.count % 8 != 0 { json += " " }
        return json
    }

    /// The largest checkpoint ``writeCheckpoint(parameters:to:seed:)`` accepts (2^40 parameters,
    /// 4 TiB), whatever the machine; ``checkResources(_:)`` holds a run to what this one has.
    public static let maximumParameters = 1 << 40

    /// The size in bytes of the generated checkpoint of `parameters` parameters.
    public static func checkpointBytes(parameters: Int) -> Int {
        guard parameters >= 1, parameters <= maximumParameters else { return 0 }
        return 8 + checkpointHeader(checkpointLayout(parameters: parameters)).utf8.count + parameters * 4
    }

    /// Refuses, before anything is written or read, a configuration this machine cannot run: a
    /// generated checkpoint larger than the free space of the folder it goes into (the memory of a
    /// tmpfs included), or a tensor whose analysis needs more memory than is available
    /// (``SystemResources``). The message names the size, the need and the limit.
    public static func checkResources(_ configuration: Configuration) throws {
        let threads = configuration.threads.map { $0 ?? ProcessInfo.processInfo.activeProcessorCount }.max() ?? 1
        let shapes: [(String, [Int])]
        if let input = configuration.input {
            let file = try SafetensorsFile(path: input, skippingUnsupportedDTypes: true)
            shapes = file.tensors.filter { [.float32, .float64, .float16, .bfloat16].contains($0.dtype) }.map { ("\(input): tensor '\($0.name)'", $0.shape) }
        } else {
            let p = configuration.parameters
            guard p >= 1, p <= maximumParameters else {
                throw AnalysisError("a generated checkpoint has 1 to 2^40 parameters, not \(p)")
            }
            let bytes = checkpointBytes(parameters: p)
            let path = configuration.checkpointPath ?? FileManager.default.temporaryDirectory.path
            if let free = SystemResources.freeDiskSpace(at: path), bytes > free {
                let folder = configuration.checkpointPath.map { ($0 as NSString).deletingLastPathComponent } ?? path
                throw AnalysisError("a checkpoint of \(p) parameters takes \(SystemResources.describe(bytes: bytes)) on disk; \(SystemResources.describe(bytes: free)) is free in '\(folder.isEmpty ? "." : folder)'")
            }
            shapes = checkpointLayout(parameters: p).map { ("a checkpoint of \(p) parameters: tensor '\($0.name)' of shape \($0.shape)", $0.shape) }
        }
        for (what, shape) in shapes {
            let bytes = try AnalysisMemory.studyBytes(shape: shape, schemes: configuration.schemes, threads: threads)
            try AnalysisMemory.check(bytes, for: what, advice: "use fewer parameters")
        }
    }

    /// Writes the generated checkpoint to `path`, streaming each tensor in pieces of 1M values.
    /// The file is written under a temporary name beside `path` and renamed over it only when
    /// complete and synced: a full disk or an interruption leaves `path` as it was. Returns the
    /// number of tensors.
    @discardableResult
    public static func writeCheckpoint(parameters: Int, to path: String, seed: UInt64 = 1) throws -> Int {
        guard parameters >= 1 else { throw AnalysisError("the checkpoint needs at least 1 parameter, not \(parameters)") }
        guard parameters <= maximumParameters else { throw AnalysisError("the checkpoint has at most 2^40 parameters, not \(parameters)") }
        let layout = checkpointLayout(parameters: parameters)
        let json = checkpointHeader(layout)
        do {
            let output = try OutputFile(path: path)
            var length = UInt64(json.utf8.count).littleEndian
            try withUnsafeBytes(of: &length) { try output.write($0) }
            try output.write(json)
            let piece = 1 << 20
            var buffer = [Float](repeating: 0, count: piece)
            for (k, t) in layout.enumerated() {
                var g = SeededGenerator(seed: seed &* SplitMix64.increment &+ UInt64(k))
                var left = t.shape.reduce(1, *)
                while left > 0 {
                    let m = min(piece, left)
                    for i in 0..<m { buffer[i] = Float(t.distribution.draw(&g)).littleEndianValue }
                    try buffer.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[0..<(m * 4)])) }
                    left -= m
                }
            }
            try output.commit()
        } catch let error as TensorIOError {
            throw AnalysisError("\(path): writing the checkpoint failed (\(error.message)); the path was left as it was")
        }
        return layout.count
    }

    /// Runs the benchmark: one result per thread count.
    public static func run(_ configuration: Configuration, progress: ((String) -> Void)? = nil) throws -> [Result] {
        guard !configuration.schemes.isEmpty else { throw AnalysisError("the analyzer benchmark needs at least one format") }
        try checkResources(configuration)
        var generateSeconds = 0.0
        let path: String
        var temporary: String?
        if let input = configuration.input {
            path = input
        } else {
            path = configuration.checkpointPath ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("exmy-analyzer-bench-\(ProcessInfo.processInfo.processIdentifier).safetensors").path
            if configuration.checkpointPath == nil { temporary = path }
            progress?("bench --analyzer: writing \(configuration.parameters) parameters to \(path)")
            let start = now()
            try writeCheckpoint(parameters: configuration.parameters, to: path, seed: configuration.seed)
            generateSeconds = now() - start
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        let file = try SafetensorsFile(path: path, skippingUnsupportedDTypes: true)
        let floats = file.tensors.filter { [.float32, .float64, .float16, .bfloat16].contains($0.dtype) }
        let parameters = floats.reduce(0) { $0 + $1.elementCount }
        let largest = floats.map { $0.elementCount * 4 }.max() ?? 0
        let source = DataSource.safetensors(path: path, pattern: nil)
        var results: [Result] = []
        for threads in configuration.threads {
            let loadBefore = loadAverage()
            progress?("bench --analyzer: reading \(path)")
            var start = now()
            var read = 0
            try source.forEachTensor { t in read += t.values.count }
            let readSeconds = now() - start
            guard read == parameters else { throw AnalysisError("\(path): read \(read) of \(parameters) parameters") }
            let n = threads ?? ProcessInfo.processInfo.activeProcessorCount
            progress?("bench --analyzer: \(configuration.schemes.count) formats × \(parameters) parameters, \(n) threads")
            start = now()
            let cpuStart = processorSeconds()
            let rows = try Study.run(configuration.schemes, on: source, threads: n)
            let wall = now() - start
            let cpu = processorSeconds() - cpuStart
            results.append(Result(
                checkpoint: path, parameters: parameters, tensors: floats.count, formats: configuration.schemes.count, threads: n,
                generateSeconds: generateSeconds, readSeconds: readSeconds, wallSeconds: wall, cpuSeconds: cpu, peakResidentBytes: peakResidentBytes(),
                largestTensorBytes: largest, loadBefore: loadBefore, loadAfter: loadAverage(),
                checksum: rows.reduce(0) { $0 + $1.metrics.sumSquaredError }))
        }
        return results
    }

    /// One JSON object per result.
    public static func jsonLines(_ results: [Result]) -> String {
        results.map { r in
            let fields: [(String, String)] = [
                ("benchmark", "\"analyzer\""), ("checkpoint", "\"\(r.checkpoint.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""),
                ("parameters", "\(r.parameters)"), ("tensors", "\(r.tensors)"), ("formats", "\(r.formats)"), ("threads", "\(r.threads)"),
                ("generate_s", json(r.generateSeconds)), ("read_s", json(r.readSeconds)), ("wall_s", json(r.wallSeconds)), ("cpu_s", json(r.cpuSeconds)),
                ("parameters_per_s", json(r.parametersPerSecond)), ("parameter_formats_per_s", json(r.parameterFormatsPerSecond)),
                ("ns_per_parameter_format", json(r.wallSeconds * 1e9 / (Double(r.parameters) * Double(r.formats)))),
                ("cpu_ns_per_parameter_format", json(r.cpuSeconds * 1e9 / (Double(r.parameters) * Double(r.formats)))),
                ("peak_rss_bytes", "\(r.peakResidentBytes)"), ("largest_tensor_bytes", "\(r.largestTensorBytes)"),
                ("load_before", json(r.loadBefore)), ("load_after", json(r.loadAfter)), ("checksum", json(r.checksum)),
            ]
            return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }.joined(separator: "\n")
    }

    /// A Markdown table of the results.
    public static func markdownTable(_ results: [Result]) -> String {
        var lines = [
            "| parameters | tensors | formats | threads | read alone (s) | wall (s) | CPU (s) | parameters/s | parameter·formats/s | ns per parameter·format (wall) | CPU ns per parameter·format | peak RSS (MiB) | largest tensor (MiB) | load avg before → after |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in results {
            lines.append("| \(r.parameters) | \(r.tensors) | \(r.formats) | \(r.threads) | \(String(format: "%.2f", r.readSeconds)) | \(String(format: "%.2f", r.wallSeconds)) | \(String(format: "%.2f", r.cpuSeconds)) | "
                + "\(String(format: "%.3g", r.parametersPerSecond)) | \(String(format: "%.3g", r.parameterFormatsPerSecond)) | "
                + "\(String(format: "%.2f", r.wallSeconds * 1e9 / (Double(r.parameters) * Double(r.formats)))) | "
                + "\(String(format: "%.2f", r.cpuSeconds * 1e9 / (Double(r.parameters) * Double(r.formats)))) | "
                + "\(String(format: "%.0f", Double(r.peakResidentBytes) / 1_048_576)) | \(String(format: "%.0f", Double(r.largestTensorBytes) / 1_048_576)) | "
                + "\(String(format: "%.2f → %.2f", r.loadBefore, r.loadAfter)) |")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The peak resident set size of this process, in bytes (Linux reports KiB, macOS bytes).
    package static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss)
        #endif
    }

    /// User + system processor seconds of this process so far (every thread).
    static func processorSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return .nan }
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return .nan }
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The 1-minute load average (`getloadavg`), or NaN where unavailable.
    static func loadAverage() -> Double {
        var load = [0.0, 0.0, 0.0]
        return getloadavg(&load, 3) >= 1 ? load[0] : .nan
    }
}

private extension Float {
    /// The value whose in-memory bytes are this value's little-endian bytes.
    var littleEndianValue: Float { Float(bitPattern: bitPattern.littleEndian) }
}
