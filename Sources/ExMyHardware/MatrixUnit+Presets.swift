import ExMy

/// The presets: matrix units named as the hardware is, with the parameters MMA-Sim measured
/// (Xie, Wang, Yang, Yang: "MMA-Sim: Bit-Accurate Reference Model of Tensor Cores and Matrix Cores",
/// arXiv 2511.10909; the `mmasim` package, `mmasim/simulator/{nv_ptx,amd,arithmetic}.py`), the exact
/// references, and today's `exmy dot` accumulator models.
extension MatrixUnit {
    /// FP32's range with 13 fraction bits: the grid the FP8 paths of Ada and Hopper truncate onto.
    public static let e8m13: FloatFormat = {
        // A valid description; a failure would be a bug caught by every test that builds a preset.
        (try? FloatFormat(exponentBitCount: 8, significandBitCount: 13, specials: .ieee, name: "e8m13")) ?? .fp32
    }()

    /// IEEE 754 binary64 (AMD FP64 MFMA).
    public static let binary64: FloatFormat = {
        (try? FloatFormat(exponentBitCount: 11, significandBitCount: 52, specials: .ieee, name: "fp64")) ?? .fp32
    }()

    /// Every preset, in the order `exmy mma --list` prints them.
    public static var presets: [MatrixUnit] { presetTable }

    /// The preset called `name` (case-insensitive).
    /// - Throws: ``MatrixUnitError`` listing the known names.
    public static func preset(named name: String) throws -> MatrixUnit {
        if let p = presetTable.first(where: { $0.name == name.lowercased() }) { return p }
        throw MatrixUnitError("unknown matrix-unit model '\(name)'; known: \(presetTable.map(\.name).joined(separator: ", "))")
    }

    /// The presets MMA-Sim also models (bit-exactness against `mmasim` is checked for these by
    /// Tests/mmasim/check.sh); the others are extrapolations or references.
    public var isCheckedAgainstMMASim: Bool { source.contains("mmasim:") }

    private static func nvidia(
        _ name: String, _ a: FloatFormat, _ b: FloatFormat? = nil, out: FloatFormat, k: Int, l: Int, f: Int, zero: Int,
        grid: FloatFormat? = nil, scale: BlockScale? = nil, mmasim: String?, note: String = ""
    ) -> MatrixUnit {
        let rule: RoundingRule = out == .fp16 ? .toNearestOrEven : .towardZero
        let group = Pipeline.FusedGroup(groupSize: l, fractionBits: f, zeroExponent: zero, outputGrid: grid ?? out, rounding: rule)
        var src = "arXiv 2511.10909 (MMA-Sim) §NVIDIA: L = \(l), F = \(f), e_zero = \(zero), \(rule == .towardZero ? "RZ" : "RNE") into \((grid ?? out).name ?? "")"
        if let mmasim { src += "; mmasim: \(mmasim)" }
        if !note.isEmpty { src += "; \(note)" }
        return MatrixUnit(
            name: name, aFormat: a, bFormat: b ?? a, accumulatorFormat: out, instructionK: k, pipeline: .fusedGroup(group),
            blockScale: scale, inputRounding: a == .tf32 ? .towardZero : .toNearestOrEven, source: src)
    }

    private static func amd(_ name: String, _ a: FloatFormat, _ b: FloatFormat? = nil, k: Int, _ p: Pipeline, mmasim: String) -> MatrixUnit {
        MatrixUnit(
            name: name, aFormat: a, bFormat: b ?? a, accumulatorFormat: .fp32, instructionK: k, pipeline: p,
            inputRounding: a == .tf32 ? .towardZero : .toNearestOrEven,
            source: "arXiv 2511.10909 (MMA-Sim) §AMD; mmasim: \(mmasim)")
    }

    private static let mx = BlockScale(format: .e8m0fnu, blockSize: 32)
    private static let mxf4 = BlockScale(format: .e8m0fnu, blockSize: 32, subBlockSize: 16)
    private static let mxf4b16 = BlockScale(format: .e8m0fnu, blockSize: 16, subBlockSize: 16)
    private static let nvf4 = BlockScale(format: .ue4m3, blockSize: 16, subBlockSize: 16)

    private static let presetTable: [MatrixUnit] = {
        let f16 = FloatFormat.fp16, bf16 = FloatFormat.bf16, tf32 = FloatFormat.tf32, f32 = FloatFormat.fp32
        let e4m3 = FloatFormat.e4m3fn, e5m2 = FloatFormat.e5m2, e2m1 = FloatFormat.e2m1fn, e3m2 = FloatFormat.e3m2fn, e2m3 = FloatFormat.e2m3fn
        var p: [MatrixUnit] = []
        // Volta (sm_70) mma.m8n8k4: F = 23, L = 4.
        p.append(nvidia("volta-mma-f16-f32", f16, out: f32, k: 4, l: 4, f: 23, zero: -131, mmasim: "MMA|Volta|m8n8k4.f32.f16.f16.f32"))
        p.append(nvidia("volta-mma-f16-f16", f16, out: f16, k: 4, l: 4, f: 23, zero: -19, mmasim: "MMA|Volta|m8n8k4.f16.f16.f16.f16"))
        // Turing (sm_75) mma.m16n8k8: F = 24, L = 8.
        p.append(nvidia("turing-mma-f16-f32", f16, out: f32, k: 8, l: 8, f: 24, zero: -132, mmasim: "MMA|Turing|m16n8k8.f32.f16.f16.f32"))
        p.append(nvidia("turing-mma-f16-f16", f16, out: f16, k: 8, l: 8, f: 24, zero: -20, mmasim: "MMA|Turing|m16n8k8.f16.f16.f16.f16"))
        // Ampere (sm_80): F = 24, 16 bytes of products per group (L = 8 FP16/BF16, 4 TF32).
        p.append(nvidia("ampere-mma-tf32-f32", tf32, out: f32, k: 8, l: 4, f: 24, zero: -132, mmasim: "MMA|Ampere|m16n8k8.f32.tf32.tf32.f32"))
        p.append(nvidia("ampere-mma-f16-f32", f16, out: f32, k: 16, l: 8, f: 24, zero: -132, mmasim: "MMA|Ampere|m16n8k16.f32.f16.f16.f32"))
        p.append(nvidia("ampere-mma-f16-f16", f16, out: f16, k: 16, l: 8, f: 24, zero: -20, mmasim: "MMA|Ampere|m16n8k16.f16.f16.f16.f16"))
        p.append(nvidia("ampere-mma-bf16-f32", bf16, out: f32, k: 16, l: 8, f: 24, zero: -132, mmasim: "MMA|Ampere|m16n8k16.f32.bf16.bf16.f32"))
        // Ada Lovelace (sm_89) FP8: F = 13, RZ onto E8M13 (FP32 output), L = 16.
        p.append(nvidia("ada-mma-e4m3-f32", e4m3, out: f32, k: 32, l: 16, f: 13, zero: -132, grid: e8m13, mmasim: "MMA|Ada Lovelace|m16n8k32.f32.e4m3.e4m3.f32"))
        p.append(nvidia("ada-mma-e5m2-f32", e5m2, out: f32, k: 32, l: 16, f: 13, zero: -132, grid: e8m13, mmasim: "MMA|Ada Lovelace|m16n8k32.f32.e5m2.e5m2.f32"))
        p.append(nvidia("ada-mma-e4m3xe5m2-f32", e4m3, e5m2, out: f32, k: 32, l: 16, f: 13, zero: -132, grid: e8m13, mmasim: "MMA|Ada Lovelace|m16n8k32.f32.e4m3.e5m2.f32"))
        p.append(nvidia("ada-mma-e4m3-f16", e4m3, out: f16, k: 32, l: 16, f: 13, zero: -20, mmasim: "MMA|Ada Lovelace|m16n8k32.f16.e4m3.e4m3.f16"))
        // Hopper (sm_90a): mma and wgmma F = 25, 32 bytes per group; wgmma FP8 F = 13 onto E8M13.
        p.append(nvidia("hopper-mma-f16-f32", f16, out: f32, k: 16, l: 16, f: 25, zero: -133, mmasim: "MMA|Hopper|m16n8k16.f32.f16.f16.f32"))
        p.append(nvidia("hopper-wgmma-tf32-f32", tf32, out: f32, k: 8, l: 8, f: 25, zero: -133, mmasim: "WGMMA|Hopper|m64n8k8.f32.tf32.tf32"))
        p.append(nvidia("hopper-wgmma-f16-f32", f16, out: f32, k: 16, l: 16, f: 25, zero: -133, mmasim: "WGMMA|Hopper|m64n8k16.f32.f16.f16"))
        p.append(nvidia("hopper-wgmma-f16-f16", f16, out: f16, k: 16, l: 16, f: 25, zero: -21, mmasim: "WGMMA|Hopper|m64n8k16.f16.f16.f16"))
        p.append(nvidia("hopper-wgmma-bf16-f32", bf16, out: f32, k: 16, l: 16, f: 25, zero: -133, mmasim: "WGMMA|Hopper|m64n8k16.f32.bf16.bf16"))
        p.append(nvidia("hopper-wgmma-e4m3-f32", e4m3, out: f32, k: 32, l: 32, f: 13, zero: -133, grid: e8m13, mmasim: "WGMMA|Hopper|m64n8k32.f32.e4m3.e4m3"))
        p.append(nvidia("hopper-wgmma-e5m2-f32", e5m2, out: f32, k: 32, l: 32, f: 13, zero: -133, grid: e8m13, mmasim: "WGMMA|Hopper|m64n8k32.f32.e5m2.e5m2"))
        p.append(nvidia("hopper-wgmma-e4m3xe5m2-f32", e4m3, e5m2, out: f32, k: 32, l: 32, f: 13, zero: -133, grid: e8m13, mmasim: "WGMMA|Hopper|m64n8k32.f32.e4m3.e5m2"))
        p.append(nvidia("hopper-wgmma-e4m3-f16", e4m3, out: f16, k: 32, l: 32, f: 13, zero: -21, mmasim: "WGMMA|Hopper|m64n8k32.f16.e4m3.e4m3"))
        // Blackwell (sm_100a) tcgen05.mma: F = 25 for every kind; block-scaled FP4 F = 35 with 16-product sub-blocks.
        p.append(nvidia("blackwell-tcgen05-tf32-f32", tf32, out: f32, k: 8, l: 8, f: 25, zero: -133, mmasim: "TCGen05MMA|Blackwell|m64n8k8.kind::tf32.f32.tf32.tf32"))
        p.append(nvidia("blackwell-tcgen05-f16-f32", f16, out: f32, k: 16, l: 16, f: 25, zero: -133, mmasim: "TCGen05MMA|Blackwell|m64n8k16.kind::f16.f32.f16.f16"))
        p.append(nvidia("blackwell-tcgen05-f16-f16", f16, out: f16, k: 16, l: 16, f: 25, zero: -21, mmasim: "TCGen05MMA|Blackwell|m64n8k16.kind::f16.f16.f16.f16"))
        p.append(nvidia("blackwell-tcgen05-bf16-f32", bf16, out: f32, k: 16, l: 16, f: 25, zero: -133, mmasim: "TCGen05MMA|Blackwell|m64n8k16.kind::f16.f32.bf16.bf16"))
        for (fmt, label) in [(e4m3, "e4m3"), (e5m2, "e5m2"), (e3m2, "e3m2"), (e2m3, "e2m3"), (e2m1, "e2m1")] {
            p.append(nvidia("blackwell-tcgen05-\(label)-f32", fmt, out: f32, k: 32, l: 32, f: 25, zero: -133, mmasim: "TCGen05MMA|Blackwell|m64n8k32.kind::f8f6f4.f32.\(label).\(label)"))
        }
        p.append(nvidia("blackwell-tcgen05-e4m3-f16", e4m3, out: f16, k: 32, l: 32, f: 25, zero: -21, mmasim: "TCGen05MMA|Blackwell|m64n8k32.kind::f8f6f4.f16.e4m3.e4m3"))
        for (fmt, label, mx) in [(e4m3, "mxf8-e4m3", "e4m3"), (e5m2, "mxf8-e5m2", "e5m2"), (e3m2, "mxf6-e3m2", "e3m2"), (e2m3, "mxf6-e2m3", "e2m3"), (e2m1, "mxf4-f8f6f4", "e2m1")] {
            p.append(nvidia("blackwell-tcgen05-\(label)", fmt, out: f32, k: 32, l: 32, f: 25, zero: -133, scale: Self.mx,
                            mmasim: "TCGen05MMABlockScale|Blackwell|m128n8k32.kind::mxf8f6f4.block32.f32.\(mx).\(mx).ue8m0"))
        }
        p.append(nvidia("blackwell-tcgen05-mxf4", e2m1, out: f32, k: 64, l: 64, f: 35, zero: -139, scale: mxf4, mmasim: "TCGen05MMABlockScale|Blackwell|m128n8k64.kind::mxf4nvf4.block32.f32.e2m1.e2m1.ue8m0"))
        p.append(nvidia("blackwell-tcgen05-mxf4-block16", e2m1, out: f32, k: 64, l: 64, f: 35, zero: -139, scale: mxf4b16, mmasim: "TCGen05MMABlockScale|Blackwell|m128n8k64.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue8m0"))
        p.append(nvidia("blackwell-tcgen05-nvf4", e2m1, out: f32, k: 64, l: 64, f: 35, zero: -139, scale: nvf4, mmasim: "TCGen05MMABlockScale|Blackwell|m128n8k64.kind::mxf4nvf4.block16.f32.e2m1.e2m1.ue4m3",
                        note: "NVFP4's per-tensor FP32 scale is applied outside the instruction (not modelled)"))
        // RTX Blackwell (sm_120a) mma: F = 25, L = 32 bytes.
        p.append(nvidia("rtx-blackwell-mma-e4m3-f32", e4m3, out: f32, k: 32, l: 32, f: 25, zero: -133, mmasim: "MMA|RTX Blackwell|m16n8k32.kind::f8f6f4.f32.e4m3.e4m3.f32"))
        p.append(nvidia("rtx-blackwell-mma-e2m1-f32", e2m1, out: f32, k: 32, l: 32, f: 25, zero: -133, mmasim: "MMA|RTX Blackwell|m16n8k32.kind::f8f6f4.f32.e2m1.e2m1.f32"))
        p.append(nvidia("rtx-blackwell-mma-mxf8-e4m3", e4m3, out: f32, k: 32, l: 32, f: 25, zero: -133, scale: mx, mmasim: "MMABlockScale|RTX Blackwell|m16n8k32.kind::mxf8f6f4.block32.f32.e4m3.e4m3.f32.ue8m0"))
        p.append(nvidia("rtx-blackwell-mma-nvf4", e2m1, out: f32, k: 64, l: 64, f: 35, zero: -139, scale: nvf4, mmasim: "MMABlockScale|RTX Blackwell|m16n8k64.kind::mxf4nvf4.block16.f32.e2m1.e2m1.f32.ue4m3"))
        // AMD CDNA1 (MI100), CDNA2 (MI200), CDNA3 (MI300).
        p.append(amd("cdna1-mfma-f32", f32, k: 2, .sequentialFMA(rounding: .toNearestOrEven), mmasim: "MFMA|CDNA1|f32_32x32x2f32"))
        p.append(amd("cdna1-mfma-f16", f16, k: 8, .exact(rounding: .toNearestOrEven, groupSize: 4), mmasim: "MFMA|CDNA1|f32_32x32x8f16"))
        p.append(amd("cdna1-mfma-bf16", bf16, k: 4, .exact(rounding: .toNearestOrEven, groupSize: 2), mmasim: "MFMA|CDNA1|f32_32x32x4bf16"))
        p.append(amd("cdna2-mfma-f16", f16, k: 8, .pairwiseFP32(groupSize: 4, flushSubnormals: true), mmasim: "MFMA|CDNA2|f32_32x32x8f16"))
        p.append(amd("cdna2-mfma-bf16", bf16, k: 4, .pairwiseFP32(groupSize: 2, flushSubnormals: true), mmasim: "MFMA|CDNA2|f32_32x32x4bf16"))
        p.append(amd("cdna2-mfma-bf16-1k", bf16, k: 8, .pairwiseFP32(groupSize: 4, flushSubnormals: true), mmasim: "MFMA|CDNA2|f32_32x32x8bf16_1k"))
        p.append(amd("cdna3-mfma-f32", f32, k: 2, .sequentialFMA(rounding: .toNearestOrEven), mmasim: "MFMA|CDNA3|f32_32x32x2_f32"))
        p.append(amd("cdna3-mfma-xf32", tf32, k: 4, .fusedRoundDown(groupSize: 4, interleaved: false), mmasim: "MFMA|CDNA3|f32_32x32x4_xf32"))
        p.append(amd("cdna3-mfma-f16", f16, k: 8, .fusedRoundDown(groupSize: 8, interleaved: false), mmasim: "MFMA|CDNA3|f32_32x32x8_f16"))
        p.append(amd("cdna3-mfma-bf16", bf16, k: 8, .fusedRoundDown(groupSize: 8, interleaved: false), mmasim: "MFMA|CDNA3|f32_32x32x8_bf16"))
        p.append(amd("cdna3-mfma-fp8", .e4m3fnuz, k: 16, .fusedRoundDown(groupSize: 16, interleaved: true), mmasim: "MFMA|CDNA3|f32_32x32x16_fp8_fp8"))
        p.append(amd("cdna3-mfma-bf8", .e5m2fnuz, k: 16, .fusedRoundDown(groupSize: 16, interleaved: true), mmasim: "MFMA|CDNA3|f32_32x32x16_bf8_bf8"))
        p.append(amd("cdna3-mfma-fp8-bf8", .e4m3fnuz, .e5m2fnuz, k: 16, .fusedRoundDown(groupSize: 16, interleaved: true), mmasim: "MFMA|CDNA3|f32_32x32x16_fp8_bf8"))
        // Exact references: one rounding of the exact sum.
        let exactSource = "exact sum of exact products and C, one rounding (nearest-even) into FP32"
        p.append(MatrixUnit(name: "p3109-block-dot-e4m3", aFormat: e4m3, bFormat: e4m3, accumulatorFormat: f32, instructionK: 32,
                            pipeline: .exact(rounding: .toNearestOrEven, groupSize: nil), source: "IEEE P3109 BlockDotProduct: " + exactSource))
        p.append(MatrixUnit(name: "ocp-mx-dot-mxfp8-e4m3", aFormat: e4m3, bFormat: e4m3, accumulatorFormat: f32, instructionK: 32,
                            pipeline: .exact(rounding: .toNearestOrEven, groupSize: nil), blockScale: mx, source: "OCP MX v1.0 §6 Dot with exact accumulation: " + exactSource))
        p.append(MatrixUnit(name: "ocp-mx-dot-mxfp4", aFormat: e2m1, bFormat: e2m1, accumulatorFormat: f32, instructionK: 32,
                            pipeline: .exact(rounding: .toNearestOrEven, groupSize: nil), blockScale: mx, source: "OCP MX v1.0 §6 Dot with exact accumulation: " + exactSource))
        p.append(MatrixUnit(name: "nvfp4-exact", aFormat: e2m1, bFormat: e2m1, accumulatorFormat: f32, instructionK: 16,
                            pipeline: .exact(rounding: .toNearestOrEven, groupSize: nil), blockScale: BlockScale(format: .ue4m3, blockSize: 16), source: "NVFP4 with exact accumulation: " + exactSource))
        // Today's `exmy dot` models: sequential accumulation, exact products, one rounding per step.
        for (acc, rule, label) in [(f32, RoundingRule.toNearestOrEven, "fp32-rne"), (f32, .towardZero, "fp32-rz"), (f16, .toNearestOrEven, "fp16-rne"),
                                   (bf16, .toNearestOrEven, "bf16-rne"), (e8m13, .towardZero, "e8m13-rz")] {
            p.append(MatrixUnit(name: "exmy-dot-\(label)-e4m3", aFormat: e4m3, bFormat: e4m3, accumulatorFormat: acc, instructionK: 1,
                                pipeline: .sequentialFMA(rounding: rule), source: "exmy dot --accumulator \(acc.name ?? "") --rounding \(rule.spelling) --order sequential (ExMyAnalysis/Dot)"))
        }
        return p
    }()
}
