internal import CExMyKernels

/// Batch conversion into a format: `Float`, `Double`, `Float16` and bfloat16 buffers in, codes out.
///
/// An encoder fixes the format, the rounding rule, the overflow rule and the NaN policy, and
/// precomputes the vector kernels' parameters once. Every element gets exactly the code (and the
/// flags) of the scalar engine, `FloatFormat.encode`, with the same rules; stochastic rules draw
/// element `k`'s random bits from a ``CounterRandom`` stream at index `startIndex + k`, so
/// the result never depends on the thread count or on how the array is cut into calls.
///
/// ```swift
/// let encoder = try BatchEncoder(.e4m3fn)                       // nearest-even, overflow none
/// let (codes, status) = try encoder.encode([0.3, 500, -1e-3] as [Float], as: UInt8.self)
/// // codes == [0x2A, 0x7F, 0x81], status == [inexact, underflow, overflow]
/// let fp4 = try BatchEncoder(.e2m1fn, rounding: .stochasticA(bits: 8))
/// let (packed, _) = try fp4.encodePacked(values, options: .init(seed: 42))   // two codes per byte
/// ```
///
/// Speed: the vector path runs C loops written once with vector extensions: on x86-64 CPUs with
/// AVX2 their AVX2 instance (and AVX-512 where the CPU has it, chosen by a run-time CPU check, no
/// build flags needed), elsewhere (arm64, older x86-64) their portable instance; all give the same
/// codes. `EXMY_KERNELS=portable|avx2` in the environment caps the choice (``EncodeLoops``). See
/// `docs/performance.md`.
///
/// Flags: the returned ``ConversionStatus`` is the union of every element's flags. Memory: the
/// output plus a constant (a few blocks of 2048 elements per thread); nothing is allocated per
/// element. Errors: mismatched lengths, misaligned or too large buffers and code types narrower
/// than the format throw ``BatchError`` before anything is written; a NaN into a format without NaN
/// throws after the conversion under ``BatchNaNPolicy/error`` (see there what the output holds).
public struct BatchEncoder: Sendable {
    /// The target format.
    public let format: FloatFormat
    /// The rounding rule.
    public let rounding: RoundingRule
    /// The overflow rule.
    public let overflow: OverflowRule
    /// What a NaN becomes in a format without NaN.
    public let nanPolicy: BatchNaNPolicy

    var plan: FastEncodePlan?
    let formatHasNaN: Bool

    /// Creates an encoder.
    ///
    /// - Throws: ``FormatError`` for a stochastic rule with a bit count outside 1 … 62;
    ///   ``BatchError`` for NaN-policy codes that do not fit the format.
    public init(
        _ format: FloatFormat, rounding: RoundingRule = .toNearestOrEven, overflow: OverflowRule = .none,
        nanPolicy: BatchNaNPolicy = .error
    ) throws {
        _ = try rounding.validated()
        if case .codes(let p, let n) = nanPolicy, p & ~format.codeMask != 0 || n & ~format.codeMask != 0 {
            throw BatchError(.invalidArgument, "the NaN policy's codes \(p), \(n) do not fit in the \(format.bitWidth)-bit format")
        }
        self.format = format
        self.rounding = rounding
        self.overflow = overflow
        self.nanPolicy = nanPolicy
        self.plan = FastEncodePlan(format: format, rounding: rounding)
        self.formatHasNaN = format.nanCode() != nil
    }

    /// Whether this (format, rule) runs on the vector kernels; otherwise every element goes through
    /// the scalar engine (same results, slower).
    public var usesVectorKernel: Bool { plan != nil }

    /// Whether `Double` inputs, narrowed to `Float` precision rounding to odd, run on the vector
    /// kernels too (every rule that reads no bit as low as the odd bit); otherwise they go through
    /// the scalar engine element by element.
    package var runsDoublesOnVectorKernel: Bool { plan?.acceptsNarrowedDoubles ?? false }

    /// Which loops the vector path runs (``EncodeLoops/selected``); `.portable` when there is no
    /// vector path.
    package var loops: EncodeLoops { plan?.loops ?? .portable }

    /// The same encoder running `loops` (where this CPU can: else the widest loops below them).
    /// Results are identical by construction; the tests run every variant.
    func withLoops(_ loops: EncodeLoops) -> BatchEncoder {
        var e = self
        if e.plan?.kernel != .identity { e.plan?.loops = loops.available }
        return e
    }

    // MARK: Typed buffers

    /// Encodes `source` into `codes` (one code per element, in the low bits of each `Code`).
    ///
    /// - Returns: the union of every element's flags.
    /// - Throws: ``BatchError`` for mismatched lengths, misaligned buffers, a `Code` narrower than
    ///   the format, or a NaN under ``BatchNaNPolicy/error``.
    public func encode<Source: BatchFloatingPoint, Code: BatchCode>(
        _ source: UnsafeBufferPointer<Source>, into codes: UnsafeMutableBufferPointer<Code>, options: BatchOptions = .init()
    ) throws -> ConversionStatus {
        try BatchChecks.aligned(UnsafeRawPointer(source.baseAddress), Source.self, "input")
        try BatchChecks.aligned(UnsafeRawPointer(codes.baseAddress), Code.self, "output")
        try BatchChecks.sameLength(source.count, codes.count, "encode")
        return try run(
            UnsafeRawPointer(source.baseAddress), Source.batchElementKind, source.count,
            UnsafeMutableRawPointer(codes.baseAddress), .codes(byteCount: MemoryLayout<Code>.size), options)
    }

    /// Encodes bfloat16 values, given as their bit patterns.
    public func encode<Code: BatchCode>(
        bfloat16Bits source: UnsafeBufferPointer<UInt16>, into codes: UnsafeMutableBufferPointer<Code>, options: BatchOptions = .init()
    ) throws -> ConversionStatus {
        try BatchChecks.aligned(UnsafeRawPointer(source.baseAddress), UInt16.self, "input")
        try BatchChecks.aligned(UnsafeRawPointer(codes.baseAddress), Code.self, "output")
        try BatchChecks.sameLength(source.count, codes.count, "encode")
        return try run(
            UnsafeRawPointer(source.baseAddress), .bfloat16, source.count,
            UnsafeMutableRawPointer(codes.baseAddress), .codes(byteCount: MemoryLayout<Code>.size), options)
    }

    /// Encodes `source` into packed codes (formats of at most 8 bits): FP4 two per byte (first
    /// element in the low nibble), FP6 four per three bytes; see ``CodePacking`` for the bit order.
    /// `bytes` must hold exactly `CodePacking.packedByteCount(count: source.count, bitWidth: format.bitWidth)`.
    public func encodePacked<Source: BatchFloatingPoint>(
        _ source: UnsafeBufferPointer<Source>, into bytes: UnsafeMutableBufferPointer<UInt8>, options: BatchOptions = .init()
    ) throws -> ConversionStatus {
        try BatchChecks.aligned(UnsafeRawPointer(source.baseAddress), Source.self, "input")
        try checkPacked(source.count, bytes.count)
        return try run(
            UnsafeRawPointer(source.baseAddress), Source.batchElementKind, source.count,
            UnsafeMutableRawPointer(bytes.baseAddress), .packed(bitWidth: format.bitWidth), options)
    }

    /// Encodes bfloat16 values (bit patterns) into packed codes.
    public func encodePacked(
        bfloat16Bits source: UnsafeBufferPointer<UInt16>, into bytes: UnsafeMutableBufferPointer<UInt8>, options: BatchOptions = .init()
    ) throws -> ConversionStatus {
        try BatchChecks.aligned(UnsafeRawPointer(source.baseAddress), UInt16.self, "input")
        try checkPacked(source.count, bytes.count)
        return try run(
            UnsafeRawPointer(source.baseAddress), .bfloat16, source.count,
            UnsafeMutableRawPointer(bytes.baseAddress), .packed(bitWidth: format.bitWidth), options)
    }

    // MARK: Raw memory (memory-mapped tensors, byte buffers)

    /// Encodes raw memory holding `kind` elements into raw memory holding codes of `codeByteCount`
    /// bytes each (1, 2, 4 or 8; native byte order), or packed codes when `packed` is true.
    ///
    /// - Throws: ``BatchError`` when a byte count is not a multiple of the element size, a buffer is
    ///   misaligned for its element type, or the lengths do not match.
    public func encode(
        raw source: UnsafeRawBufferPointer, as kind: BatchElementKind, into output: UnsafeMutableRawBufferPointer,
        codeByteCount: Int, packed: Bool = false, options: BatchOptions = .init()
    ) throws -> ConversionStatus {
        guard source.count % kind.byteCount == 0 else {
            throw BatchError(.misaligned, "the input holds \(source.count) bytes, not a whole number of \(kind.byteCount)-byte \(kind) elements")
        }
        let n = source.count / kind.byteCount
        if source.baseAddress.map({ Int(bitPattern: $0) % kind.byteCount != 0 }) ?? false {
            throw BatchError(.misaligned, "the input at \(source.baseAddress!) is not aligned to \(kind.byteCount) bytes for \(kind) elements; copy it into an aligned buffer")
        }
        if packed {
            try checkPacked(n, output.count)
            return try run(source.baseAddress, kind, n, output.baseAddress, .packed(bitWidth: format.bitWidth), options)
        }
        guard [1, 2, 4, 8].contains(codeByteCount) else {
            throw BatchError(.invalidArgument, "codeByteCount must be 1, 2, 4 or 8, not \(codeByteCount)")
        }
        guard output.count % codeByteCount == 0 else {
            throw BatchError(.misaligned, "the output holds \(output.count) bytes, not a whole number of \(codeByteCount)-byte codes")
        }
        if output.baseAddress.map({ Int(bitPattern: $0) % codeByteCount != 0 }) ?? false {
            throw BatchError(.misaligned, "the output at \(output.baseAddress!) is not aligned to \(codeByteCount) bytes")
        }
        try BatchChecks.sameLength(n, output.count / codeByteCount, "encode")
        return try run(source.baseAddress, kind, n, output.baseAddress, .codes(byteCount: codeByteCount), options)
    }

    // MARK: Arrays

    /// Encodes an array, returning one code per element.
    ///
    /// ```swift
    /// let (codes, status) = try BatchEncoder(.e5m2).encode(values, as: UInt8.self)
    /// ```
    public func encode<Source: BatchFloatingPoint, Code: BatchCode>(
        _ source: [Source], as _: Code.Type = UInt8.self, options: BatchOptions = .init()
    ) throws -> (codes: [Code], status: ConversionStatus) {
        var status: ConversionStatus = []
        let codes = try [Code](unsafeUninitializedCapacity: source.count) { buffer, initialized in
            // Initialise first so that a throw leaves a valid array behind.
            buffer.initialize(repeating: 0)
            initialized = source.count
            status = try source.withUnsafeBufferPointer { try encode($0, into: buffer, options: options) }
        }
        return (codes, status)
    }

    /// Encodes an array into packed codes.
    public func encodePacked<Source: BatchFloatingPoint>(
        _ source: [Source], options: BatchOptions = .init()
    ) throws -> (bytes: [UInt8], status: ConversionStatus) {
        let n = try CodePacking.packedByteCount(count: source.count, bitWidth: format.bitWidth)
        var status: ConversionStatus = []
        let bytes = try [UInt8](unsafeUninitializedCapacity: n) { buffer, initialized in
            buffer.initialize(repeating: 0)
            initialized = n
            status = try source.withUnsafeBufferPointer { try encodePacked($0, into: buffer, options: options) }
        }
        return (bytes, status)
    }

    // MARK: Driver

    enum Layout: Equatable {
        case codes(byteCount: Int)
        case packed(bitWidth: Int)
    }

    struct Job: @unchecked Sendable {
        let source: UnsafeRawPointer?
        let kind: BatchElementKind
        let count: Int
        let output: UnsafeMutableRawPointer?
        let layout: Layout
        let stream: CounterRandom
        let startIndex: UInt64
        /// Whether the C loops write the output with streaming stores (``StreamingStores``).
        let streaming: Bool
    }

    struct ChunkResult: Sendable {
        var status: ConversionStatus = []
        var firstNaN: Int?
    }

    private func checkPacked(_ count: Int, _ bytes: Int) throws {
        guard format.bitWidth <= 8 else {
            throw BatchError(.invalidArgument, "\(format) is \(format.bitWidth) bits wide: only formats of at most 8 bits pack; encode into UInt16/UInt32 codes instead")
        }
        let needed = try CodePacking.packedByteCount(count: count, bitWidth: format.bitWidth)
        try BatchChecks.sameLength(needed, bytes, "packing \(count) codes of \(format.bitWidth) bits needs \(needed) bytes; encodePacked")
    }

    func run(
        _ source: UnsafeRawPointer?, _ kind: BatchElementKind, _ count: Int,
        _ output: UnsafeMutableRawPointer?, _ layout: Layout, _ options: BatchOptions
    ) throws -> ConversionStatus {
        try BatchChecks.threads(options.threads)
        try BatchChecks.byteCount(count, kind.byteCount)
        try BatchChecks.startIndex(options.startIndex, count)
        if case .codes(let bytes) = layout, bytes * 8 < format.bitWidth {
            throw BatchError(
                .codeTypeTooNarrow,
                "\(format) codes are \(format.bitWidth) bits wide; a \(bytes * 8)-bit code type cannot hold them (use UInt\(format.bitWidth <= 16 ? 16 : (format.bitWidth <= 32 ? 32 : 64)))")
        }
        if count == 0 { return [] }
        let outputBytes: Int
        switch layout {
        case .codes(let bytes): outputBytes = bytes
        case .packed: outputBytes = 1
        }
        let job = Job(
            source: source, kind: kind, count: count, output: output, layout: layout,
            stream: CounterRandom(seed: options.seed), startIndex: options.startIndex,
            streaming: StreamingStores.worthwhile(count: count, readBytes: kind.byteCount, writtenBytes: outputBytes))
        let threads = BatchParallel.threadCount(options.threads, count)
        let results = BatchParallel.run(count: count, threads: threads) { range in
            self.encodeChunk(job, range)
        }
        var status: ConversionStatus = []
        var firstNaN: Int?
        for r in results {
            status.formUnion(r.status)
            if firstNaN == nil, let k = r.firstNaN { firstNaN = k }
        }
        if let k = firstNaN {
            let v = SourceWidening.value(kind, source!, k)
            throw BatchError(
                .nanInput(index: k),
                "input element \(k) is \(v) and \(format) has no NaN: choose a NaN policy (BatchNaNPolicy.codes or .zero) or remove the NaN; every element was converted, NaNs to code 0",
                value: v)
        }
        return status
    }

    /// The natural code type of the kernels (or of the scalar path) for this job.
    private func encodeChunk(_ job: Job, _ range: Range<Int>) -> ChunkResult {
        // Double inputs reach the kernels narrowed to odd: only where the rule reads them exactly.
        if let plan, job.kind != .double || runsDoublesOnVectorKernel {
            switch plan.codeBytes {
            case 1: return encodeChunk(job, range, plan, UInt8.self)
            case 2: return encodeChunk(job, range, plan, UInt16.self)
            default: return encodeChunk(job, range, plan, UInt32.self)
            }
        }
        switch job.layout {
        case .packed: return encodeChunkScalar(job, range, UInt8.self)
        case .codes(let b):
            switch b {
            case 1: return encodeChunkScalar(job, range, UInt8.self)
            case 2: return encodeChunkScalar(job, range, UInt16.self)
            case 4: return encodeChunkScalar(job, range, UInt32.self)
            default: return encodeChunkScalar(job, range, UInt64.self)
            }
        }
    }

    /// The vector path: kernel, scalar fix-up of special lanes, flag scans, store. `C` is the
    /// format's natural code type (at most 4 bytes).
    private func encodeChunk<C: BatchCode>(_ job: Job, _ range: Range<Int>, _ plan: FastEncodePlan, _: C.Type) -> ChunkResult {
        let blockSize = BatchParallel.blockSize
        let direct = job.layout == .codes(byteCount: MemoryLayout<C>.size)
        // FP4 packed by the kernel itself, straight into the output (blocks start on even elements).
        let packedDirect = job.layout == .packed(bitWidth: 4) && plan.kernel != .identity
        // Scratch: kernel lanes and codes (one block each, 4 bytes per element).
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: blockSize * 8, alignment: 64)
        defer { scratch.deallocate() }
        let lanes = scratch.bindMemory(to: Int32.self, capacity: blockSize)
        let codeScratch = (scratch + blockSize * 4).bindMemory(to: C.self, capacity: blockSize)
        let stochastic = plan.kernel == .stochasticAB || plan.kernel == .stochasticC

        var result = ChunkResult()
        var inexactFound = false, underflowFound = false
        var b = range.lowerBound
        while b < range.upperBound {
            let m = min(blockSize, range.upperBound - b)
            let codes = direct ? job.output!.assumingMemoryBound(to: C.self) + b : codeScratch
            let bits: UnsafePointer<Int32>
            if job.kind == .float {
                bits = job.source!.assumingMemoryBound(to: Int32.self) + b
            } else {
                SourceWidening.widen(job.kind, job.source!, b, m, into: lanes, loops: plan.loops)
                bits = UnsafePointer(lanes)
            }
            let random = stochastic ? Self.counterRun(job.stream, job.startIndex &+ UInt64(b), plan.randomBits) : nil
            if packedDirect {
                let out = job.output!.assumingMemoryBound(to: UInt8.self) + b / 2
                if plan.runPacked4(bits, UnsafeMutableRawPointer(out), m, random, streaming: job.streaming).hasSpecial {
                    for j in 0..<m where plan.isSpecial(bits[j]) {
                        let code = UInt8(truncatingIfNeeded: scalarEncode(job, b + j, &result)) & 0xF
                        let shift = UInt8(4 * (j & 1))
                        out[j / 2] = (out[j / 2] & ~(0xF << shift)) | code << shift
                    }
                }
            } else {
                // Scratch stays cached: only the caller's output streams.
                let summary = plan.run(bits, codes, m, random, streaming: job.streaming && direct)
                if summary.hasSpecial {
                    for j in 0..<m where plan.isSpecial(bits[j]) {
                        codes[j] = C(truncatingIfNeeded: scalarEncode(job, b + j, &result))
                    }
                }
            }
            if !inexactFound && plan.anyInexact(bits, m) { inexactFound = true }
            if !underflowFound && !format.isFixedPoint && plan.anyTinyNonzero(bits, m) && plan.anyTinyInexact(bits, m) { underflowFound = true }
            if !direct && !packedDirect { store(codes, m, b, job) }
            b += m
        }
        // The kernels' streaming stores, ordered before this thread hands the chunk back.
        if job.streaming { exmy_streaming_fence() }
        if inexactFound { result.status.insert(.inexact) }
        if underflowFound { result.status.insert(.underflow) }
        return result
    }

    /// The scalar path: every element through `FloatFormat.encode`. `C` is the caller's code type
    /// (`UInt8` when packing).
    private func encodeChunkScalar<C: BatchCode>(_ job: Job, _ range: Range<Int>, _: C.Type) -> ChunkResult {
        var result = ChunkResult()
        if case .packed = job.layout {
            let blockSize = BatchParallel.blockSize
            let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize)
            defer { scratch.deallocate() }
            var b = range.lowerBound
            while b < range.upperBound {
                let m = min(blockSize, range.upperBound - b)
                for j in 0..<m { scratch[j] = UInt8(truncatingIfNeeded: scalarEncode(job, b + j, &result)) }
                store(scratch, m, b, job)
                b += m
            }
            return result
        }
        let codes = job.output!.assumingMemoryBound(to: C.self)
        for k in range { codes[k] = C(truncatingIfNeeded: scalarEncode(job, k, &result)) }
        return result
    }

    /// Encodes element `k` with the scalar engine, recording flags and the first NaN.
    @inline(__always)
    private func scalarEncode(_ job: Job, _ k: Int, _ result: inout ChunkResult) -> UInt64 {
        let v = SourceWidening.value(job.kind, job.source!, k)
        var g = CounterRandomGenerator(stream: job.stream, index: job.startIndex &+ UInt64(k))
        let e = format.encode(v, rounding: rounding, overflow: overflow, random: &g)
        result.status.formUnion(e.status)
        if v.isNaN && !formatHasNaN {
            switch nanPolicy {
            case .error:
                if result.firstNaN == nil { result.firstNaN = k }
                return 0
            case .codes(let positive, let negative):
                return v.sign == .minus ? negative : positive
            }
        }
        return e.code
    }

    /// Moves a block of codes from scratch to the output: widening to the caller's code type, or packing.
    private func store<C: BatchCode>(_ codes: UnsafeMutablePointer<C>, _ m: Int, _ b: Int, _ job: Job) {
        switch job.layout {
        case .packed(let w):
            // Packed codes are at most 8 bits: C is UInt8 here.
            let bytes = UnsafeMutableRawPointer(codes).assumingMemoryBound(to: UInt8.self)
            let out = job.output!.assumingMemoryBound(to: UInt8.self) + (b * w) / 8
            CodePacking.packRange(bytes, m, w, out)
        case .codes(let size):
            switch size {
            case 1: Self.widen(codes, m, job.output!.assumingMemoryBound(to: UInt8.self) + b)
            case 2: Self.widen(codes, m, job.output!.assumingMemoryBound(to: UInt16.self) + b)
            case 4: Self.widen(codes, m, job.output!.assumingMemoryBound(to: UInt32.self) + b)
            default: Self.widen(codes, m, job.output!.assumingMemoryBound(to: UInt64.self) + b)
            }
        }
    }

    private static func widen<C: BatchCode, D: BatchCode>(_ src: UnsafeMutablePointer<C>, _ m: Int, _ dst: UnsafeMutablePointer<D>) {
        var i = 0
        while i < m {
            dst[i] = D(truncatingIfNeeded: src[i])
            i &+= 1
        }
    }

    /// The counter run of the elements from stream index `start` on (at most 65 536 of them) with
    /// `bits` random bits: the keys of `start`'s counter block and of the next (`CounterRandom`).
    static func counterRun(_ stream: CounterRandom, _ start: UInt64, _ bits: Int) -> ExMyCounterRandom {
        let keys = stream.blockKeys(block: start >> 16, draw: 0)
        let next = stream.blockKeys(block: (start >> 16) &+ 1, draw: 0)
        return ExMyCounterRandom(
            mask: bits >= 32 ? .max : (UInt32(1) << UInt32(bits)) - 1, wide: bits > 16 ? 1 : 0,
            position: UInt16(truncatingIfNeeded: start),
            key0: UInt16(truncatingIfNeeded: keys), key1: UInt16(truncatingIfNeeded: keys >> 16),
            nextKey0: UInt16(truncatingIfNeeded: next), nextKey1: UInt16(truncatingIfNeeded: next >> 16))
    }

    /// The random bits of the first `m ≤ 65 536` elements of `run`: the low bits of word 0 of each
    /// (`CounterRandom`'s 16-bit lanes, the second only for more than 16 bits), as the stochastic
    /// kernels of instance `loops` compute them in their loop (`exmy_simd_fill_random` writes them
    /// out with the kernels' own code; for the tests).
    static func fillRandom(_ dst: UnsafeMutablePointer<UInt32>, _ run: ExMyCounterRandom, _ m: Int, _ loops: EncodeLoops) {
        precondition(m <= 65536, "a counter run spans at most two counter blocks")
        withUnsafePointer(to: run) { exmy_simd_fill_random(loops.isa, dst, m, $0) }
    }
}
