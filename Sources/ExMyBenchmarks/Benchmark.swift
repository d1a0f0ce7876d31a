internal import CExMyBenchmarkKernels
internal import CExMyKernels
import Dispatch
import ExMy
import Foundation

/// The batch-conversion benchmark behind `exmy bench`.
///
/// Each measurement times one conversion and, in the same run and interleaved with it, a stream
/// kernel that moves the same bytes (for Float → 8-bit: 4 bytes read and 1 byte written per
/// element) over the same buffers with the same threads: the machine's memory-bandwidth limit for
/// that traffic. The report gives elements per second and the fraction of that limit. Both are the
/// best of several repetitions (each at least ``Configuration/minimumSeconds`` of work), so a busy
/// shared machine biases toward what the code can do rather than toward the noise.
///
/// Data: normally distributed values with standard deviation `greatestFiniteMagnitude / 8` of the
/// target format (scaled data, as after an absmax scale; essentially nothing overflows), drawn
/// from a fixed ``CounterRandom`` seed; decoding reads the codes of that data.
public enum ExMyBenchmark {
    /// One conversion to measure.
    public struct Case: Hashable, Sendable, Codable {
        /// What is measured.
        public enum Operation: String, Hashable, Sendable, Codable {
            /// Values into one code per byte (``BatchEncoder``).
            case encode
            /// Values into codes packed at the format's bit width (e.g. two FP4 codes per byte).
            /// Spelled `encode-packed`.
            case encodePacked = "encode-packed"
            /// One code per byte into values (``BatchDecoder``).
            case decode
            /// Codes packed at the format's bit width into values. Spelled `decode-packed`.
            case decodePacked = "decode-packed"
        }
        /// The format spelling (`FloatFormat(parsing:)`).
        public var format: String
        /// Whether values are encoded or codes decoded, and whether the codes are packed.
        public var operation: Operation
        /// The value type read (encode) or written (decode).
        public var valueType: String
        /// The rounding rule (`"nearest-even"`, `"stochastic-a8"`, …).
        public var rule: String

        /// Creates a case; `valueType` is stored as its raw value. Nothing is parsed here:
        /// ``ExMyBenchmark/run(_:progress:)`` throws ``FormatError`` for an unknown format or rule.
        public init(format: String, operation: Operation, valueType: BatchElementKind = .float, rule: String = "nearest-even") {
            self.format = format
            self.operation = operation
            self.valueType = valueType.rawValue
            self.rule = rule
        }

        /// A short name: `encode float→e4m3fn`, `decode-packed e2m1fn→float`, …
        public var name: String {
            let r = rule == "nearest-even" ? "" : " [\(rule)]"
            switch operation {
            case .encode, .encodePacked: return "\(operation.rawValue) \(valueType)→\(format)\(r)"
            case .decode, .decodePacked: return "\(operation.rawValue) \(format)→\(valueType)\(r)"
            }
        }
    }

    /// What to run.
    public struct Configuration: Hashable, Sendable {
        /// The conversions to measure, in order.
        public var cases: [Case]
        /// Element counts.
        public var sizes: [Int]
        /// Thread counts (each case runs with each).
        public var threads: [Int]
        /// Minimum work per timed repetition, in seconds (short arrays are converted repeatedly).
        public var minimumSeconds: Double
        /// Timed repetitions per measurement (the best is kept).
        public var repetitions: Int

        /// Creates a configuration as given. ``ExMyBenchmark/run(_:progress:)`` throws ``BatchError``
        /// for sizes or thread counts below 1 and for sizes whose buffers the machine cannot afford.
        public init(cases: [Case], sizes: [Int], threads: [Int], minimumSeconds: Double = 0.02, repetitions: Int = 5) {
            self.cases = cases
            self.sizes = sizes
            self.threads = threads
            self.minimumSeconds = minimumSeconds
            self.repetitions = repetitions
        }

        /// The standard cases: encode Float → E4M3FN, E5M2, E2M1FN (packed), E3M2FN, E3M3 (no
        /// subnormals, bias 5), Double → E4M3FN, decoding of each, and stochastic rounding.
        public static let standardCases: [Case] = [
            Case(format: "e4m3fn", operation: .encode),
            Case(format: "e5m2", operation: .encode),
            Case(format: "e2m1fn", operation: .encodePacked),
            Case(format: "e3m2fn", operation: .encode),
            Case(format: "e3m3:bias=5,subnormals=off", operation: .encode),
            Case(format: "e4m3fn", operation: .encode, valueType: .double),
            Case(format: "e4m3fn", operation: .encode, rule: "stochastic-a8"),
            Case(format: "e2m1fn", operation: .encodePacked, rule: "stochastic-a8"),
            Case(format: "e4m3fn", operation: .decode),
            Case(format: "e5m2", operation: .decode),
            Case(format: "e2m1fn", operation: .decodePacked),
            Case(format: "e3m2fn", operation: .decode),
            Case(format: "e3m3:bias=5,subnormals=off", operation: .decode),
            Case(format: "e4m3fn", operation: .decode, valueType: .double),
        ]

        /// Every standard case at one cache-resident size (64K elements) and one memory-bound size
        /// (``memoryBoundSize``), one thread and all cores.
        public static var standard: Configuration {
            Configuration(cases: standardCases, sizes: [1 << 16, memoryBoundSize], threads: [1, ProcessInfo.processInfo.activeProcessorCount])
        }

        /// The element count at which a conversion streams from memory rather than from the last-level
        /// cache: at least 16M, and large enough that the `Float` input alone is twice
        /// ``lastLevelCacheBytes`` (rounded up to a multiple of 1M elements; 16M on a 32 MiB L3,
        /// 150M on a 300 MiB one). At most an eighth of the physical memory is spent on the inputs.
        public static var memoryBoundSize: Int {
            let mebi = 1 << 20
            let wanted = max(1 << 24, (2 * lastLevelCacheBytes / 4 + mebi - 1) / mebi * mebi)
            let affordable = Int(clamping: ProcessInfo.processInfo.physicalMemory / 8) / 8 / mebi * mebi
            return max(1 << 24, min(wanted, affordable))
        }

        /// The last-level cache of this machine, all of its instances together, from Linux's sysfs;
        /// 32 MiB where that cannot be read (the size ``StreamingStores`` also decides by).
        public static var lastLevelCacheBytes: Int { StreamingStores.lastLevelCacheBytes }

        /// One line on the machine: the last-level cache and the memory-bound size (for reports).
        public static var machineSummary: String {
            let llc = StreamingStores.lastLevelCacheKnown ? "\(lastLevelCacheBytes >> 20) MiB" : "unknown (32 MiB assumed)"
            return "last-level cache \(llc); memory-bound size \(memoryBoundSize) elements; loops \(EncodeLoops.selected.name)"
        }

        /// How cost grows with length: 1K … 256M elements (256M Floats and their codes are 1.25 GiB;
        /// sizes whose buffers would pass half the physical memory are left out) for the main
        /// encode, decode and stochastic cases.
        public static var scaling: Configuration {
            Configuration(
                cases: [standardCases[0], standardCases[6], standardCases[8]],
                sizes: (0...18).filter { $0 % 2 == 0 || $0 == 17 }.map { 1 << (10 + $0) }.filter { $0 <= ExMyBenchmark.largestAffordable(bytesPerElement: 5) },
                threads: [1, ProcessInfo.processInfo.activeProcessorCount])
        }
    }

    /// Runs the configuration. `progress` sees each result as it is measured.
    ///
    /// - Throws: ``FormatError`` for an unknown format or rule spelling, ``BatchError`` for a
    ///   case the batch API refuses (packing a wide format).
    public static func run(_ configuration: Configuration = .standard, progress: ((BenchmarkResult) -> Void)? = nil) throws -> [BenchmarkResult] {
        guard configuration.sizes.allSatisfy({ $0 > 0 }), configuration.threads.allSatisfy({ $0 > 0 }) else {
            throw BatchError(.invalidArgument, "benchmark sizes and thread counts must be positive")
        }
        let maxCount = configuration.sizes.max() ?? 0
        guard maxCount > 0 else { return [] }
        // Both regions together within half the physical memory and the memory available now.
        try checkAffordable(configuration)
        let bytesPerElement = bufferBytesPerElement(configuration)
        // Region A: values (Float or Double input, Float or Double output); region B: 1 byte per
        // element (codes). Allocated once: 5 (9 with Double cases) bytes per element of the largest size.
        // Double cases need 8 bytes per element in region A.
        let bytesA = bytesPerElement - 1
        let regionA = UnsafeMutableRawPointer.allocate(byteCount: bytesA * maxCount + 64, alignment: 64)
        let regionB = UnsafeMutableRawPointer.allocate(byteCount: maxCount + 64, alignment: 64)
        defer { regionA.deallocate(); regionB.deallocate() }
        var results: [BenchmarkResult] = []
        for c in configuration.cases {
            let format = try FloatFormat(parsing: c.format)
            let rule = try parseRule(c.rule)
            let kind = BatchElementKind(rawValue: c.valueType) ?? .float
            let elementBytes = kind.byteCount
            let capacity = (bytesA * maxCount) / elementBytes
            let encoder = try BatchEncoder(format, rounding: rule, nanPolicy: .zero)
            let decoder = BatchDecoder(format)
            let decoding = c.operation == .decode || c.operation == .decodePacked
            // Double inputs run on the kernels only where the rule reads them exactly.
            let encoderVectorKernel = kind == .double ? encoder.runsDoublesOnVectorKernel : encoder.usesVectorKernel
            let packedCodes = c.operation == .decodePacked || c.operation == .encodePacked
            if decoding {
                // The codes of the data (not timed); decoding then overwrites region A.
                fillValues(format, .float, regionA, maxCount)
                let bytes = try CodePacking.packedByteCount(count: maxCount, bitWidth: packedCodes ? format.bitWidth : 8)
                _ = try encoder.encode(raw: UnsafeRawBufferPointer(start: regionA, count: maxCount * 4), as: .float,
                                       into: UnsafeMutableRawBufferPointer(start: regionB, count: bytes),
                                       codeByteCount: 1, packed: packedCodes, options: BatchOptions(seed: 1))
            } else {
                fillValues(format, kind, regionA, min(capacity, maxCount))
            }
            for n in configuration.sizes where n <= capacity {
                for t in configuration.threads {
                    let options = BatchOptions(threads: t, seed: 1)
                    let packedBytes = try CodePacking.packedByteCount(count: n, bitWidth: min(format.bitWidth, 8))
                    let work: () throws -> Void
                    let traffic: Traffic
                    switch c.operation {
                    case .encode:
                        traffic = Traffic(read: elementBytes, writeNumerator: 1, writeDenominator: 1)
                        work = {
                            _ = try encoder.encode(raw: UnsafeRawBufferPointer(start: regionA, count: n * elementBytes), as: kind,
                                                   into: UnsafeMutableRawBufferPointer(start: regionB, count: n), codeByteCount: 1, options: options)
                        }
                    case .encodePacked:
                        traffic = Traffic(read: elementBytes, writeNumerator: format.bitWidth, writeDenominator: 8)
                        work = {
                            _ = try encoder.encode(raw: UnsafeRawBufferPointer(start: regionA, count: n * elementBytes), as: kind,
                                                   into: UnsafeMutableRawBufferPointer(start: regionB, count: packedBytes), codeByteCount: 1,
                                                   packed: true, options: options)
                        }
                    case .decode, .decodePacked:
                        let packed = c.operation == .decodePacked
                        traffic = Traffic(read: 0, writeNumerator: 0, writeDenominator: 1, decodeRead: packed ? format.bitWidth : 8, decodeWrite: elementBytes)
                        let codes = UnsafeBufferPointer(start: regionB.assumingMemoryBound(to: UInt8.self), count: packed ? packedBytes : n)
                        work = {
                            switch kind {
                            case .double:
                                let out = UnsafeMutableBufferPointer(start: regionA.assumingMemoryBound(to: Double.self), count: n)
                                if packed { try decoder.decodePacked(codes, count: n, into: out, threads: t) } else { try decoder.decode(codes, into: out, threads: t) }
                            default:
                                let out = UnsafeMutableBufferPointer(start: regionA.assumingMemoryBound(to: Float.self), count: n)
                                if packed { try decoder.decodePacked(codes, count: n, into: out, threads: t) } else { try decoder.decode(codes, into: out, threads: t) }
                            }
                        }
                    }
                    // The limit kernel, each copy this CPU runs, with ordinary and with streaming
                    // stores (the fastest sets the limit).
                    var limits: [() -> Void] = []
                    for loops in EncodeLoops.allCases where loops.available == loops {
                        for streaming in [false, true] {
                            limits.append({ simdStreamKernel(loops, traffic, regionA, regionB, n, t, streaming: streaming) })
                        }
                    }
                    let (caseTime, limitTime) = try measure(work, limits, n, configuration)
                    let r = BenchmarkResult(
                        caseName: c.name, format: c.format, operation: c.operation.rawValue, valueType: c.valueType, rule: c.rule,
                        elements: n, threads: t, seconds: caseTime, elementsPerSecond: Double(n) / caseTime,
                        bytesPerElement: traffic.bytesPerElement, limitSeconds: limitTime,
                        limitElementsPerSecond: Double(n) / limitTime, fractionOfLimit: limitTime / caseTime,
                        vectorKernel: decoding ? format.bitWidth <= 8 : encoderVectorKernel,
                        loops: decoding ? (!packedCodes && decoder.usesArithmeticKernel(kind) ? decoder.loops.name : "portable")
                            : (encoderVectorKernel ? encoder.loops.name : "portable"))
                    progress?(r)
                    results.append(r)
                }
            }
        }
        return results
    }

    /// Results as JSON Lines (one object per line), the format `Benchmarks/compare_ml_dtypes.py` reads:
    /// the keys of `exmy bench --json` (snake_case: `case_name`, `elements_per_second`, …; see
    /// docs/json.md), without its `schema_version`, `command` and `benchmark` fields. A result with a
    /// non-finite rate (a zero time) is left out.
    public static func jsonLines(_ results: [BenchmarkResult]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return results.compactMap { (try? encoder.encode($0)).flatMap { String(data: $0, encoding: .utf8) } }.joined(separator: "\n")
    }

    /// Results as a Markdown table.
    public static func markdownTable(_ results: [BenchmarkResult]) -> String {
        var lines = ["| case | elements | threads | Melem/s | limit Melem/s | fraction of limit |", "|---|---:|---:|---:|---:|---:|"]
        for r in results {
            lines.append(String(format: "| %@ | %d | %d | %.0f | %.0f | %.2f |", r.caseName, r.elements, r.threads,
                                r.elementsPerSecond / 1e6, r.limitElementsPerSecond / 1e6, r.fractionOfLimit))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: Pieces

    /// The most elements whose benchmark buffers (`bytesPerElement` each) fit in half the physical
    /// memory and in three quarters of the memory available now (``SystemResources``: `MemAvailable`
    /// and the cgroup limit), so that a size too large is refused before anything is allocated.
    public static func largestAffordable(bytesPerElement: Int) -> Int {
        var budget = Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)
        if let available = SystemResources.availableMemory() { budget = min(budget, available / 4 * 3) }
        return budget / max(1, bytesPerElement)
    }

    /// Throws ``BatchError/Kind/tooLarge`` when the largest size's buffers do not fit
    /// (``largestAffordable(bytesPerElement:)``); the message names the size, the bytes it needs
    /// and the limit. ``run(_:progress:)`` checks this before allocating anything.
    public static func checkAffordable(_ configuration: Configuration) throws(BatchError) {
        guard let maxCount = configuration.sizes.max(), maxCount > 0 else { return }
        let bytesPerElement = bufferBytesPerElement(configuration)
        let affordable = largestAffordable(bytesPerElement: bytesPerElement)
        guard maxCount <= affordable else {
            let (bytes, overflow) = maxCount.multipliedReportingOverflow(by: bytesPerElement)
            let need = overflow ? "more than \(SystemResources.describe(bytes: .max))" : SystemResources.describe(bytes: bytes)
            throw BatchError(.tooLarge, "\(maxCount) elements need \(need) of buffers (\(bytesPerElement) bytes each); at most \(affordable) elements fit (\(affordabilityLimit))")
        }
    }

    /// The limit ``largestAffordable(bytesPerElement:)`` applies, in words.
    static var affordabilityLimit: String {
        let half = "half the physical memory, \(SystemResources.describe(bytes: Int(clamping: ProcessInfo.processInfo.physicalMemory / 2)))"
        guard let available = SystemResources.availableMemory() else { return half }
        return "\(half), and three quarters of the \(SystemResources.describe(bytes: available)) of memory available now (MemAvailable and the cgroup limit)"
    }

    /// The bytes of buffer per element the configuration's cases need (5, or 9 with `Double` cases).
    public static func bufferBytesPerElement(_ configuration: Configuration) -> Int {
        (configuration.cases.contains { $0.valueType == BatchElementKind.double.rawValue } ? 8 : 4) + 1
    }

    static func parseRule(_ s: String) throws -> RoundingRule { try RoundingRule(parsing: s) }

    /// Fills region A with normally distributed values (σ = greatestFiniteMagnitude / 8).
    static func fillValues(_ format: FloatFormat, _ kind: BatchElementKind, _ region: UnsafeMutableRawPointer, _ count: Int) {
        let sigma = min(format.greatestFiniteMagnitude, Double(Float.greatestFiniteMagnitude)) / 8
        let stream = CounterRandom(seed: 20_260_401)
        let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count >> 16))
        let box = UncheckedSendable(region)
        _ = BatchParallel.run(count: count, threads: threads) { range in
            for i in range {
                let w = stream.word(index: UInt64(i))
                // Box–Muller from two 32-bit halves.
                let u1 = (Double(w >> 32) + 1) / 4_294_967_297.0
                let u2 = Double(w & 0xFFFF_FFFF) / 4_294_967_296.0
                let v = sigma * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
                switch kind {
                case .double: box.value.storeBytes(of: v, toByteOffset: 8 * i, as: Double.self)
                case .float16, .bfloat16: box.value.storeBytes(of: UInt16(truncatingIfNeeded: Float(v).bitPattern >> 16), toByteOffset: 2 * i, as: UInt16.self)
                case .float: box.value.storeBytes(of: Float(v), toByteOffset: 4 * i, as: Float.self)
                }
            }
            return 0
        }
    }

    /// Bytes moved per element.
    struct Traffic {
        var read: Int
        var writeNumerator: Int
        var writeDenominator: Int
        var decodeRead = 0       // bits of code read per element (decoding)
        var decodeWrite = 0      // bytes written per element (decoding)
        var bytesPerElement: Double {
            decodeWrite > 0 ? Double(decodeRead) / 8 + Double(decodeWrite) : Double(read) + Double(writeNumerator) / Double(writeDenominator)
        }
    }

    /// The limit kernel: `exmy_simd_stream_blocks` (CExMyBenchmarkKernels, copy `loops`), with the
    /// conversion's traffic over the same buffers and threads (as many as the conversion gets for
    /// `n` elements: ``BatchParallel/threadCount(_:_:)``). It folds (XOR of input vectors into fewer
    /// output vectors) or splats (one input vector stored several times) whole 32-byte vectors block
    /// by block and prefetches its input the way the encode kernels do, so that the encoder's
    /// software prefetching or instruction set cannot beat the limit merely because the stream lacks
    /// them. With `streaming`, its stores are non-temporal (``StreamingStores``): the limit is the
    /// faster of the two, so a conversion that streams its stores is measured against a stream that
    /// does too.
    static func simdStreamKernel(
        _ loops: EncodeLoops, _ traffic: Traffic, _ a: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer, _ n: Int, _ threads: Int,
        streaming: Bool
    ) {
        let isa = loops.isa
        // Bits read and written per element, and which region is read.
        let decoding = traffic.decodeWrite > 0
        let readBits = decoding ? traffic.decodeRead : 8 * traffic.read
        let writeBits = decoding ? 8 * traffic.decodeWrite : 8 * traffic.writeNumerator / traffic.writeDenominator
        let box = UncheckedSendable((decoding ? b : a, decoding ? a : b))
        _ = BatchParallel.run(count: n, threads: BatchParallel.threadCount(threads, n)) { range in
            let (src, dst) = box.value
            let size = BatchParallel.blockSize
            let blocks = range.count / size
            let inBlock = size * readBits / 8, outBlock = size * writeBits / 8
            let s = (src + range.lowerBound * readBits / 8).assumingMemoryBound(to: UInt8.self)
            let d = (dst + range.lowerBound * writeBits / 8).assumingMemoryBound(to: UInt8.self)
            let nt: Int32 = streaming ? 1 : 0
            exmy_simd_stream_blocks(isa, s, inBlock, d, outBlock, blocks, nt)
            // The last, partial block: whole 32-byte vectors of it.
            let tail = range.count - blocks * size
            let tailIn = tail * readBits / 8 / 32 * 32, tailOut = tail * writeBits / 8 / 32 * 32
            if tailIn > 0 && tailOut > 0 {
                exmy_simd_stream_blocks(isa, s + blocks * inBlock, tailIn, d + blocks * outBlock, tailOut, 1, nt)
            }
            if streaming { exmy_streaming_fence() }
            return 0
        }
    }

    /// Times `work` and the `limits`, interleaved, best of `repetitions` each (the best limit kernel).
    static func measure(_ work: () throws -> Void, _ limits: [() -> Void], _ n: Int, _ c: Configuration) throws -> (Double, Double) {
        // Warm up and size the inner loop so a repetition lasts at least minimumSeconds.
        try work()
        for limit in limits { limit() }
        var inner = 1
        while true {
            let t0 = now()
            for _ in 0..<inner { try work() }
            let dt = now() - t0
            if dt >= c.minimumSeconds || inner >= 1 << 20 { break }
            inner = max(inner * 2, Int((c.minimumSeconds / max(dt, 1e-9)) * Double(inner) * 1.2))
        }
        var bestWork = Double.infinity, bestLimit = Double.infinity
        for _ in 0..<max(1, c.repetitions) {
            var t0 = now()
            for limit in limits {
                t0 = now()
                for _ in 0..<inner { limit() }
                bestLimit = min(bestLimit, (now() - t0) / Double(inner))
            }
            t0 = now()
            for _ in 0..<inner { try work() }
            bestWork = min(bestWork, (now() - t0) / Double(inner))
        }
        return (bestWork, bestLimit)
    }

    static func now() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }
}

/// One measurement.
public struct BenchmarkResult: Hashable, Sendable, Codable {
    /// The case's short name (``ExMyBenchmark/Case/name``).
    public var caseName: String
    /// The format spelling, as the case gave it.
    public var format: String
    /// The operation's raw value (`encode`, `encode-packed`, `decode`, `decode-packed`).
    public var operation: String
    /// The value type's raw value (`float`, `double`, …), as the case gave it.
    public var valueType: String
    /// The rounding rule's spelling, as the case gave it.
    public var rule: String
    /// The number of elements converted per timed conversion.
    public var elements: Int
    /// The thread count the conversion was given.
    public var threads: Int
    /// Best time of one conversion of `elements` elements.
    public var seconds: Double
    /// ``elements`` / ``seconds``.
    public var elementsPerSecond: Double
    /// Bytes read plus written per element (the traffic the limit kernel moves).
    public var bytesPerElement: Double
    /// Best time of the stream kernel with the same traffic.
    public var limitSeconds: Double
    /// ``elements`` / ``limitSeconds``: the rate the memory-bandwidth limit allows.
    public var limitElementsPerSecond: Double
    /// `limitSeconds / seconds`: 1 means the conversion runs at the memory-bandwidth limit.
    public var fractionOfLimit: Double
    /// Whether the vector kernels (encode) or the lookup table (decode) ran.
    public var vectorKernel: Bool
    /// Which loops ran: `avx512` or `avx2` (the C loops of `CExMyKernels`, chosen at run time by the
    /// CPU's instruction sets) or `portable` (the portable C instance; for decoding, the table path).
    /// `EXMY_KERNELS=portable|avx2` caps the choice.
    public var loops: String
}
