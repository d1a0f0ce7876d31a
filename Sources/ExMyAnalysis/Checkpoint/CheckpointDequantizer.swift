import ExMy
import Foundation
import TensorIO

/// Restores float tensors from a `.safetensors` file written by ``CheckpointQuantizer``, reading
/// only the `exmy.quantized.NAME` records of `__metadata__` and the stored tensors they name;
/// every other tensor is copied unchanged, and the `exmy.*` metadata entries are dropped.
///
/// Each element is `decode(code) · s` in `Double` (exact), where `s` is the block's scale (times
/// the tensor scale for NVFP4): NaN for a NaN scale (E8M0 0xFF, UE4M3 0x7F) and `+0` for a zero
/// scale, as the analyzer's ``Quantizer`` does. Then it is rounded once to the output type, to
/// nearest even: F32 output is bit for bit the analyzer's `Float` output; BF16 and F16 are rounded
/// from the exact product (not through `Float`); F64 is exact. Plain codes decode through the
/// ``BatchDecoder`` straight into the output type. Padding added at quantization is dropped. Memory
/// is one chunk, whatever the file size; each stored byte is read once.
public struct CheckpointDequantizer: Sendable {
    /// The output element type.
    public enum Target: String, Sendable, CaseIterable {
        /// safetensors `F32` (`Float`): bit for bit the analyzer's `Float` output.
        case f32
        /// safetensors `BF16`, rounded to nearest even from the exact `Double` product.
        case bf16
        /// safetensors `F16` (IEEE binary16), rounded to nearest even from the exact `Double` product.
        case f16
        /// safetensors `F64` (`Double`): the exact dequantized value.
        case f64

        var dtype: TensorDType {
            switch self {
            case .f32: return .float32
            case .bf16: return .bfloat16
            case .f16: return .float16
            case .f64: return .float64
            }
        }
    }

    /// The element type of every restored tensor (copied tensors keep their own dtype).
    public var target: Target
    /// The most threads a chunk's decoding uses, or `nil` to let the batch API choose; a value below
    /// 1 makes ``run(_:plan:output:progress:)`` throw ``AnalysisError``.
    public var threads: Int?
    /// Elements per chunk (at least one block).
    public var chunkElements: Int

    /// Creates a dequantizer writing `target` elements. Nothing is validated here: `threads` is
    /// checked by ``run(_:plan:output:progress:)``, and a `chunkElements` below one block is raised
    /// to one block there.
    public init(target: Target = .f32, threads: Int? = nil, chunkElements: Int = 1 << 20) {
        self.target = target
        self.threads = threads
        self.chunkElements = chunkElements
    }

    /// One quantized tensor as found in the file.
    struct Restore {
        let name: String
        let record: QuantizedTensorRecord
        let format: FloatFormat
        let stored: [TensorInfo]
        let geometry: BlockGeometry?
    }

    enum Job {
        case copy(TensorInfo)
        case restore(Restore)
    }

    /// The output, computed from the input's header alone.
    public struct Plan {
        let jobs: [Job]
        let header: [UInt8]
        /// The restored tensors' names, in file order.
        public let restored: [String]
        /// The size of the output file in bytes: its safetensors header plus every tensor's data.
        public let outputByteCount: Int
        /// The bytes of tensor data in the input (every tensor, header excluded): the total that
        /// `run`'s `progress` counts towards.
        public let inputByteCount: Int
    }

    /// Plans the output for `file`.
    ///
    /// - Throws: ``AnalysisError`` when the file holds no exmy record, or a record is malformed or
    ///   disagrees with the stored tensors (missing, wrong dtype or shape).
    public func plan(_ file: SafetensorsFile) throws -> Plan {
        var restores: [String: Restore] = [:]  // keyed by the first stored tensor
        var consumed = Set<String>()
        for (key, value) in file.metadata.sorted(by: { $0.key < $1.key }) where key.hasPrefix(QuantizedTensorRecord.keyPrefix) {
            let name = String(key.dropFirst(QuantizedTensorRecord.keyPrefix.count))
            let record: QuantizedTensorRecord
            do { record = try QuantizedTensorRecord(json: value) } catch {
                throw AnalysisError("\(file.path): metadata '\(key)' is not an exmy quantization record (\(error))")
            }
            let r = try Self.validate(name, record, file)
            for s in r.stored {
                guard consumed.insert(s.name).inserted else { throw AnalysisError("\(file.path): tensor '\(s.name)' belongs to two records") }
            }
            restores[r.stored[0].name] = r
        }
        guard !restores.isEmpty else {
            throw AnalysisError("\(file.path) holds no exmy quantization record ('\(QuantizedTensorRecord.keyPrefix)NAME' in __metadata__): it was not written by exmy quantize")
        }
        var jobs: [Job] = []
        var list: [(name: String, dtype: TensorDType, shape: [Int])] = []
        var sizes: [Int] = []
        var restored: [String] = []
        var inputBytes = 0
        for t in file.tensors {
            inputBytes += t.byteCount
            if let r = restores[t.name] {
                jobs.append(.restore(r))
                list.append((r.name, target.dtype, r.record.shape))
                sizes.append(r.record.shape.reduce(1, *) * target.dtype.byteSize)
                restored.append(r.name)
            } else if !consumed.contains(t.name) {
                jobs.append(.copy(t))
                list.append((t.name, t.dtype, t.shape))
                sizes.append(t.byteCount)
            }
        }
        let metadata = file.metadata.filter { !$0.key.hasPrefix("exmy.") }
        let header: [UInt8]
        do { header = try SafetensorsWriter.fileHeader(tensors: list, metadata: metadata) } catch let e as TensorIOError {
            throw AnalysisError("\(file.path): \(e.message)")
        }
        return Plan(jobs: jobs, header: header, restored: restored, outputByteCount: header.count + sizes.reduce(0, +), inputByteCount: inputBytes)
    }

    /// Checks a record against the stored tensors.
    static func validate(_ name: String, _ record: QuantizedTensorRecord, _ file: SafetensorsFile) throws -> Restore {
        func bad(_ why: String) -> AnalysisError { AnalysisError("\(file.path): quantized tensor '\(name)': \(why)") }
        let format: FloatFormat
        do { format = try FloatFormat(parsing: record.format) } catch { throw bad("unknown element format '\(record.format)'") }
        guard record.shape.allSatisfy({ $0 >= 0 }) else { throw bad("negative dimension in shape \(record.shape)") }
        var count = 1
        for d in record.shape {
            let (p, o) = count.multipliedReportingOverflow(by: d)
            guard !o else { throw bad("shape \(record.shape) overflows") }
            count = p
        }
        guard record.tensors == record.layout.storedNames(for: name) else {
            throw bad("stored tensors \(record.tensors) are not the \(record.layout.rawValue) layout's \(record.layout.storedNames(for: name))")
        }
        var stored: [TensorInfo] = []
        for n in record.tensors {
            guard file.contains(n) else { throw bad("stored tensor '\(n)' is missing") }
            stored.append(try file.info(n))
        }
        func expect(_ i: Int, _ dtypes: [TensorDType], _ shape: [Int]) throws {
            let t = stored[i]
            guard dtypes.contains(t.dtype) else {
                throw bad("'\(t.name)' is \(t.dtype.safetensorsName), expected \(dtypes.map(\.safetensorsName).joined(separator: " or "))")
            }
            guard t.shape == shape else { throw bad("'\(t.name)' has shape \(t.shape), expected \(shape)") }
        }
        if record.layout == .codes {
            guard record.block == nil, record.paddedLast == nil else { throw bad("plain codes have no block") }
            let dtype: TensorDType = format.bitWidth <= 8 ? .uint8 : format.bitWidth <= 16 ? .uint16 : .uint32
            guard format.bitWidth <= 32 else { throw bad("\(format) is wider than 32 bits") }
            try expect(0, [dtype], record.shape)
            return Restore(name: name, record: record, format: format, stored: stored, geometry: nil)
        }
        guard let b = record.block, b >= 1, b <= 1 << 30 else { throw bad("block size \(record.block.map(String.init) ?? "missing") is not 1 … 2^30") }
        let g = BlockGeometry(shape: record.shape, elementCount: count, block: b)
        guard g.fits else { throw bad("shape \(record.shape) in blocks of \(b) does not fit in 64-bit sizes") }
        guard record.paddedLast == (g.isPadded ? g.paddedLast : nil) else {
            throw bad("padded last dimension \(record.paddedLast.map(String.init) ?? "absent") does not match shape \(record.shape) in blocks of \(b)")
        }
        let w = format.bitWidth
        let prefix = record.shape.isEmpty ? [] : Array(record.shape.dropLast())
        switch record.layout {
        case .mxPacked:
            guard w < 8, (b * w) % 8 == 0 else { throw bad("\(format) in blocks of \(b) cannot be packed") }
            try expect(0, [.uint8], prefix + [g.perRow, b * w / 8])
            try expect(1, [.uint8, .float8E8M0], prefix + [g.perRow])
        case .mxBytes:
            guard w == 8 else { throw bad("\(format) is not an 8-bit format") }
            try expect(0, [CheckpointQuantizer.byteDType(format), .uint8], prefix + [g.paddedLast])
            try expect(1, [.uint8, .float8E8M0], prefix + [g.perRow])
        case .nvfp4:
            guard w == 4 else { throw bad("NVFP4 elements are 4 bits, not \(format)") }
            try expect(0, [.uint8], prefix + [g.paddedLast / 2])
            try expect(1, [.float8E4M3FN], prefix + [g.perRow])
            try expect(2, [.float32], [])
        case .absmax:
            guard w <= 8 else { throw bad("\(format) is wider than 8 bits") }
            try expect(0, [.uint8], prefix + [g.paddedLast])
            try expect(1, [.float32], prefix + [g.perRow])
        case .codes:
            break
        }
        return Restore(name: name, record: record, format: format, stored: stored, geometry: g)
    }

    /// Writes the restored file into `output` (which the caller commits).
    public func run(_ input: SafetensorsFile, plan: Plan, output: OutputFile, progress: (Int) -> Void = { _ in }) throws {
        if let threads, threads < 1 { throw AnalysisError("threads must be at least 1, not \(threads)") }
        try output.write(plan.header)
        var elements = max(chunkElements, 1)
        for case .restore(let r) in plan.jobs { elements = max(elements, r.geometry?.block ?? 1) }
        let buffers = ChunkBuffers(elements: elements)
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: elements * 8, alignment: 64)
        defer { out.deallocate() }
        var done = 0
        for job in plan.jobs {
            switch job {
            case .copy(let t):
                var offset = 0
                while offset < t.byteCount {
                    let n = min(buffers.raw.count, t.byteCount - offset)
                    let slice = UnsafeMutableRawBufferPointer(rebasing: buffers.raw[0..<n])
                    try input.readRawBytes(of: t, byteOffset: offset, into: slice)
                    try output.write(UnsafeRawBufferPointer(slice))
                    offset += n
                    done += n
                    progress(done)
                }
            case .restore(let r):
                if let g = r.geometry {
                    try restoreBlocks(r, g, input, output, buffers, out) { done += $0; progress(done) }
                } else {
                    try restoreCodes(r, input, output, buffers, out) { done += $0; progress(done) }
                }
            }
        }
        try output.flush()
        guard output.byteCount == plan.outputByteCount else {
            throw AnalysisError("internal: wrote \(output.byteCount) bytes, planned \(plan.outputByteCount)")
        }
    }

    private func restoreCodes(_ r: Restore, _ input: SafetensorsFile, _ output: OutputFile, _ b: ChunkBuffers,
                              _ out: UnsafeMutableRawBufferPointer, advance: (Int) -> Void) throws {
        let t = r.stored[0]
        let size = t.dtype.byteSize
        let decoder = BatchDecoder(r.format)
        var start = 0
        while start < t.elementCount {
            let n = min(b.elements, t.elementCount - start)
            let raw = UnsafeMutableRawBufferPointer(rebasing: b.raw[0..<(n * size)])
            try input.readRawBytes(of: t, byteOffset: start * size, into: raw)
            switch size {
            case 1: try decode(raw.bindMemory(to: UInt8.self), decoder, out, r.name, start)
            case 2: try decode(raw.bindMemory(to: UInt16.self), decoder, out, r.name, start)
            default: try decode(raw.bindMemory(to: UInt32.self), decoder, out, r.name, start)
            }
            try output.write(UnsafeRawBufferPointer(rebasing: out[0..<(n * target.dtype.byteSize)]))
            start += n
            advance(n * size)
        }
    }

    private func decode<C: BatchCode>(_ codes: UnsafeMutableBufferPointer<C>, _ decoder: BatchDecoder, _ out: UnsafeMutableRawBufferPointer,
                                      _ name: String, _ first: Int) throws {
        let mask = C(truncatingIfNeeded: decoder.format.codeMask)
        let c = UnsafeBufferPointer(codes)
        if let bad = c.firstIndex(where: { $0 & ~mask != 0 }) {
            throw AnalysisError("tensor '\(name)': element \(first + bad) (code \(c[bad])) does not fit in the \(decoder.format.bitWidth) bits of \(decoder.format)")
        }
        let n = c.count
        do {
            switch target {
            case .f32: try decoder.decode(c, into: out.bindMemory(to: Float.self).extracting(0..<n), threads: threads)
            case .f64: try decoder.decode(c, into: out.bindMemory(to: Double.self).extracting(0..<n), threads: threads)
            case .f16: try decoder.decode(c, into: out.bindMemory(to: Float16.self).extracting(0..<n), threads: threads)
            case .bf16: try decoder.decode(c, intoBFloat16Bits: out.bindMemory(to: UInt16.self).extracting(0..<n), threads: threads)
            }
        } catch let e as BatchError { throw AnalysisError("tensor '\(name)': \(e.message)") }
    }

    private func restoreBlocks(_ r: Restore, _ g: BlockGeometry, _ input: SafetensorsFile, _ output: OutputFile, _ b: ChunkBuffers,
                               _ out: UnsafeMutableRawBufferPointer, advance: (Int) -> Void) throws {
        let layout = r.record.layout
        let codesTensor = r.stored[0], scalesTensor = r.stored[1]
        let w = r.format.bitWidth
        let B = g.block
        let codeBytesPerGroup = layout.packsCodes ? B * w / 8 : B
        let scaleBytes = layout == .absmax ? 4 : 1
        var tensorScale = 1.0
        if layout == .nvfp4 {
            var bits: UInt32 = 0
            try withUnsafeMutableBytes(of: &bits) { try input.readRawBytes(of: r.stored[2], byteOffset: 0, into: $0) }
            tensorScale = Double(Float(bitPattern: UInt32(littleEndian: bits)))
            advance(4)
        }
        let decoder = BatchDecoder(r.format)
        let narrow: BatchEncoder? = switch target {
        case .bf16: try BatchEncoder(.bf16)
        case .f16: try BatchEncoder(.fp16)
        default: nil
        }
        let groupsPerChunk = max(1, b.elements / B)
        let decoded = b.quotients  // one Double per padded slot
        let values = out.bindMemory(to: Double.self)
        var g0 = 0
        while g0 < g.groups {
            let g1 = min(g.groups, g0 + groupsPerChunk)
            let slots = (g1 - g0) * B
            let codeBytes = UnsafeMutableRawBufferPointer(rebasing: b.raw[0..<((g1 - g0) * codeBytesPerGroup)])
            try input.readRawBytes(of: codesTensor, byteOffset: g0 * codeBytesPerGroup, into: codeBytes)
            let scales = UnsafeMutableRawBufferPointer(rebasing: b.scales[0..<((g1 - g0) * scaleBytes)])
            try input.readRawBytes(of: scalesTensor, byteOffset: g0 * scaleBytes, into: scales)
            do {
                let bytes = UnsafeBufferPointer(codeBytes.bindMemory(to: UInt8.self))
                let into = UnsafeMutableBufferPointer(rebasing: decoded[0..<slots])
                if layout.packsCodes {
                    try decoder.decodePacked(bytes, count: slots, into: into, threads: threads)
                } else {
                    let mask = UInt8(truncatingIfNeeded: r.format.codeMask)
                    if let bad = bytes.firstIndex(where: { $0 & ~mask != 0 }) {
                        throw AnalysisError("tensor '\(codesTensor.name)': byte \(g0 * B + bad) (code \(bytes[bad])) does not fit in the \(w) bits of \(r.format)")
                    }
                    try decoder.decode(bytes, into: into, threads: threads)
                }
            } catch let e as BatchError { throw AnalysisError("tensor '\(codesTensor.name)': \(e.message)") }
            let e0 = g.start(g0)
            for group in g0..<g1 {
                let local = group - g0
                let s = try scale(layout, scales, local, tensorScale, scalesTensor.name, group)
                let p0 = local * B, o0 = g.start(group) - e0, len = g.end(group) - g.start(group)
                for k in 0..<len { values[o0 + k] = s.isNaN ? .nan : s == 0 ? 0 : decoded[p0 + k] * s }
            }
            let n = g.end(g1 - 1) - e0
            switch target {
            case .f64:
                try output.write(UnsafeRawBufferPointer(rebasing: out[0..<(n * 8)]))
            case .f32:
                let f = b.floats
                for i in 0..<n { f[i] = Float(values[i]) }
                try output.write(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: f[0..<n])))
            case .bf16, .f16:
                let h = b.codes.bindMemory(to: UInt16.self)
                do {
                    _ = try narrow!.encode(UnsafeBufferPointer(rebasing: values[0..<n]), into: UnsafeMutableBufferPointer(rebasing: h[0..<n]), options: BatchOptions(threads: threads))
                } catch let e as BatchError { throw AnalysisError("tensor '\(r.name)': \(e.message)") }
                try output.write(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: h[0..<n])))
            }
            advance((g1 - g0) * (codeBytesPerGroup + scaleBytes))
            g0 = g1
        }
    }

    /// The scale of block `local` of the chunk: E8M0 `2^(e − 127)` (0xFF NaN), UE4M3 times the
    /// tensor scale (0x7F NaN; a sign bit is refused), or FP32.
    private func scale(_ layout: CheckpointLayout, _ scales: UnsafeMutableRawBufferPointer, _ local: Int, _ tensorScale: Double,
                       _ tensor: String, _ group: Int) throws -> Double {
        switch layout {
        case .nvfp4:
            let byte = scales[local]
            guard byte & 0x80 == 0 else { throw AnalysisError("tensor '\(tensor)': block scale \(group) is negative (byte 0x\(String(byte, radix: 16, uppercase: true)))") }
            return FloatFormat.ue4m3.decode(UInt64(byte)) * tensorScale
        case .absmax:
            return Double(Float(bitPattern: UInt32(littleEndian: scales.load(fromByteOffset: 4 * local, as: UInt32.self))))
        default:
            let byte = scales[local]
            return byte == 0xFF ? .nan : Double(sign: .plus, exponent: Int(byte) - 127, significand: 1)
        }
    }
}
