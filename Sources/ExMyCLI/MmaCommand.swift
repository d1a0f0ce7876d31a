import ArgumentParser
import ExMy
import ExMyHardware
import Foundation
import TensorIO

/// `exmy mma`: D = A·B + C as a chosen matrix unit computes it, bit for bit.
struct MmaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mma",
        abstract: "Compute D = A·B + C as a tensor core / matrix core computes it (bit-exact models checked against MMA-Sim).",
        discussion: """
        A is M×K, B is K×N, C and D are M×N (or all with a leading batch dimension). Unsigned-integer arrays are codes of \
        the model's formats (A's, B's, the accumulator's, the scale format's); float arrays are values, quantized first \
        (nearest-even; TF32 by truncation, as the hardware reads FP32 registers). Block-scaled models need --scale-a \
        (M × K/block) and --scale-b (K/block × N). A K longer than the instruction's is a chain of instructions, each \
        one's D the next one's C. D is written in the accumulator format (float32, float16). \
        With --alpha or --beta, the unit computes acc = A·B (C = 0) and the linear-combination epilogue of CUTLASS/cuBLAS \
        follows in FP32: D = alpha·acc + beta·C (beta·C rounded, then one fused multiply-add); NVFP4's per-tensor FP32 \
        scales enter there as alpha = s_A·s_B. \
        `exmy mma --list` prints the models and their sources; docs/matrix-units.md explains them.
        """
    )

    @Option(help: "The matrix-unit model (see --list).") var model: String?
    @Option(help: "A, an M×K (or batch×M×K) .npy file.") var a: String?
    @Option(help: "B, a K×N (or batch×K×N) .npy file.") var b: String?
    @Option(help: "C, an M×N (or batch×M×N) .npy file (default: zeros).") var c: String?
    @Option(name: .customLong("scale-a"), help: "Block scales of A (M × K/block), codes or values.") var scaleA: String?
    @Option(name: .customLong("scale-b"), help: "Block scales of B (K/block × N), codes or values.") var scaleB: String?
    @Option(help: "The .npy file to write D to (default: standard output).") var output: String?
    @Option(help: "Threads (default: all cores). The result never depends on it.") var threads: Int?
    @Option(help: "The epilogue's alpha (an FP32 value): D = alpha·(A·B) + beta·C computed in FP32 after the unit (for NVFP4, the product of the two per-tensor scales).") var alpha: Float?
    @Option(help: "The epilogue's beta (an FP32 value; default 0 with --alpha: C is not read).") var beta: Float?
    @Flag(help: "List the models, one per line: name, formats, and where the parameters come from.") var list = false
    @Flag(help: "Benchmark instead: products per second (and per thread) of size³ products on random operands, for the --model presets (comma-separated; default: FP8, FP16 and BF16 presets), 1 thread and --threads (default: all cores).") var bench = false
    @Option(help: "With --bench: M = N = K (default 512).") var size: Int?

    func run() throws {
        if list {
            var text = ""
            for p in MatrixUnit.presets {
                text += "\(p.name)\t\(p.aFormat.name ?? "\(p.aFormat)")×\(p.bFormat.name ?? "\(p.bFormat)")→\(p.accumulatorFormat.name ?? "")\t\(p.isCheckedAgainstMMASim ? "checked" : "unchecked")\t\(p.source)\n"
            }
            try writeText(text, to: output)
            return
        }
        if bench { return try runBenchmark() }
        guard let model else { throw CLIError("give --model PRESET (exmy mma --list shows them)") }
        guard let a, let b else { throw CLIError("give --a and --b (.npy files)") }
        let unit: MatrixUnit
        do { unit = try MatrixUnit.preset(named: model) } catch let e as MatrixUnitError { throw CLIError(e.description) }
        if let threads, threads < 1 || threads > 1024 { throw CLIError("--threads must be in 1 … 1024") }
        let kernel: MatrixUnitKernel
        do { kernel = try MatrixUnitKernel(unit) } catch let e as MatrixUnitError { throw CLIError(e.description) }

        let aArray = try Self.load(a, option: "--a", format: unit.aFormat, rounding: unit.inputRounding)
        let bArray = try Self.load(b, option: "--b", format: unit.bFormat, rounding: unit.inputRounding)
        guard (2...3).contains(aArray.shape.count), aArray.shape.count == bArray.shape.count else {
            throw CLIError("--a and --b must both be 2-D (M×K, K×N) or both 3-D (batch×M×K, batch×K×N); got shapes \(aArray.shape) and \(bArray.shape)")
        }
        let batched = aArray.shape.count == 3
        let batch = batched ? aArray.shape[0] : 1
        let m = aArray.shape[batched ? 1 : 0], k = aArray.shape[batched ? 2 : 1]
        let k2 = bArray.shape[batched ? 1 : 0], n = bArray.shape[batched ? 2 : 1]
        guard !batched || bArray.shape[0] == batch else { throw CLIError("--a has batch \(batch) but --b has batch \(bArray.shape[0])") }
        guard k == k2 else { throw CLIError("shape mismatch: A is \(m)×\(k) but B is \(k2)×\(n) (A's columns must equal B's rows)") }
        guard m >= 1, n >= 1, k >= 1, batch >= 1 else { throw CLIError("empty matrices: M, N, K and the batch must be at least 1") }
        let work = batch.multipliedReportingOverflow(by: m).partialValue.multipliedReportingOverflow(by: n).partialValue.multipliedReportingOverflow(by: k)
        guard !work.overflow, work.partialValue <= 1 << 40 else { throw CLIError("\(batch)×\(m)×\(n)×\(k) products is more than this command computes (2^40)") }
        let outShape = batched ? [batch, m, n] : [m, n]
        var cCodes: [UInt64]
        if let c {
            let cArray = try Self.load(c, option: "--c", format: unit.accumulatorFormat, rounding: .toNearestOrEven)
            guard cArray.shape == outShape else { throw CLIError("--c has shape \(cArray.shape); expected \(outShape)") }
            cCodes = cArray.codes
        } else {
            cCodes = [UInt64](repeating: unit.accumulatorFormat.encodeZero(negative: false, overflow: .none).code, count: batch * m * n)
        }
        var scaleCodesA: [UInt64]?, scaleCodesB: [UInt64]?
        if let scale = unit.blockScale {
            guard let scaleA, let scaleB else { throw CLIError("\(unit.name) is block-scaled: give --scale-a (\(m) × \(k / max(scale.blockSize, 1))) and --scale-b") }
            guard k % scale.blockSize == 0 else { throw CLIError("K = \(k) is not a multiple of the scale block \(scale.blockSize)") }
            let blocks = k / scale.blockSize
            let sa = try Self.load(scaleA, option: "--scale-a", format: scale.format, rounding: .toNearestOrEven, ignoringSignBit: true)
            let sb = try Self.load(scaleB, option: "--scale-b", format: scale.format, rounding: .toNearestOrEven, ignoringSignBit: true)
            let expectA = batched ? [batch, m, blocks] : [m, blocks], expectB = batched ? [batch, blocks, n] : [blocks, n]
            guard sa.shape == expectA else { throw CLIError("--scale-a has shape \(sa.shape); expected \(expectA)") }
            guard sb.shape == expectB else { throw CLIError("--scale-b has shape \(sb.shape); expected \(expectB)") }
            scaleCodesA = sa.codes
            scaleCodesB = sb.codes
        } else if scaleA != nil || scaleB != nil {
            throw CLIError("\(unit.name) takes no block scales; drop --scale-a/--scale-b")
        }
        var epilogue: MatrixUnitEpilogue?
        if alpha != nil || beta != nil {
            let e = MatrixUnitEpilogue(alpha: alpha ?? 1, beta: beta ?? 0)
            guard e.alpha.isFinite, e.beta.isFinite else { throw CLIError("--alpha and --beta must be finite FP32 values") }
            do { try MatrixUnitEpilogue.validate(unit.accumulatorFormat) } catch let e as MatrixUnitError { throw CLIError(e.description) }
            epilogue = e
        }
        var d: [UInt64]
        do {
            // With an epilogue, the unit adds no C: C enters through beta afterwards.
            let zero = unit.accumulatorFormat.encodeZero(negative: false, overflow: .none).code
            d = try kernel.multiply(
                MatrixUnitOperands(
                    batch: batch, m: m, n: n, k: k, a: aArray.codes, b: bArray.codes,
                    c: epilogue == nil ? cCodes : [UInt64](repeating: zero, count: cCodes.count), scaleA: scaleCodesA, scaleB: scaleCodesB),
                threads: threads)
            try epilogue?.apply(to: &d, source: cCodes, format: unit.accumulatorFormat)
        } catch let e as MatrixUnitError { throw CLIError(e.description) }
        cCodes = []
        let bytes: [UInt8]
        do {
            let acc = unit.accumulatorFormat
            if acc == .fp32 {
                bytes = try NpyWriter.encode(d.map { UInt32(truncatingIfNeeded: $0) }, shape: outShape, as: .float32)
            } else if acc == .fp16 {
                bytes = try NpyWriter.encode(d.map { UInt16(truncatingIfNeeded: $0) }, shape: outShape, as: .float16)
            } else if acc == .bf16 {
                bytes = try NpyWriter.encode(d.map { UInt16(truncatingIfNeeded: $0) }, shape: outShape, as: .bfloat16)
            } else {
                bytes = try NpyWriter.encode(d.map { acc.decode($0) }, shape: outShape)
            }
        } catch let e as TensorIOError { throw CLIError.file(e) }
        if output == nil || output == "-" {
            do { try bytes.withUnsafeBytes { try Console.shared.write($0) } } catch { throw CLIError("standard output: \(error)") }
            return
        }
        do {
            let sink = try OutputFile(path: output, inputs: [a, b] + [c, scaleA, scaleB].compactMap { $0 })
            try sink.write(bytes)
            try sink.commit()
        } catch let e as TensorIOError { throw CLIError.file(e) }
    }

    private func runBenchmark() throws {
        let size = self.size ?? 512
        guard (1...4096).contains(size) else { throw CLIError("--size must be in 1 … 4096") }
        if let threads, threads < 1 || threads > 1024 { throw CLIError("--threads must be in 1 … 1024") }
        let names = model.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? MatrixUnitBenchmark.defaultPresets
        let units: [MatrixUnit]
        do { units = try names.map { try MatrixUnit.preset(named: $0) } } catch let e as MatrixUnitError { throw CLIError(e.description) }
        let all = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let counts = all == 1 ? [1] : [1, all]
        var text = "\(size)×\(size)×\(size) products, median of 3 (whole multiply: decode, pack, kernel, scalar fall-back); load average \(Self.loadAverage())\n"
        text += "preset\tpath\tthreads\tseconds\tproducts/s\tproducts/s per thread\tCPU seconds\tproducts per CPU second (per core)\n"
        for unit in units {
            let results: [MatrixUnitBenchmark.Result]
            do { results = try MatrixUnitBenchmark.run(unit, size: size, threads: counts) } catch let e as MatrixUnitError { throw CLIError(e.description) }
            for r in results {
                text += "\(r.preset)\t\(r.batched ? "batched" : "scalar")\t\(r.threads)\t\(String(format: "%.3f", r.seconds))\t"
                text += "\(String(format: "%.3g", r.productsPerSecond))\t\(String(format: "%.3g", r.productsPerSecondPerThread))\t"
                text += "\(String(format: "%.3f", r.cpuSeconds))\t\(String(format: "%.3g", r.productsPerCPUSecond))\n"
            }
        }
        try writeText(text, to: output)
    }

    /// The 1-minute load average (Linux), or "unknown".
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8), let first = text.split(separator: " ").first else { return "unknown" }
        return String(first)
    }

    private func writeText(_ text: String, to path: String?) throws {
        guard let path, path != "-" else { Console.shared.print(String(text.dropLast())); return }
        do {
            let sink = try OutputFile(path: path)
            try sink.write(text)
            try sink.commit()
        } catch let e as TensorIOError { throw CLIError.file(e) }
    }

    /// An array of codes of `format`: unsigned-integer files are codes (checked against the format's
    /// width), float files are values quantized with `rounding`.
    static func load(_ path: String, option: String, format: FloatFormat, rounding: RoundingRule, ignoringSignBit: Bool = false) throws -> (shape: [Int], codes: [UInt64]) {
        let file: NpyFile
        do { file = try NpyFile(path: path) } catch let e as TensorIOError { throw CLIError("\(option): \(e.description)") }
        guard file.elementCount <= MatrixUnitKernel.maxElements else { throw CLIError("\(option) \(path): \(file.elementCount) elements is more than 2^32") }
        var codes: [UInt64]
        do {
            switch file.dtype {
            case .uint8: codes = try file.readElements(as: UInt8.self).map { UInt64($0) }
            case .uint16: codes = try file.readElements(as: UInt16.self).map { UInt64($0) }
            case .uint32: codes = try file.readElements(as: UInt32.self).map { UInt64($0) }
            case .uint64: codes = try file.readElements(as: UInt64.self)
            case .float64, .float32, .float16, .bfloat16, .float8E4M3FN, .float8E5M2, .float8E8M0:
                var unused = SystemRandomNumberGenerator()
                return (file.shape, try file.readDoubles().map { format.encode($0, rounding: rounding, overflow: .none, random: &unused).code })
            default:
                throw CLIError("\(option) \(path): dtype \(file.dtype) is neither unsigned codes (uint8/16/32/64) nor floats")
            }
        } catch let e as TensorIOError { throw CLIError("\(option): \(e.description)") }
        let mask = ignoringSignBit ? (format.codeMask << 1) | 1 : format.codeMask
        if let bad = codes.first(where: { $0 > mask }) {
            throw CLIError("\(option) \(path): code \(bad) does not fit the \(format.bitWidth)-bit format \(format.name ?? "")")
        }
        if ignoringSignBit { codes = codes.map { $0 & format.codeMask } }  // UE4M3 read from E4M3 bytes: the sign bit is ignored
        return (file.shape, codes)
    }
}
