import Foundation
import Testing
@testable import ExMyAnalysis
import ExMy

/// Block scaling against the OCP MX v1.0 and NVFP4 rules, worked by hand.
struct ScalingTests {
    func quantize(_ values: [Float], _ scheme: QuantizationScheme) throws -> [Float] {
        try Quantizer.quantize(Tensor(name: "t", values: values), scheme, keepOutput: true).output
    }

    @Test func mxFloorRuleClipsTheLargestElement() throws {
        // OCP MX §6.3: shared_exp = floor(log2 amax) − emax_elem. amax = 31.6 = 7.9·4, E2M1 emax 2:
        // X = 2^(4 − 2) = 4, 31.6/4 = 7.9 clamps to 6 → 24 (formats.md: "7.9·2^k becomes 6·2^k").
        let out = try quantize([31.6, 1, -2.1, 0.2], .mx("mxfp4", .e2m1fn, block: 4))
        #expect(out == [24, 0, -2, 0])  // 1/4 = 0.25 → 0 (tie to even), 2.1/4 = 0.525 → 0.5, 0.2/4 → 0
        // The ceil rule picks X = 8: 31.6/8 = 3.95 → 4 → 32; −2.1/8 = −0.2625 is past the midpoint
        // 0.25 → −0.5 → −4.
        let ceil = try quantize([31.6, 1, -2.1, 0.2], .mx("mxfp4", .e2m1fn, block: 4, rule: .ceil))
        #expect(ceil == [32, 0, -4, 0])
    }

    @Test func e8m0TieRules() throws {
        // r = amax / 6 = 1.5 exactly: "up" (ml_dtypes cast) → 2, "even" (gfloat) → 1 (exponent 0 is even).
        let up = QuantizationScheme.mx("m", .e2m1fn, block: 1, rule: .up).groupScale(amax: 9, tensorScale: 1)
        let even = QuantizationScheme.mx("m", .e2m1fn, block: 1, rule: .even).groupScale(amax: 9, tensorScale: 1)
        #expect(up == 2 && even == 1)
        // r = 3 = 1.5·2: up → 4, even → 4 (exponent 1 is odd, so the tie goes to 2^2).
        #expect(QuantizationScheme.mx("m", .e2m1fn, block: 1, rule: .even).groupScale(amax: 18, tensorScale: 1) == 4)
        // Floor of amax = 9 with E2M1 emax 2: 2^(3 − 2) = 2.
        #expect(QuantizationScheme.mx("m", .e2m1fn, block: 1).groupScale(amax: 9, tensorScale: 1) == 2)
        // MX scales are clamped to E8M0's range.
        #expect(QuantizationScheme.mx("m", .e4m3fn).groupScale(amax: 0x1p-140, tensorScale: 1) == 0x1p-127)
    }

    @Test func nvfp4TwoLevelScale() throws {
        // Tensor amax 2688 = 448·6 → tensor scale 1; a block with amax 5 → 5/6 = 0.8333 → UE4M3 up:
        // 0.875 (1.110·2^-1). Elements 5/0.875 = 5.714 → 6 → 5.25.
        let scheme = QuantizationScheme.nvfp4(block: 2)
        let out = try quantize([2688, 1, 5, -2.5], scheme)
        #expect(out[2] == 5.25)
        #expect(out[3] == -2.625)  // 2.5/0.875 = 2.857 → 3 → 2.625
        #expect(out[0] == 2688)
        // Nearest-even block scale: 0.8333 → 0.8125 (1.101·2^-1): 5/0.8125 = 6.15 → 6 → 4.875.
        let even = try quantize([2688, 1, 5, -2.5], .nvfp4(block: 2, rounding: .even))
        #expect(even[2] == 4.875)
    }

    @Test func zeroAndNonFiniteBlocksAreReported() throws {
        let t = try Tensor(name: "t", values: [0, 0, 0, 0, 1, .nan, 2, 3, .infinity, 1, 1, 1], shape: [12])
        let r = try Quantizer.quantize(t, .mx("mxfp8-e4m3", .e4m3fn, block: 4), keepOutput: true)
        #expect(r.counts.groups == 3 && r.counts.zeroGroups == 1 && r.counts.nonFiniteGroups == 2)
        #expect(r.output[0...3].allSatisfy { $0 == 0 })
        #expect(r.output[4...].allSatisfy { $0.isNaN })  // a NaN or ∞ makes the block's scale NaN
    }

    @Test func perChannelAndPerTensor() throws {
        // Rows [1, 2] and [100, 200] with per-channel along axis 0: each row gets its own scale and
        // is exact in E4M3 (max 448 → 2 ↦ 448, 1 ↦ 224).
        let t = try Tensor(name: "t", values: [1, 2, 100, 200], shape: [2, 2])
        let r = try Quantizer.quantize(t, .perChannel(.e4m3fn, axis: 0), keepOutput: true)
        #expect(r.output == [1, 2, 100, 200] && r.counts.groups == 2)
        #expect(throws: AnalysisError.self) { try Quantizer.quantize(t, .perChannel(.e4m3fn, axis: 2)) }
        #expect(throws: AnalysisError.self) { try Tensor(name: "bad", values: [1, 2, 3], shape: [2, 2]) }
    }
}

struct MetricsTests {
    @Test func definitions() {
        var m = ErrorMetrics(element: .e2m1fn)
        // x → q pairs with scale 1: errors 0, 0.5, −1, and a flush (0.2 → 0) and a saturation (7 → 6).
        for (x, q) in [(1.0, 1.0), (2.5, 3.0), (5.0, 4.0), (0.2, 0.0), (7.0, 6.0)] { m.add(input: x, output: q, scale: 1) }
        // Σe² = 0 + 0.25 + 1 + 0.04 + 1 = 2.29; Σx² = 1 + 6.25 + 25 + 0.04 + 49 = 81.29.
        #expect(abs(m.mse - 2.29 / 5) < 1e-15)
        #expect(abs(m.relativeMSE - 2.29 / 81.29) < 1e-15)
        #expect(abs(m.sqnrDB - 10 * log10(81.29 / 2.29)) < 1e-12)
        #expect(abs(m.bias - (0 + 0.5 - 1 - 0.2 - 1) / 5) < 1e-15)
        #expect(m.maxAbsoluteError == 1)
        #expect(m.flushedToZero == 0.2 && m.saturated == 0.2)
        // ulps: 2.5 → 3 is +0.5 ulp (spacing 1 in [2, 4)); 5 → 4 and 7 → 6 are −0.5 ulp (spacing 2);
        // 0.2 → 0 is −0.4 ulp (subnormal spacing 0.5), in the same 1/8-wide bin [−0.5, −0.375).
        #expect(m.ulpHistogram[Int((0.5 + 2) * 8)] == 1 && m.ulpHistogram[Int((-0.5 + 2) * 8)] == 3)
        #expect(m.ulpHistogram[16] == 1 && m.ulpHistogram.reduce(0, +) == 5)
        var n = ErrorMetrics(element: .e2m1fn)
        n.add(input: 1, output: .nan, scale: 1)
        #expect(n.mse == .infinity && n.nanFraction == 1)
    }

    @Test func distributionMoments() throws {
        // Sample moments against the distributions' theoretical ones (seeded, n = 200k).
        func moments(_ d: Distribution) -> (Double, Double) {
            let xs = d.sample(count: 200_000, seed: 42).map(Double.init)
            let mean = xs.reduce(0, +) / Double(xs.count)
            return (mean, xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count))
        }
        let normal = moments(.normal(sigma: 2)); #expect(abs(normal.0) < 0.03 && abs(normal.1 - 4) < 0.06)
        let laplace = moments(.laplace(b: 1)); #expect(abs(laplace.0) < 0.02 && abs(laplace.1 - 2) < 0.05)
        let uniform = moments(.uniform(a: 3)); #expect(abs(uniform.0) < 0.02 && abs(uniform.1 - 3) < 0.03)
        let t = moments(.studentT(nu: 8)); #expect(abs(t.0) < 0.02 && abs(t.1 - 8.0 / 6) < 0.05)
        #expect(Distribution.normal(sigma: 1).sample(count: 5, seed: 1) == Distribution.normal(sigma: 1).sample(count: 5, seed: 1))
        #expect(throws: AnalysisError.self) { try Distribution(parsing: "student-t:-1") }
        #expect(throws: AnalysisError.self) { try Distribution(parsing: "cauchy") }
        #expect(try Distribution(parsing: "outliers:0.01:20") == .outliers(rate: 0.01, scale: 20))
    }
}
