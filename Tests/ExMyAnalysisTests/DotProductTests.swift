import Foundation
import Testing
@testable import ExMyAnalysis
import ExMy

/// Emulated dot products against loops written with Swift's own `Float` and `Float16` arithmetic,
/// and the exact accumulator against an integer oracle.
struct DotProductTests {
    func vector(_ values: [Float], _ input: DotInput = .none) throws -> QuantizedVector {
        try QuantizedVector(quantizing: values, as: input)
    }

    func evaluate(_ a: QuantizedVector, _ b: QuantizedVector, accumulator: DotRounding, product: DotRounding = .exact,
                  order: AccumulationOrder = .sequential, seed: UInt64 = 0) throws -> Double {
        let c = DotConfiguration(inputA: .none, inputB: .none, product: product, accumulator: accumulator, order: order)
        var g = SeededGenerator(seed: seed)
        return try DotProduct.evaluate(a, b, c, random: &g).doubleValue
    }

    /// Vectors whose products and sums exercise rounding in FP32: wide-ranging magnitudes, both signs.
    func wideData(_ n: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in Float(g.nextNormal() * pow(2, Double(Int(g.next() % 24)) - 12)) }
    }

    @Test func fp32SequentialEqualsFloatLoop() throws {
        for seed: UInt64 in 0..<20 {
            let n = 1 + Int(seed * 97 % 3000)
            let a = wideData(n, seed: seed), b = wideData(n, seed: seed + 1000)
            // Products rounded to FP32, accumulator FP32, nearest even: the plain Float loop.
            var acc: Float = 0
            for i in 0..<n { acc += a[i] * b[i] }
            let emulated = try evaluate(vector(a), vector(b), accumulator: DotRounding(.fp32), product: DotRounding(.fp32))
            #expect(emulated == Double(acc), "seed \(seed)")
            // Exact products, FP32 accumulator: one fused multiply–add per step.
            var fused: Float = 0
            for i in 0..<n { fused = fused.addingProduct(a[i], b[i]) }
            #expect(try evaluate(vector(a), vector(b), accumulator: DotRounding(.fp32)) == Double(fused), "seed \(seed)")
        }
    }

    @Test func fp32WithE4M3InputsEqualsFloatLoopWithExactProducts() throws {
        // E4M3 × E4M3 products have at most 8 significant bits: exact in Float, so the exact-product
        // emulation must equal `acc += Float(a)·Float(b)`.
        var g = SeededGenerator(seed: 3)
        for _ in 0..<20 {
            let n = 1 + Int(g.next() % 5000)
            let raw = (0..<(2 * n)).map { _ in Float(g.nextNormal() * 8) }
            let input = DotInput.format(.e4m3fn, .toNearestOrEven, .saturateFinite)
            let a = try vector(Array(raw[..<n]), input), b = try vector(Array(raw[n...]), input)
            var acc: Float = 0
            for i in 0..<n { acc += Float(a.elements[i]) * Float(b.elements[i]) }
            #expect(try evaluate(a, b, accumulator: DotRounding(.fp32)) == Double(acc))
        }
    }

    @Test func fp32TruncationEqualsTruncatedLoop() throws {
        // Truncation oracle: the sum in Double (exact for these magnitudes, checked), then cut to the
        // Float of smaller magnitude.
        func truncated(_ d: Double) -> Float {
            let f = Float(d)
            return abs(Double(f)) > abs(d) ? (f > 0 ? f.nextDown : f.nextUp) : f
        }
        var g = SeededGenerator(seed: 11)
        for _ in 0..<20 {
            let n = 1 + Int(g.next() % 3000)
            let input = DotInput.format(.e4m3fn, .toNearestOrEven, .saturateFinite)
            let a = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
            let b = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
            var acc: Float = 0
            for i in 0..<n {
                let p = a.elements[i] * b.elements[i]
                let s = Double(acc) + p
                try #require(s - Double(acc) == p)  // the Double sum is exact
                acc = truncated(s)
            }
            #expect(try evaluate(a, b, accumulator: DotRounding(.fp32, rule: .towardZero)) == Double(acc))
        }
    }

    @Test func fp16AccumulatorEqualsFloat16Loop() throws {
        var g = SeededGenerator(seed: 5)
        let input = DotInput.format(.e4m3fn, .toNearestOrEven, .saturateFinite)  // E4M3 ⊂ FP16
        for _ in 0..<20 {
            let n = 1 + Int(g.next() % 2000)
            let a = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
            let b = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
            // Products and sums in Float16 (Swift computes them in Float and rounds once more: exact
            // for one operation of two Float16 operands, since 24 ≥ 2·11 + 2).
            var acc: Float16 = 0
            for i in 0..<n { acc += Float16(a.elements[i]) * Float16(b.elements[i]) }
            #expect(try evaluate(a, b, accumulator: DotRounding(.fp16), product: DotRounding(.fp16)) == Double(acc))
            // Exact products, FP16 accumulator: each step rounds the exact Double sum once.
            var exactProducts: Float16 = 0
            for i in 0..<n { exactProducts = Float16(Double(exactProducts) + a.elements[i] * b.elements[i]) }
            #expect(try evaluate(a, b, accumulator: DotRounding(.fp16)) == Double(exactProducts))
        }
    }

    @Test func bf16AccumulatorEqualsBitTrickRounding() throws {
        // BF16 nearest-even by the classic bit trick on a Float (exact here: the Double sum of a BF16
        // value and an 8-bit E4M3 product rounds to Float without changing the BF16 decision, since
        // 24 ≥ 2·8 + 2).
        func bf16(_ x: Float) -> Float {
            let bits = x.bitPattern
            let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
            return Float(bitPattern: rounded)
        }
        var g = SeededGenerator(seed: 8)
        let input = DotInput.format(.e4m3fn, .toNearestOrEven, .saturateFinite)
        for _ in 0..<20 {
            let n = 1 + Int(g.next() % 2000)
            let a = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
            let b = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
            var acc: Float = 0
            for i in 0..<n { acc = bf16(acc + Float(a.elements[i] * b.elements[i])) }
            #expect(try evaluate(a, b, accumulator: DotRounding(.bf16)) == Double(acc))
        }
    }

    @Test func exactAccumulatorEqualsIntegerOracle() throws {
        var g = SeededGenerator(seed: 9)
        for _ in 0..<50 {
            let n = 1 + Int(g.next() % 4096)
            var a: [Float] = [], b: [Float] = []
            var sum: Int64 = 0
            for _ in 0..<n {
                let ma = Int64(g.next() % 255) - 127, ea = Int(g.next() % 21) - 10
                let mb = Int64(g.next() % 255) - 127, eb = Int(g.next() % 21) - 10
                a.append(Float(ma) * Float(sign: .plus, exponent: ea, significand: 1))
                b.append(Float(mb) * Float(sign: .plus, exponent: eb, significand: 1))
                sum += (ma * mb) << Int64(ea + eb + 20)
            }
            let c = DotConfiguration(inputA: .none, inputB: .none, accumulator: .exact)
            var r = SeededGenerator(seed: 0)
            let result = try DotProduct.evaluate(vector(a), vector(b), c, random: &r)
            let high = (sum >> 26) << 26
            var difference = result.value
            difference.subtract(Double(high) * 0x1p-20)
            difference.subtract(Double(sum - high) * 0x1p-20)
            #expect(difference.isZero)
            // And the exact reference is the same value.
            var reference = try DotProduct.exact(vector(a), vector(b)).dot
            reference.subtract(result.value)
            #expect(reference.isZero)
        }
    }

    /// Hand-written pairwise sum in Float with the documented split (⌊n/2⌋ terms on the left).
    func floatPairwise(_ t: ArraySlice<Float>) -> Float {
        if t.count == 1 { return t[t.startIndex] }
        let mid = t.startIndex + t.count / 2
        return floatPairwise(t[t.startIndex..<mid]) + floatPairwise(t[mid...])
    }

    @Test func pairwiseEqualsRecursiveFloatSum() throws {
        for seed: UInt64 in 0..<20 {
            let n = 1 + Int(seed * 131 % 3000)
            let a = wideData(n, seed: seed + 50), b = wideData(n, seed: seed + 5000)
            let products = (0..<n).map { a[$0] * b[$0] }
            let expected = floatPairwise(products[...])
            #expect(try evaluate(vector(a), vector(b), accumulator: DotRounding(.fp32), product: DotRounding(.fp32), order: .pairwise) == Double(expected), "n = \(n)")
        }
    }

    @Test func promotionEqualsFloat16PartialsIntoFloat() throws {
        var g = SeededGenerator(seed: 21)
        let input = DotInput.format(.e4m3fn, .toNearestOrEven, .saturateFinite)
        for interval in [1, 7, 32, 128] {
            let n = 1 + Int(g.next() % 3000)
            let a = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
            let b = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
            var wide: Float = 0, narrow: Float16 = 0, count = 0
            for i in 0..<n {
                narrow += Float16(a.elements[i]) * Float16(b.elements[i])
                count += 1
                if count == interval { wide += Float(narrow); narrow = 0; count = 0 }
            }
            if count > 0 { wide += Float(narrow) }
            let order = AccumulationOrder.promoted(interval: interval, wide: DotRounding(.fp32))
            #expect(try evaluate(a, b, accumulator: DotRounding(.fp16), product: DotRounding(.fp16), order: order) == Double(wide), "interval \(interval)")
        }
    }

    @Test func stochasticRoundingIsSeededAndStaysBetweenNeighbours() throws {
        var g = SeededGenerator(seed: 4)
        let n = 4096
        let input = DotInput.format(.e4m3fn, .toNearestOrEven, .saturateFinite)
        let a = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
        let b = try vector((0..<n).map { _ in Float(g.nextNormal()) }, input)
        let sr = DotRounding(.fp16, rule: .stochastic)
        let first = try evaluate(a, b, accumulator: sr, seed: 1)
        #expect(try evaluate(a, b, accumulator: sr, seed: 1) == first)
        let others = try (2..<10).map { try evaluate(a, b, accumulator: sr, seed: $0) }
        #expect(others.contains { $0 != first })
        // Each step lands on one of the two FP16 neighbours of the exact step: the final value is
        // an FP16 value, and round-down ≤ SR ≤ round-up holds for a one-step sum.
        let one = try evaluate(vector([1]), vector([Float(1 + 0x1p-12)]), accumulator: sr, seed: 3)
        #expect(one == 1 || one == Double(Float16(1).nextUp))
    }

    @Test func blockScaledTermsEqualScaledBlockDotsAddedInFloat() throws {
        // MXFP8 E4M3 inputs: each block of 32 contributes (s_a s_b) · Σ a_i b_i, added into FP32.
        var g = SeededGenerator(seed: 31)
        let scheme = DotInput.scheme(try #require(QuantizationScheme.named("mxfp8-e4m3")))
        for _ in 0..<10 {
            let n = 32 * (1 + Int(g.next() % 64)) - Int(g.next() % 31)  // a shorter last block too
            let a = try vector((0..<n).map { _ in Float(g.nextNormal() * 3) }, scheme)
            let b = try vector((0..<n).map { _ in Float(g.nextNormal() / 5) }, scheme)
            #expect(a.blockSize == 32 && a.blockScales.count == (n + 31) / 32)
            var acc: Float = 0
            for start in stride(from: 0, to: n, by: 32) {
                var partial = 0.0
                for i in start..<min(start + 32, n) { partial += a.elements[i] * b.elements[i] }  // exact: 8-bit products
                let term = partial * a.blockScales[start / 32] * b.blockScales[start / 32]
                let s = Double(acc) + term
                try #require(s - Double(acc) == term)
                acc = Float(s)
            }
            #expect(try evaluate(a, b, accumulator: DotRounding(.fp32)) == Double(acc))
            // The exact accumulator reproduces the exact reference.
            let exactError = try evaluate(a, b, accumulator: .exact) - DotProduct.exact(a, b).dot.doubleValue
            #expect(exactError == 0)
        }
    }

    @Test func quantizedVectorsMatchTheAnalyzer() throws {
        var g = SeededGenerator(seed: 13)
        let values = (0..<100).map { _ in Float(g.nextNormal() * 10) }
        for name in ["mxfp8-e4m3", "mxfp4", "nvfp4"] {
            let scheme = try #require(QuantizationScheme.named(name))
            let v = try QuantizedVector(quantizing: values, as: .scheme(scheme))
            let analyzer = try Quantizer.quantize(Tensor(name: "v", values: values, shape: [1, 100]), scheme, keepOutput: true).output
            for i in values.indices {
                let s = v.blockScales[i / (v.blockSize ?? 1)]
                #expect(Float(v.elements[i] * s * v.tensorFactor) == analyzer[i], "\(name) element \(i)")
            }
            if name == "nvfp4" {
                #expect(v.tensorFactor != 1)
                #expect(v.blockScales.allSatisfy { FloatFormat.ue4m3.encode($0).status.isEmpty })  // UE4M3 values
            }
        }
    }

    @Test func badInputIsAnError() throws {
        let a = try vector([1, 2, 3]), b = try vector([1, 2])
        var g = SeededGenerator(seed: 0)
        let c = DotConfiguration(inputA: .none, inputB: .none, accumulator: DotRounding(.fp32))
        #expect(throws: AnalysisError.self) { try DotProduct.evaluate(a, b, c, random: &g) }
        let zero = DotConfiguration(inputA: .none, inputB: .none, accumulator: DotRounding(.fp32),
                                    order: .promoted(interval: 0, wide: DotRounding(.fp32)))
        #expect(throws: AnalysisError.self) { try DotProduct.evaluate(a, a, zero, random: &g) }
        let mx = try vector([Float](repeating: 1, count: 64), .scheme(try #require(QuantizationScheme.named("mxfp8-e4m3"))))
        let odd = DotConfiguration(inputA: .none, inputB: .none, accumulator: DotRounding(.fp16),
                                   order: .promoted(interval: 48, wide: DotRounding(.fp32)))
        #expect(throws: AnalysisError.self) { try DotProduct.evaluate(mx, mx, odd, random: &g) }
        #expect(throws: AnalysisError.self) {
            try AccumulationStudy.run([c], lengths: [0], trials: 1, source: .synthetic(a: .normal(sigma: 1), b: .normal(sigma: 1), seed: 0))
        }
    }

    @Test func studyReportsZeroErrorForExactAndGrowingErrorForNarrowAccumulators() throws {
        let input = DotInput.format(.e4m3fn, .toNearestOrEven, .saturateFinite)
        let configs = [
            DotConfiguration(name: "exact", inputA: input, inputB: input, accumulator: .exact),
            DotConfiguration(name: "bf16", inputA: input, inputB: input, accumulator: DotRounding(.bf16)),
        ]
        let (rows, skipped) = try AccumulationStudy.run(configs, lengths: [16, 1024], trials: 8,
                                                        source: .synthetic(a: .normal(sigma: 1), b: .normal(sigma: 1), seed: 1))
        #expect(skipped.isEmpty && rows.count == 4)
        for r in rows where r.configuration.name == "exact" {
            #expect(r.maxRelativeError == 0 && r.maxNormalizedError == 0)
        }
        let bf16Rows = rows.filter { $0.configuration.name == "bf16" }
        #expect(bf16Rows[0].meanNormalizedError > 0 && bf16Rows[1].meanNormalizedError > bf16Rows[0].meanNormalizedError)
        // Recompute the BF16 row at K = 16 from the same vectors with the bit-trick BF16 rounding;
        // products of E4M3 values and their sums of 16 are exact in Double.
        func bf16(_ x: Float) -> Float {
            Float(bitPattern: (x.bitPattern &+ 0x7FFF &+ ((x.bitPattern >> 16) & 1)) & 0xFFFF_0000)
        }
        let source = DotVectorSource.synthetic(a: .normal(sigma: 1), b: .normal(sigma: 1), seed: 1)
        var sumNormalized = 0.0, sumRelative = 0.0
        for t in 0..<8 {
            let (ra, rb) = source.pair(length: 16, trial: t)
            let a = try vector(ra, input), b = try vector(rb, input)
            var acc: Float = 0, exact = 0.0, absolute = 0.0
            for i in 0..<16 {
                let p = a.elements[i] * b.elements[i]
                acc = bf16(acc + Float(p))
                exact += p
                absolute += abs(p)
            }
            sumNormalized += abs(Double(acc) - exact) / absolute
            sumRelative += abs(Double(acc) - exact) / abs(exact)
        }
        #expect(abs(bf16Rows[0].meanNormalizedError - sumNormalized / 8) <= 1e-12 * sumNormalized)
        #expect(abs(bf16Rows[0].meanRelativeError - sumRelative / 8) <= 1e-12 * sumRelative)
    }
}

/// Matrix products: the layout (rows of A, columns of B) against plain loops.
struct MatrixProductTests {
    @Test func matrixProductMatchesLoops() throws {
        var g = SeededGenerator(seed: 77)
        let (m, k, n) = (5, 70, 3)
        // Small integers times powers of two: the exact product is an integer matrix product.
        let ia = (0..<(m * k)).map { _ in Int64(g.next() % 31) - 15 }
        let ib = (0..<(k * n)).map { _ in Int64(g.next() % 31) - 15 }
        let a = try Tensor(name: "a", values: ia.map { Float($0) * 0.5 }, shape: [m, k])
        let b = try Tensor(name: "b", values: ib.map { Float($0) * 0.25 }, shape: [k, n])
        let exact = try MatrixProduct(a, b, DotConfiguration(inputA: .none, inputB: .none, accumulator: .exact))
        for i in 0..<m {
            for j in 0..<n {
                var s: Int64 = 0
                for t in 0..<k { s += ia[i * k + t] * ib[t * n + j] }
                #expect(exact.computed[i * n + j] == Double(s) / 8)
                #expect(exact.exact[i * n + j] == Double(s) / 8)
            }
        }
        // FP16 accumulation of the same matrices equals a Float16 loop (every value and product is
        // exact in Float16: |a·b| ≤ 225/8).
        let fp16 = try MatrixProduct(a, b, DotConfiguration(inputA: .none, inputB: .none, accumulator: DotRounding(.fp16)))
        for i in 0..<m {
            for j in 0..<n {
                var acc: Float16 = 0
                for t in 0..<k { acc += Float16(a.values[i * k + t]) * Float16(b.values[t * n + j]) }
                #expect(fp16.computed[i * n + j] == Double(acc))
            }
        }
        #expect(throws: AnalysisError.self) {
            try MatrixProduct(a, a, DotConfiguration(inputA: .none, inputB: .none, accumulator: .exact))
        }
    }
}
