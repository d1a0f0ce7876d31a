import ExMy
import Foundation
import TensorIO

/// Quantizes the float tensors of a `.safetensors` checkpoint into a `.safetensors` file in one of
/// the ``CheckpointLayout``s, streaming tensor by tensor and chunk by chunk.
///
/// - **Plain codes** (``Element/codes(_:roundsDoubleThroughFloat:)``): every element is encoded
///   by the given ``BatchEncoder`` from the tensor's own type (F32, F16, BF16, F64), exactly as
///   `exmy encode` does; element `i` of a tensor draws stochastic bits from `(seed, i)`.
/// - **Block-scaled schemes** (``Element/scheme(_:)``): the same arithmetic as the analyzer's
///   ``Quantizer``: group scales from the group's absolute maximum by the scheme's rule, element
///   `x` of a group of scale `s` encoded as `encode(x / s)` (0 for a group holding NaN or ±∞, whose
///   scale is NaN, and for a scale that underflowed to 0), element `i` drawing stochastic bits from
///   `(seed, i)`. F16 and BF16 widen exactly to `Float`; F64 is rounded to `Float` first (the
///   analyzer quantizes `Float` tensors). Dequantizing with ``CheckpointDequantizer`` to F32 gives
///   bit for bit the analyzer's output for the same tensor and scheme.
///
/// **Blocks that do not divide.** A scheme's blocks run along the last axis. When the last
/// dimension is not a multiple of the block, quantizing throws unless ``pad`` is set; then each
/// row is padded with zeros up to a whole number of blocks (zeros change no block maximum, so every
/// value equals the analyzer's, whose final block is simply shorter), the stored tensors have the
/// padded shape, and the record keeps the source shape so that dequantizing drops the padding. A
/// scalar counts as a row of one element.
///
/// **Memory** is a constant: one chunk of ``chunkElements`` elements in the input type, its
/// `Float` widening and `Double` quotients, and its codes and scales (about 14 bytes per chunk
/// element plus the input element), whatever the file or tensor size. The output header is computed
/// from the input header before any data is read; data is read with positional reads, each byte
/// once (NVFP4's two-level scaling reads each tensor twice: the FP32 tensor scale needs the
/// tensor's maximum before the first block scale), and written through ``OutputFile``: codes in
/// order, block scales in place (``OutputFile/write(_:at:)``), so block-scaled layouts need a
/// regular output file.
///
/// **Threads** split each chunk's blocks; every element's code depends only on its block and
/// index, so the output is the same for every thread count.
public struct CheckpointQuantizer: Sendable {
    /// What each selected tensor becomes.
    public enum Element: Sendable {
        /// One code per element (U8, U16 or U32, the narrowest that holds the format).
        /// `roundsDoubleThroughFloat` rounds F64 elements to `Float` first (a profile's double rounding).
        case codes(BatchEncoder, roundsDoubleThroughFloat: Bool)
        /// A block-scaled scheme, stored in its ``QuantizationScheme/checkpointLayout``.
        case scheme(QuantizationScheme)
    }

    /// What each selected tensor becomes: plain codes or a block-scaled scheme.
    public var element: Element
    /// The seed of stochastic rounding.
    public var seed: UInt64
    /// Pad rows whose length is not a multiple of the block (see the type's description).
    public var pad: Bool
    /// Threads (`nil`: every active processor for inputs of more than one chunk).
    public var threads: Int?
    /// Elements per chunk (rounded down to whole blocks, at least one block).
    public var chunkElements: Int

    /// Creates a quantizer. Nothing is validated here: ``run(_:plan:output:progress:)`` throws
    /// ``AnalysisError`` for `threads` below 1, and ``plan(_:patterns:)`` for a scheme without a
    /// checkpoint layout or a row that does not divide into blocks without `pad`.
    public init(_ element: Element, seed: UInt64 = 0, pad: Bool = false, threads: Int? = nil, chunkElements: Int = 1 << 20) {
        self.element = element
        self.seed = seed
        self.pad = pad
        self.threads = threads
        self.chunkElements = chunkElements
    }

    /// The dtypes that can be quantized.
    public static let quantizableDTypes: Set<TensorDType> = [.float32, .float16, .bfloat16, .float64]

    /// One stored tensor of the output, where it goes.
    struct Stored {
        let name: String
        let dtype: TensorDType
        let shape: [Int]
        let byteCount: Int
        /// Byte offset from the start of the output file.
        var fileOffset = 0
    }

    /// What happens to one input tensor.
    enum Job {
        case copy(TensorInfo)
        case codes(TensorInfo, RawCode)
        case scheme(TensorInfo, BlockGeometry, CheckpointLayout)
    }

    /// The unsigned code types of plain codes.
    enum RawCode: Int {
        case u8 = 1, u16 = 2, u32 = 4
        var dtype: TensorDType { self == .u8 ? .uint8 : self == .u16 ? .uint16 : .uint32 }
    }

    /// The output, computed from the input's header alone.
    public struct Plan {
        let jobs: [(job: Job, stored: [Stored])]
        /// The output's header bytes (length prefix and JSON).
        let header: [UInt8]
        /// The names of the tensors that will be quantized, in file order.
        public let quantized: [String]
        /// The output file size in bytes.
        public let outputByteCount: Int
        /// The bytes of tensor data read (for progress).
        public let inputByteCount: Int
    }

    /// Plans the output for `file`: the tensors matching any of `patterns` (every F32, F16, BF16
    /// and F64 tensor when `patterns` is empty) are quantized, every other tensor copied unchanged.
    ///
    /// - Throws: ``AnalysisError`` for a pattern that matches nothing, a matched tensor whose
    ///   dtype cannot be quantized, a scheme no layout stores, a last dimension that the block does
    ///   not divide (without ``pad``), or an output name that collides with an input tensor.
    public func plan(_ file: SafetensorsFile, patterns: [String]) throws -> Plan {
        var selected = Set<String>()
        if patterns.isEmpty {
            for t in file.tensors where Self.quantizableDTypes.contains(t.dtype) { selected.insert(t.name) }
        } else {
            for p in patterns {
                let matches = file.tensors(matching: p)
                guard !matches.isEmpty else {
                    throw AnalysisError("--tensor '\(p)' matches no tensor in \(file.path) (it has \(file.tensors.count): \(Self.sample(file.tensorNames)))")
                }
                for t in matches {
                    guard Self.quantizableDTypes.contains(t.dtype) else {
                        throw AnalysisError("tensor '\(t.name)' is \(t.dtype.safetensorsName); only F32, F16, BF16 and F64 tensors can be quantized (it matched --tensor '\(p)')")
                    }
                    selected.insert(t.name)
                }
            }
        }
        let inputNames = Set(file.tensorNames)
        var metadata = file.metadata
        if metadata["format"] == nil { metadata["format"] = "pt" }
        metadata[QuantizedTensorRecord.versionKey] = QuantizedTensorRecord.version
        var jobs: [(job: Job, stored: [Stored])] = []
        var quantized: [String] = []
        var outputNames = Set<String>()
        var inputBytes = 0
        for t in file.tensors {
            inputBytes += t.byteCount
            guard selected.contains(t.name) else {
                jobs.append((.copy(t), [Stored(name: t.name, dtype: t.dtype, shape: t.shape, byteCount: t.byteCount)]))
                continue
            }
            quantized.append(t.name)
            let (job, stored, record) = try planTensor(t)
            for s in stored {
                if s.name != t.name && inputNames.contains(s.name) {
                    throw AnalysisError("quantizing '\(t.name)' would write '\(s.name)', which the input already holds; select other tensors or rename it")
                }
                guard outputNames.insert(s.name).inserted else {
                    throw AnalysisError("two quantized tensors would both be stored as '\(s.name)'")
                }
            }
            metadata[QuantizedTensorRecord.keyPrefix + t.name] = try record.json()
            jobs.append((job, stored))
        }
        let list = jobs.flatMap { $0.stored.map { (name: $0.name, dtype: $0.dtype, shape: $0.shape) } }
        let header: [UInt8]
        do { header = try SafetensorsWriter.fileHeader(tensors: list, metadata: metadata) } catch let e as TensorIOError { throw AnalysisError(e.description) }
        var offset = header.count
        for j in jobs.indices {
            for s in jobs[j].stored.indices {
                jobs[j].stored[s].fileOffset = offset
                offset += jobs[j].stored[s].byteCount
            }
        }
        return Plan(jobs: jobs, header: header, quantized: quantized, outputByteCount: offset, inputByteCount: inputBytes)
    }

    static func sample(_ names: [String]) -> String {
        names.count <= 6 ? names.joined(separator: ", ") : names.prefix(6).joined(separator: ", ") + ", …"
    }

    private func planTensor(_ t: TensorInfo) throws -> (Job, [Stored], QuantizedTensorRecord) {
        switch element {
        case .codes(let encoder, _):
            let f = encoder.format
            let raw: RawCode
            switch f.bitWidth {
            case ...8: raw = .u8
            case ...16: raw = .u16
            case ...32: raw = .u32
            default: throw AnalysisError("\(f) is \(f.bitWidth) bits wide; checkpoint codes are limited to 32 bits")
            }
            let stored = Stored(name: t.name, dtype: raw.dtype, shape: t.shape, byteCount: t.elementCount * raw.rawValue)
            let record = QuantizedTensorRecord(
                layout: .codes, scheme: "codes", format: f.canonicalSpelling, block: nil, scale: nil,
                rounding: encoder.rounding.spelling, overflow: encoder.overflow.rawValue,
                seed: encoder.rounding.isStochastic ? seed : nil, shape: t.shape, dtype: t.dtype.safetensorsName,
                paddedLast: nil, tensors: [t.name])
            return (.codes(t, raw), [stored], record)
        case .scheme(let scheme):
            guard let layout = scheme.checkpointLayout, case .block(let b) = scheme.granularity else {
                throw AnalysisError("scheme \(scheme) has no checkpoint layout (block scaling with E8M0, UE4M3 or FP32 scales and elements of at most 8 bits)")
            }
            let g = BlockGeometry(shape: t.shape, elementCount: t.elementCount, block: b)
            guard g.fits else {
                throw AnalysisError("tensor '\(t.name)' has last dimension \(g.last), too large to pad to whole blocks of \(b)")
            }
            if g.isPadded && !pad {
                let what = t.shape.isEmpty ? "is a scalar (a row of 1 element)" : "has last dimension \(g.last)"
                throw AnalysisError("tensor '\(t.name)' \(what), not a multiple of \(scheme.name)'s block of \(b); pass --pad to pad rows with zeros (dequantize removes the padding), or leave the tensor out with --tensor")
            }
            let w = scheme.element.bitWidth
            let nb = g.perRow
            let prefixShape = t.shape.isEmpty ? [] : Array(t.shape.dropLast())
            let names = layout.storedNames(for: t.name)
            var stored: [Stored] = []
            func add(_ dtype: TensorDType, _ tail: [Int]) {
                let shape = prefixShape + tail
                stored.append(Stored(name: names[stored.count], dtype: dtype, shape: shape, byteCount: shape.reduce(1, *) * dtype.byteSize))
            }
            switch layout {
            case .mxPacked:
                add(.uint8, [nb, b * w / 8])
                add(.uint8, [nb])
            case .mxBytes:
                add(Self.byteDType(scheme.element), [g.paddedLast])
                add(.uint8, [nb])
            case .nvfp4:
                add(.uint8, [g.paddedLast / 2])
                add(.float8E4M3FN, [nb])
                stored.append(Stored(name: names[2], dtype: .float32, shape: [], byteCount: 4))
            case .absmax:
                add(.uint8, [g.paddedLast])
                add(.float32, [nb])
            case .codes:
                preconditionFailure("a scheme is never stored as plain codes")
            }
            if layout.packsCodes && (b * w) % 8 != 0 {
                throw AnalysisError("blocks of \(b) \(w)-bit codes do not fill whole bytes; packed layouts need block × bits to be a multiple of 8")
            }
            let record = QuantizedTensorRecord(
                layout: layout, scheme: scheme.name, format: scheme.element.canonicalSpelling, block: b, scale: scheme.scale.description,
                rounding: scheme.rounding.spelling, overflow: scheme.overflow.rawValue,
                seed: scheme.rounding.isStochastic ? seed : nil, shape: t.shape, dtype: t.dtype.safetensorsName,
                paddedLast: g.isPadded ? g.paddedLast : nil, tensors: names)
            return (.scheme(t, g, layout), stored, record)
        }
    }

    /// The safetensors dtype of one-byte element codes: the FP8 types where the format is one,
    /// I8 for MXINT8 (two's complement), U8 otherwise.
    static func byteDType(_ f: FloatFormat) -> TensorDType {
        if f == .e4m3fn { return .float8E4M3FN }
        if f == .e5m2 { return .float8E5M2 }
        if f == .mxint8 { return .int8 }
        return .uint8
    }

    /// Quantizes `input` into `output` (which the caller commits), as planned by ``plan(_:patterns:)``.
    /// `progress` is called with the input bytes done after each chunk.
    public func run(_ input: SafetensorsFile, plan: Plan, output: OutputFile, progress: (Int) -> Void = { _ in }) throws {
        if let threads, threads < 1 { throw AnalysisError("threads must be at least 1, not \(threads)") }
        let needsPositional = plan.jobs.contains { if case .scheme = $0.job { return true } else { return false } }
        if needsPositional && output.isStream {
            throw AnalysisError("\(output.path): block-scaled layouts write scales beside the codes; give a regular output file, not a stream")
        }
        try output.write(plan.header)
        var done = 0
        var elements = max(chunkElements, 1)
        if case .scheme(let scheme) = element, case .block(let b) = scheme.granularity { elements = max(elements, b) }
        let buffers = ChunkBuffers(elements: elements)
        for (job, stored) in plan.jobs {
            switch job {
            case .copy(let t):
                try copy(t, from: input, to: output, buffers: buffers) { done += $0; progress(done) }
            case .codes(let t, let raw):
                guard case .codes(let encoder, let narrow) = element else { continue }
                try encodeCodes(t, raw, encoder: encoder, narrow: narrow, from: input, to: output, buffers: buffers) { done += $0; progress(done) }
            case .scheme(let t, let g, let layout):
                guard case .scheme(let scheme) = element else { continue }
                try quantizeBlocks(t, g, layout, scheme, stored: stored, from: input, to: output, buffers: buffers) { done += $0; progress(done) }
            }
        }
        try output.flush()
        guard output.byteCount == plan.outputByteCount else {
            throw AnalysisError("internal: wrote \(output.byteCount) bytes, planned \(plan.outputByteCount)")
        }
    }

    /// A tensor's bytes unchanged.
    private func copy(_ t: TensorInfo, from input: SafetensorsFile, to output: OutputFile, buffers: ChunkBuffers, advance: (Int) -> Void) throws {
        let chunk = buffers.raw.count
        var offset = 0
        while offset < t.byteCount {
            let n = min(chunk, t.byteCount - offset)
            let slice = UnsafeMutableRawBufferPointer(rebasing: buffers.raw[0..<n])
            try input.readRawBytes(of: t, byteOffset: offset, into: slice)
            try output.write(UnsafeRawBufferPointer(slice))
            offset += n
            advance(n)
        }
    }

    /// Plain codes: the batch encoder on the tensor's own type, chunk by chunk.
    private func encodeCodes(_ t: TensorInfo, _ raw: RawCode, encoder: BatchEncoder, narrow: Bool, from input: SafetensorsFile,
                             to output: OutputFile, buffers: ChunkBuffers, advance: (Int) -> Void) throws {
        let size = t.dtype.byteSize
        var kind = Self.elementKind(t.dtype)
        let perChunk = buffers.elements
        var start = 0
        while start < t.elementCount {
            let n = min(perChunk, t.elementCount - start)
            let source = UnsafeMutableRawBufferPointer(rebasing: buffers.raw[0..<(n * size)])
            try input.readRawBytes(of: t, byteOffset: start * size, into: source)
            var encoded = UnsafeRawBufferPointer(source)
            if narrow && t.dtype == .float64 {
                let d = source.bindMemory(to: Double.self), f = buffers.floats
                for i in 0..<n { f[i] = Float(d[i]) }
                encoded = UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: f[0..<n]))
                kind = .float
            }
            let out = UnsafeMutableRawBufferPointer(rebasing: buffers.codes[0..<(n * raw.rawValue)])
            do {
                _ = try encoder.encode(raw: encoded, as: kind, into: out, codeByteCount: raw.rawValue,
                                       options: BatchOptions(threads: threads, seed: seed, startIndex: UInt64(start)))
            } catch let e as BatchError {
                if case .nanInput(let i) = e.kind {
                    throw AnalysisError("tensor '\(t.name)': element \(start + i) is NaN, and \(encoder.format) has no NaN code")
                }
                throw AnalysisError("tensor '\(t.name)': \(e.message)")
            }
            try output.write(UnsafeRawBufferPointer(out))
            start += n
            advance(n * size)
        }
    }

    static func elementKind(_ d: TensorDType) -> BatchElementKind {
        switch d {
        case .float64: return .double
        case .float16: return .float16
        case .bfloat16: return .bfloat16
        default: return .float
        }
    }

    /// Reads elements `start ..< start + n` of `t` widened to `Float` into `buffers.floats`.
    static func readFloats(_ t: TensorInfo, _ start: Int, _ n: Int, from input: SafetensorsFile, _ buffers: ChunkBuffers) throws {
        let size = t.dtype.byteSize
        let f = buffers.floats
        if t.dtype == .float32 {
            try input.readRawBytes(of: t, byteOffset: start * 4, into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: f[0..<n])))
            return
        }
        let raw = UnsafeMutableRawBufferPointer(rebasing: buffers.raw[0..<(n * size)])
        try input.readRawBytes(of: t, byteOffset: start * size, into: raw)
        switch t.dtype {
        case .float64:
            let d = raw.bindMemory(to: Double.self)
            for i in 0..<n { f[i] = Float(d[i]) }
        case .float16:
            let h = raw.bindMemory(to: UInt16.self)
            for i in 0..<n { f[i] = Float(Float16(bitPattern: UInt16(littleEndian: h[i]))) }
        default:
            let h = raw.bindMemory(to: UInt16.self)
            for i in 0..<n { f[i] = Float(bitPattern: UInt32(UInt16(littleEndian: h[i])) << 16) }
        }
    }

    /// The greatest finite `|x|` of the tensor (NVFP4's tensor scale), one pass.
    private func tensorAmax(_ t: TensorInfo, from input: SafetensorsFile, _ buffers: ChunkBuffers) throws -> Double {
        var m: UInt32 = 0
        var start = 0
        while start < t.elementCount {
            let n = min(buffers.elements, t.elementCount - start)
            try Self.readFloats(t, start, n, from: input, buffers)
            let f = buffers.floats
            for i in 0..<n {
                let a = f[i].bitPattern & 0x7FFF_FFFF
                if a < 0x7F80_0000 && a > m { m = a }
            }
            start += n
        }
        return Double(Float(bitPattern: m))
    }

    /// A block-scaled tensor: codes written in order, scales in place, the tensor scale last.
    private func quantizeBlocks(_ t: TensorInfo, _ g: BlockGeometry, _ layout: CheckpointLayout, _ scheme: QuantizationScheme, stored: [Stored],
                                from input: SafetensorsFile, to output: OutputFile, buffers: ChunkBuffers, advance: (Int) -> Void) throws {
        var tensorScale = 1.0
        if case .ue4m3(_, true) = scheme.scale {
            tensorScale = scheme.tensorScale(amax: try tensorAmax(t, from: input, buffers))
        }
        let encoder: BatchEncoder
        do { encoder = try BatchEncoder(scheme.element, rounding: scheme.rounding, overflow: scheme.overflow) } catch let e as BatchError { throw AnalysisError(e.message) }
        let job = BlockJob(scheme: scheme, layout: layout, geometry: g, tensorScale: tensorScale, encoder: encoder, seed: seed,
                           zeroCode: UInt8(truncatingIfNeeded: scheme.element.encode(0.0).code))
        let groupsPerChunk = max(1, buffers.elements / g.block)
        let codeBytesPerGroup = layout.packsCodes ? g.block * scheme.element.bitWidth / 8 : g.block
        let scaleBytes = layout == .absmax ? 4 : 1
        let scalesOffset = stored[1].fileOffset
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, 64))
        var g0 = 0
        while g0 < g.groups {
            let g1 = min(g.groups, g0 + groupsPerChunk)
            let e0 = g.start(g0), e1 = g.end(g1 - 1)
            try Self.readFloats(t, e0, e1 - e0, from: input, buffers)
            let parts = workers > 1 && g1 - g0 >= 2 * workers ? workers : 1
            let state = UncheckedChunk(buffers: buffers)
            let first = g0
            try Quantizer.forEachChunk(parts, workers: parts) { p in
                let ga = first + (g1 - first) * p / parts, gb = first + (g1 - first) * (p + 1) / parts
                try job.run(groups: ga..<gb, chunkStart: first, elementStart: e0, state.buffers)
            }
            try output.write(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffers.packed[0..<((g1 - g0) * codeBytesPerGroup)])))
            try output.write(UnsafeRawBufferPointer(rebasing: buffers.scales[0..<((g1 - g0) * scaleBytes)]), at: scalesOffset + g0 * scaleBytes)
            advance((e1 - e0) * t.dtype.byteSize)
            g0 = g1
        }
        try output.skip(stored[1].byteCount)
        if layout == .nvfp4 {
            var bits = Float(tensorScale).bitPattern.littleEndian
            try withUnsafeBytes(of: &bits) { try output.write($0) }
        }
    }
}

/// The chunk buffers, reused for every tensor: raw input bytes, `Float` elements, `Double`
/// quotients, one code per (padded) element, packed codes, scale bytes.
final class ChunkBuffers: @unchecked Sendable {
    let elements: Int
    let raw: UnsafeMutableRawBufferPointer
    let floats: UnsafeMutableBufferPointer<Float>
    let quotients: UnsafeMutableBufferPointer<Double>
    let codes: UnsafeMutableRawBufferPointer
    let packed: UnsafeMutableBufferPointer<UInt8>
    let scales: UnsafeMutableRawBufferPointer

    init(elements: Int) {
        self.elements = elements
        raw = .allocate(byteCount: elements * 8, alignment: 64)
        floats = .allocate(capacity: elements)
        quotients = .allocate(capacity: elements)
        codes = .allocate(byteCount: elements * 4, alignment: 64)  // 4-byte codes, or 1-byte slots plus scratch
        packed = .allocate(capacity: elements)
        scales = .allocate(byteCount: elements * 4, alignment: 64)
    }

    deinit {
        raw.deallocate(); floats.deallocate(); quotients.deallocate(); codes.deallocate(); packed.deallocate(); scales.deallocate()
    }
}

struct UncheckedChunk: @unchecked Sendable {
    let buffers: ChunkBuffers
}

/// The work on one range of blocks of a chunk: maxima, scales, quotients, codes, packing. Writes
/// only the blocks' own slots of the chunk buffers, so ranges run on any threads.
struct BlockJob: Sendable {
    let scheme: QuantizationScheme
    let layout: CheckpointLayout
    let geometry: BlockGeometry
    let tensorScale: Double
    let encoder: BatchEncoder
    let seed: UInt64
    let zeroCode: UInt8

    /// Blocks `groups` of the chunk whose first block is `chunkStart` and first element `elementStart`.
    func run(groups: Range<Int>, chunkStart: Int, elementStart: Int, _ b: ChunkBuffers) throws {
        guard !groups.isEmpty else { return }
        let g = geometry
        let B = g.block
        let maxElement = scheme.element.greatestFiniteMagnitude
        let floats = b.floats, q = b.quotients
        // Pass over each block: maximum, scale, stored scale, quotients.
        for group in groups {
            let s0 = g.start(group) - elementStart, s1 = g.end(group) - elementStart
            var m: UInt32 = 0
            for i in s0..<s1 { m = max(m, floats[i].bitPattern & 0x7FFF_FFFF) }
            var nonFinite = false
            if m >= 0x7F80_0000 {
                nonFinite = true
                m = 0
                for i in s0..<s1 where floats[i].bitPattern & 0x7FFF_FFFF < 0x7F80_0000 { m = max(m, floats[i].bitPattern & 0x7FFF_FFFF) }
            }
            let amax = Double(Float(bitPattern: m))
            let s: Double, stored: Double
            if nonFinite {
                s = .nan; stored = .nan
            } else if amax == 0 {
                s = scheme.zeroGroupScale; stored = s
            } else {
                let f = scheme.groupScaleFactors(amax: amax, tensorScale: tensorScale, maxElement: maxElement)
                s = f.stored * f.tensor; stored = f.stored
            }
            storeScale(stored, at: group - chunkStart, b)
            for i in s0..<s1 { q[i] = s.isNaN || s == 0 ? 0 : Double(floats[i]) / s }
        }
        // Codes of the range's elements (contiguous in the source), element index = flat index.
        let e0 = g.start(groups.lowerBound) - elementStart, e1 = g.end(groups.upperBound - 1) - elementStart
        let codes = b.codes.bindMemory(to: UInt8.self)
        let paddedStart = (groups.lowerBound - chunkStart) * B
        // Unpadded, element slots are the padded slots; padded, the codes go to a scratch area
        // past the slots (at the same element offsets, so ranges on other threads never overlap).
        let target = g.isPadded ? b.elements + e0 : paddedStart
        let options = BatchOptions(threads: 1, seed: seed, startIndex: UInt64(elementStart + e0))
        do {
            _ = try encoder.encode(UnsafeBufferPointer(rebasing: q[e0..<e1]), into: UnsafeMutableBufferPointer(rebasing: codes[target..<(target + e1 - e0)]), options: options)
        } catch let e as BatchError { throw AnalysisError(e.message) }
        if g.isPadded {
            // Each block's codes to its padded slots, zero codes after them.
            for group in groups {
                let s0 = b.elements + g.start(group) - elementStart, len = g.end(group) - g.start(group)
                let p0 = (group - chunkStart) * B
                for k in 0..<len { codes[p0 + k] = codes[s0 + k] }
                for k in len..<B { codes[p0 + k] = zeroCode }
            }
        }
        let count = (groups.upperBound - groups.lowerBound) * B
        let slots = UnsafeBufferPointer(rebasing: codes[paddedStart..<(paddedStart + count)])
        if layout.packsCodes {
            let w = scheme.element.bitWidth
            let bytes = count * w / 8, p0 = (groups.lowerBound - chunkStart) * B * w / 8
            try CodePacking.pack(slots, bitWidth: w, into: UnsafeMutableBufferPointer(rebasing: b.packed[p0..<(p0 + bytes)]))
        } else {
            _ = UnsafeMutableBufferPointer(rebasing: b.packed[paddedStart..<(paddedStart + count)]).initialize(from: slots)
        }
    }

    /// The stored scale of block `local` of the chunk, in the layout's scale type.
    private func storeScale(_ stored: Double, at local: Int, _ b: ChunkBuffers) {
        switch scheme.scale {
        case .e8m0:
            // A power of two 2^e, e in −127 … 127: byte e + 127; NaN: 0xFF.
            b.scales.storeBytes(of: stored.isNaN ? 0xFF : UInt8(Int(stored.exponent) + 127), toByteOffset: local, as: UInt8.self)
        case .ue4m3:
            let code = stored.isNaN ? FloatFormat.ue4m3.nanCode() ?? 0x7F
                : FloatFormat.ue4m3.encode(stored, rounding: .toNearestOrEven, overflow: .saturateFinite).code
            b.scales.storeBytes(of: UInt8(truncatingIfNeeded: code), toByteOffset: local, as: UInt8.self)
        default:
            b.scales.storeBytes(of: Float(stored).bitPattern.littleEndian, toByteOffset: 4 * local, as: UInt32.self)
        }
    }
}
