import ExMy
import Foundation
import Testing
import TensorIO
@testable import ExMyAnalysis

/// `CheckpointQuantizer` / `CheckpointDequantizer`: round trips against the analyzer's
/// `Quantizer` bit for bit, the stored bytes against decoders written here from the specs' rules,
/// and outputs that do not depend on threads or chunk size.
@Suite(.serialized)
struct CheckpointTests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("exmy-ckpt-\(UUID().uuidString)-\(name)").path
    }

    /// Random normal values with specials planted: a zero row start, a huge and a tiny value, and
    /// (when `specials`) a NaN and an infinity.
    static func values(_ n: Int, seed: UInt64, specials: Bool) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var v = (0..<n).map { _ -> Float in
            let u1 = Double(rng.next() >> 11) * 0x1p-53 + 0x1p-54, u2 = Double(rng.next() >> 11) * 0x1p-53
            return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
        }
        if n > 40 { for i in 0..<16 { v[i] = 0 } }
        if n > 50 { v[45] = 3e4; v[46] = 1e-30 }
        if specials && n > 90 { v[70] = .nan; v[90] = -.infinity }
        return v
    }

    /// Writes one-tensor-per-shape checkpoints: tensor `t<i>` of shape `shapes[i]` in `dtype`.
    static func checkpoint(_ shapes: [[Int]], dtype: TensorDType = .float32, specials: Bool = true) throws -> (path: String, tensors: [Tensor]) {
        var writer = SafetensorsWriter()
        var tensors: [Tensor] = []
        for (i, shape) in shapes.enumerated() {
            let n = shape.reduce(1, *)
            var v = values(n, seed: UInt64(i + 1), specials: specials)
            switch dtype {
            case .float16:
                let h = v.map { Float16($0) }
                v = h.map { Float($0) }
                try writer.add("t\(i)", h.map(\.bitPattern), shape: shape, as: .float16)
            case .bfloat16:
                let b = v.map { BitPatterns.bfloat16(from: $0) }
                v = b.map { BitPatterns.float(fromBFloat16: $0) }
                try writer.add("t\(i)", b, shape: shape, as: .bfloat16)
            case .float64:
                let d = v.map { Double($0) * (1 + 0x1p-30) }
                v = d.map { Float($0) }
                try writer.add("t\(i)", d, shape: shape)
            default:
                try writer.add("t\(i)", v, shape: shape)
            }
            tensors.append(try Tensor(name: "t\(i)", values: v, shape: shape))
        }
        try writer.add("ids", [Int64](0..<5), shape: [5])
        let path = temporary("in.safetensors")
        try writer.write(to: path)
        return (path, tensors)
    }

    static func quantize(_ input: String, _ q: CheckpointQuantizer, patterns: [String] = []) throws -> String {
        let file = try SafetensorsFile(path: input)
        let plan = try q.plan(file, patterns: patterns)
        let path = temporary("q.safetensors")
        let out = try OutputFile(path: path)
        try q.run(file, plan: plan, output: out)
        try out.commit()
        return path
    }

    static func dequantize(_ input: String, _ target: CheckpointDequantizer.Target = .f32, threads: Int? = nil, chunk: Int = 1 << 20) throws -> String {
        let d = CheckpointDequantizer(target: target, threads: threads, chunkElements: chunk)
        let file = try SafetensorsFile(path: input)
        let plan = try d.plan(file)
        let path = temporary("d.safetensors")
        let out = try OutputFile(path: path)
        try d.run(file, plan: plan, output: out)
        try out.commit()
        return path
    }

    static let shapes: [[Int]] = [[4, 64], [3, 50], [1], [0], [2, 0], [], [2, 3, 96], [7, 33]]

    static var schemes: [QuantizationScheme] {
        var s = QuantizationScheme.namedSchemes.compactMap(QuantizationScheme.named)
        s.append(.nvfp4(rounding: .even))
        s.append(.mx("mxfp4", .e2m1fn, rule: .ceil))
        s.append(.mx("mxfp8-e4m3", .e4m3fn, rule: .even))
        s.append(.absmax(.e4m3fn, block: 128))
        s.append(.absmax(.e2m1fn, block: 7))
        var stochastic = QuantizationScheme.named("mxfp4")!
        stochastic.rounding = .stochasticA(bits: 8)
        s.append(stochastic)
        var nonSaturating = QuantizationScheme.named("mxfp8-e4m3")!
        nonSaturating.overflow = .none
        nonSaturating.scale = .e8m0(.up)
        s.append(nonSaturating)
        return s
    }

    /// Every scheme, every shape (a last dimension the block does not divide, one element, empty,
    /// a scalar), chunks smaller than a row: dequantized F32 equals the analyzer's output bit for bit.
    @Test(arguments: [TensorDType.float32, .float16, .bfloat16, .float64])
    func roundTripEqualsAnalyzer(dtype: TensorDType) throws {
        let (input, tensors) = try Self.checkpoint(Self.shapes, dtype: dtype)
        for scheme in Self.schemes {
            let q = CheckpointQuantizer(.scheme(scheme), seed: 7, pad: true, threads: 2, chunkElements: 100)
            let quantized = try Self.quantize(input, q)
            let restored = try SafetensorsFile(path: try Self.dequantize(quantized, chunk: 90))
            for t in tensors {
                let expected = try Quantizer.quantize(t, scheme, seed: 7, keepOutput: true, threads: 1).output.map(\.bitPattern)
                let got = try restored.readElements(t.name, as: UInt32.self)
                #expect(try restored.info(t.name).shape == t.shape)
                #expect(got == expected, "\(scheme) \(t.name) \(t.shape) \(dtype)")
            }
            #expect(try restored.readElements("ids", as: Int64.self) == [0, 1, 2, 3, 4])
        }
    }

    /// The output bytes do not depend on threads or chunk size.
    @Test func outputIndependentOfThreadsAndChunks() throws {
        let (input, _) = try Self.checkpoint([[64, 96], [5, 40], [1000]])
        for scheme in ["mxfp4", "nvfp4", "mxfp6-e2m3", "mxfp8-e5m2"].compactMap(QuantizationScheme.named) {
            var s = scheme
            s.rounding = .stochasticA(bits: 8)
            var outputs: [Data] = []
            for (threads, chunk) in [(1, 1 << 20), (2, 64), (3, 96), (8, 4096)] {
                let path = try Self.quantize(input, CheckpointQuantizer(.scheme(s), seed: 3, pad: true, threads: threads, chunkElements: chunk))
                outputs.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
            #expect(Set(outputs).count == 1, "\(s)")
            var restored: [Data] = []
            let path = try Self.quantize(input, CheckpointQuantizer(.scheme(s), seed: 3, pad: true, threads: 1))
            for (threads, chunk) in [(1, 1 << 20), (2, 33), (4, 100)] {
                restored.append(try Data(contentsOf: URL(fileURLWithPath: try Self.dequantize(path, .bf16, threads: threads, chunk: chunk))))
            }
            #expect(Set(restored).count == 1, "\(s)")
        }
        let codes = try CheckpointQuantizer(.codes(BatchEncoder(.e4m3fn, rounding: .stochasticA(bits: 4)), roundsDoubleThroughFloat: false), seed: 9)
        var outputs: [Data] = []
        for threads in [1, 2, 5] {
            var q = codes
            q.threads = threads
            q.chunkElements = threads == 1 ? 1 << 20 : 77
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: try Self.quantize(input, q))))
        }
        #expect(Set(outputs).count == 1)
    }

    // MARK: The stored bytes read by hand from the specs

    /// E2M1 from its bits (OCP MX v1.0 §5.3.3): sign bit 3, exponent bits 2–1 (bias 1), significand bit 0.
    static func e2m1(_ c: UInt8) -> Double {
        let sign: Double = c & 8 != 0 ? -1 : 1, e = Int(c >> 1 & 3), m = Double(c & 1)
        return sign * (e == 0 ? m * 0.5 : (1 + m / 2) * pow(2, Double(e - 1)))
    }

    /// E4M3 (OCP OFP8): bias 7, 0x7F/0xFF NaN.
    static func e4m3(_ c: UInt8) -> Double {
        if c & 0x7F == 0x7F { return .nan }
        let sign: Double = c & 0x80 != 0 ? -1 : 1, e = Int(c >> 3 & 15), m = Double(c & 7)
        return sign * (e == 0 ? m / 8 * pow(2, -6) : (1 + m / 8) * pow(2, Double(e - 7)))
    }

    /// E2M3 (OCP MX FP6): sign bit 5, exponent bits 4–3 (bias 1), significand bits 2–0.
    static func e2m3(_ c: UInt8) -> Double {
        let sign: Double = c & 0x20 != 0 ? -1 : 1, e = Int(c >> 3 & 3), m = Double(c & 7)
        return sign * (e == 0 ? m / 8 : (1 + m / 8) * pow(2, Double(e - 1)))
    }

    /// MXFP4 in the gpt-oss layout: `_blocks` [rows, nb, 16], element 2j in the low nibble of byte
    /// j, element 2j+1 in the high nibble; `_scales` [rows, nb] E8M0 = 2^(byte − 127); and each
    /// scale is the OCP rule `floor(log2(amax)) − 2` (E2M1's emax), computed here with `log2`.
    @Test func mxfp4BytesReadByHand() throws {
        let (input, tensors) = try Self.checkpoint([[6, 64]], specials: false)
        let q = try SafetensorsFile(path: try Self.quantize(input, CheckpointQuantizer(.scheme(.named("mxfp4")!))))
        let blocks = try q.readElements("t0_blocks", as: UInt8.self), scales = try q.readElements("t0_scales", as: UInt8.self)
        #expect(try q.info("t0_blocks").shape == [6, 2, 16])
        #expect(try q.info("t0_scales").shape == [6, 2])
        #expect(try q.info("t0_blocks").dtype == .uint8 && q.info("t0_scales").dtype == .uint8)
        let x = tensors[0].values
        var byHand: [Float] = []
        for row in 0..<6 {
            for k in 0..<2 {
                let block = x[(row * 64 + k * 32)..<(row * 64 + k * 32 + 32)]
                let amax = block.map { Double(abs($0)) }.max()!
                let expectedScale = amax == 0 ? 0 : Int(floor(log2(amax))) - 2 + 127
                let scaleByte = scales[row * 2 + k]
                #expect(Int(scaleByte) == expectedScale, "row \(row) block \(k)")
                for j in 0..<16 {
                    let byte = blocks[(row * 2 + k) * 16 + j]
                    let s = pow(2, Double(Int(scaleByte) - 127))
                    byHand.append(Float(Self.e2m1(byte & 0xF) * s))
                    byHand.append(Float(Self.e2m1(byte >> 4) * s))
                }
            }
        }
        let restored = try SafetensorsFile(path: try Self.dequantize(q.path)).readElements("t0", as: UInt32.self)
        #expect(restored == byHand.map(\.bitPattern))
        // And each nibble is the nearest E2M1 value to x / scale (ties to even), saturating at 6.
        for i in 0..<x.count {
            let s = pow(2, Double(Int(scales[i / 32]) - 127))
            let target = Double(x[i]) / s
            let grid = (0..<16).map { Self.e2m1(UInt8($0)) }
            let best = grid.map { abs($0 - min(max(target, -6), 6)) }.min()!
            #expect(abs(Double(byHand[i]) / s - min(max(target, -6), 6)) == best, "element \(i)")
        }
    }

    /// NVFP4 in the ModelOpt layout: packed E2M1 `[rows, cols/2]` low nibble first, `_scale`
    /// F8_E4M3 `[rows, cols/16]`, `_scale_2` F32 scalar = amax / (6 · 448); value = e2m1 · e4m3 · scale_2.
    @Test func nvfp4BytesReadByHand() throws {
        let (input, tensors) = try Self.checkpoint([[4, 48]], specials: false)
        let q = try SafetensorsFile(path: try Self.quantize(input, CheckpointQuantizer(.scheme(.nvfp4()))))
        #expect(try q.info("t0").shape == [4, 24] && q.info("t0").dtype == .uint8)
        #expect(try q.info("t0_scale").shape == [4, 3] && q.info("t0_scale").dtype == .float8E4M3FN)
        #expect(try q.info("t0_scale_2").shape == [] && q.info("t0_scale_2").dtype == .float32)
        let amax = tensors[0].values.map { abs($0) }.max()!
        let scale2 = try q.readElements("t0_scale_2", as: Float.self)[0]
        #expect(scale2 == Float(Double(amax) / (6 * 448)))
        let codes = try q.readElements("t0", as: UInt8.self), scales = try q.readElements("t0_scale", as: UInt8.self)
        var byHand: [Float] = []
        for (j, byte) in codes.enumerated() {
            let s = Self.e4m3(scales[j / 8]) * Double(scale2)
            #expect(scales[j / 8] & 0x80 == 0)
            byHand.append(Float(Self.e2m1(byte & 0xF) * s))
            byHand.append(Float(Self.e2m1(byte >> 4) * s))
        }
        // Every block scale is amax_block / (6 · scale_2) rounded up into E4M3, at most 448 (the
        // block holding the tensor's maximum can need a hair more: scale_2 was rounded to FP32);
        // an all-zero block stores 1.0, as ModelOpt does.
        let x = tensors[0].values
        for b in 0..<12 {
            let amaxBlock = x[(b * 16)..<(b * 16 + 16)].map { Double(abs($0)) }.max()!
            if amaxBlock == 0 { #expect(Self.e4m3(scales[b]) == 1); continue }
            let needed = min(amaxBlock / (6 * Double(scale2)), 448)
            let stored = Self.e4m3(scales[b])
            #expect(stored >= needed, "block \(b)")
            let below = (0..<0x7F).map { Self.e4m3(UInt8($0)) }.filter { $0 < stored }.max() ?? 0
            #expect(below < needed, "block \(b)")
        }
        let restored = try SafetensorsFile(path: try Self.dequantize(q.path)).readElements("t0", as: UInt32.self)
        #expect(restored == byHand.map(\.bitPattern))
    }

    /// MXFP6 E2M3: four codes per three bytes, LSB first (c0 + c1·2^6 + c2·2^12 + c3·2^18 as a
    /// 24-bit little-endian word), 24 bytes per block of 32.
    @Test func mxfp6BytesReadByHand() throws {
        let (input, _) = try Self.checkpoint([[2, 64]], specials: false)
        let q = try SafetensorsFile(path: try Self.quantize(input, CheckpointQuantizer(.scheme(.named("mxfp6-e2m3")!))))
        #expect(try q.info("t0_blocks").shape == [2, 2, 24])
        let blocks = try q.readElements("t0_blocks", as: UInt8.self), scales = try q.readElements("t0_scales", as: UInt8.self)
        var byHand: [Float] = []
        for group in stride(from: 0, to: blocks.count, by: 3) {
            let word = UInt32(blocks[group]) | UInt32(blocks[group + 1]) << 8 | UInt32(blocks[group + 2]) << 16
            let s = pow(2, Double(Int(scales[group / 24]) - 127))
            for k in 0..<4 { byHand.append(Float(Self.e2m3(UInt8(word >> (6 * UInt32(k)) & 0x3F)) * s)) }
        }
        let restored = try SafetensorsFile(path: try Self.dequantize(q.path)).readElements("t0", as: UInt32.self)
        #expect(restored == byHand.map(\.bitPattern))
    }

    /// Plain codes: each stored code equals the scalar engine's `FloatFormat.encode` of the element
    /// (not the batch encoder under test), and dequantizing gives `FloatFormat.decode`.
    @Test func plainCodesEqualScalarEngine() throws {
        let (input, tensors) = try Self.checkpoint([[3, 70], [1], [0]], specials: false)
        for (format, overflow) in [(FloatFormat.e4m3fn, OverflowRule.saturateFinite), (.e5m2, .none), (.e2m1fn, .saturateFinite), (.bf16, .none)] {
            let encoder = try BatchEncoder(format, rounding: .toNearestOrEven, overflow: overflow)
            let q = try SafetensorsFile(path: try Self.quantize(input, CheckpointQuantizer(.codes(encoder, roundsDoubleThroughFloat: false), chunkElements: 64)))
            let d = try SafetensorsFile(path: try Self.dequantize(q.path, .f64))
            for t in tensors {
                let expected = t.values.map { format.encode(Double($0), rounding: .toNearestOrEven, overflow: overflow).code }
                let stored: [UInt64] = format.bitWidth <= 8 ? try q.readElements(t.name, as: UInt8.self).map(UInt64.init) : try q.readElements(t.name, as: UInt16.self).map(UInt64.init)
                #expect(stored == expected, "\(format) \(t.name)")
                #expect(try d.readElements(t.name, as: Double.self).map(\.bitPattern) == expected.map { format.decode($0).bitPattern })
            }
        }
    }

    /// Planning refusals: a block that does not divide (without padding), a dtype that cannot be
    /// quantized, a glob matching nothing, a name collision; dequantize refuses a file with no record.
    @Test func refusals() throws {
        let (input, _) = try Self.checkpoint([[3, 50]])
        let file = try SafetensorsFile(path: input)
        let mx = CheckpointQuantizer(.scheme(.named("mxfp4")!))
        #expect(throws: AnalysisError.self) { try mx.plan(file, patterns: []) }
        #expect(throws: AnalysisError.self) { try mx.plan(file, patterns: ["nothing*"]) }
        #expect(throws: AnalysisError.self) { try mx.plan(file, patterns: ["ids"]) }
        #expect(throws: AnalysisError.self) { try CheckpointDequantizer().plan(file) }
        var writer = SafetensorsWriter()
        try writer.add("w", [Float](repeating: 1, count: 32), shape: [32])
        try writer.add("w_scales", [UInt8](repeating: 1, count: 1), shape: [1])
        let collide = Self.temporary("collide.safetensors")
        try writer.write(to: collide)
        #expect(throws: AnalysisError.self) { try mx.plan(SafetensorsFile(path: collide), patterns: ["w"]) }
    }
}
