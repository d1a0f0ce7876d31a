import ExMy
import Foundation
import Testing
@testable import ExMyAnalysis

/// The batch-engine quantizer against a plain scalar reference written here: per element
/// `format.decode(format.encode(x / s)) · s`, groups and maxima computed independently, metrics fed
/// element by element.
struct QuantizerBatchTests {
    /// The reference: group of each element by the definitions in `Granularity`, maxima per group,
    /// scales by the scheme's rule, then the scalar engine element by element. Stochastic rules draw
    /// element `i`'s bits from `CounterRandomGenerator(seed:index: i)`. Metrics: one accumulator per
    /// `Quantizer.chunkSize` elements, merged in order.
    static func reference(_ t: Tensor, _ scheme: QuantizationScheme, seed: UInt64) -> (output: [Float], metrics: ErrorMetrics, counts: GroupCounts) {
        let n = t.values.count
        func group(_ i: Int) -> Int {
            switch scheme.granularity {
            case .tensor: return 0
            case .block(let b):
                let last = max(t.shape.last ?? 1, 1)
                let row = i / last, column = i % last
                return row * ((last + b - 1) / b) + column / b
            case .channel(let axis):
                let stride = max(t.shape[(axis + 1)...].reduce(1, *), 1)
                return (i / stride) % max(t.shape[axis], 1)
            }
        }
        let groups: Int
        switch scheme.granularity {
        case .tensor: groups = 1
        case .block(let b):
            let last = max(t.shape.last ?? 1, 1)
            groups = max(n / last * ((last + b - 1) / b), 1)
        case .channel(let axis): groups = max(t.shape[axis], 1)
        }
        var amax = [Double](repeating: 0, count: groups), nonFinite = [Bool](repeating: false, count: groups)
        var tensorAmax = 0.0
        for (i, x) in t.values.enumerated() {
            if !x.isFinite { nonFinite[group(i)] = true; continue }
            amax[group(i)] = max(amax[group(i)], Double(abs(x)))
            tensorAmax = max(tensorAmax, Double(abs(x)))
        }
        let tensorScale = scheme.tensorScale(amax: tensorAmax)
        var counts = GroupCounts(groups: groups)
        let scales = (0..<groups).map { g -> Double in
            if nonFinite[g] { counts.nonFiniteGroups += 1; return .nan }
            if amax[g] == 0 { counts.zeroGroups += 1; return scheme.zeroGroupScale }
            let s = scheme.groupScale(amax: amax[g], tensorScale: tensorScale)
            if s == 0 { counts.underflowedScales += 1 }
            return s
        }
        let format = scheme.element
        var output = [Float](repeating: 0, count: n)
        var total = ErrorMetrics(element: format)
        var chunk = ErrorMetrics(element: format)
        for (i, x) in t.values.enumerated() {
            let s = scales[group(i)]
            let q: Double
            if s.isNaN {
                q = .nan
            } else if s == 0 {
                q = 0
            } else {
                var random = CounterRandomGenerator(seed: seed, index: UInt64(i))
                q = format.decode(format.encode(Double(x) / s, rounding: scheme.rounding, overflow: scheme.overflow, random: &random).code) * s
            }
            output[i] = Float(q)
            chunk.add(input: Double(x), output: q, scale: s)
            if (i + 1) % Quantizer.chunkSize == 0 || i == n - 1 {
                total.merge(chunk)
                chunk = ErrorMetrics(element: format)
            }
        }
        return (output, total, counts)
    }

    /// Rows of 100 (tails of 4 after blocks of 32 and 16) spanning 2^−30 … 2^20, an all-zero row, a
    /// row with a zero block, NaN, ±∞, Float subnormals, `Float.greatestFiniteMagnitude`; 2 full
    /// chunks and a partial one.
    static let tensor: Tensor = {
        var values = Distribution.studentT(nu: 4).sample(count: 136_000, seed: 11)
        for r in 0..<1360 {
            let scale = Float(sign: .plus, exponent: r % 51 - 30, significand: 1)
            for c in 0..<100 { values[r * 100 + c] *= scale }
        }
        for c in 0..<100 { values[500 + c] = 0 }            // row 5: all zero
        for c in 32..<64 { values[700 + c] = 0 }            // row 7: one zero block
        values[900 + 10] = .nan
        values[1100 + 99] = .infinity                        // in the tail block of row 11
        values[70_000] = -.infinity                          // second chunk
        values[1300 + 3] = 0x1p-140                          // Float subnormals
        values[1300 + 4] = -0x1p-149
        values[1500 + 7] = .greatestFiniteMagnitude
        values[1600 + 8] = -0
        return try! Tensor(name: "mixed", values: values, shape: [1360, 100])
    }()

    static let schemes: [QuantizationScheme] = {
        var list: [QuantizationScheme] = QuantizationScheme.namedSchemes.map { QuantizationScheme.named($0)! }
        list += [FloatFormat.e4m3fn, .e5m2, .e2m1fn, .e3m2fn, .e2m3fn, .fp3E2M0, .fp3E1M1NoSubnormals, .e4m3fnuz, .mxint8,
                 .bf16, .fp16, .tf32, .fp32].map { QuantizationScheme.absmax($0, block: 32) }
        list += [.perTensor(.e4m3fn), .perTensor(.e2m1fn), .perChannel(.e5m2, axis: 0), .perChannel(.e4m3fn, axis: 1)]
        list += [PowerOfTwoScaleRule.ceil, .even, .up].map { QuantizationScheme.mx("mxfp4-\($0)", .e2m1fn, rule: $0) }
        list += [.nvfp4(rounding: .even), .nvfp4(twoLevel: false), .nvfp4(block: 7)]
        var exmy = QuantizationScheme.absmax(.e2m1fn, block: 16)
        exmy.scale = .exmy(.e5m2, .toNearestOrEven)
        list.append(exmy)
        var ue = QuantizationScheme.absmax(.e3m2fn, block: 32)
        ue.scale = .ue4m3(.up, twoLevel: false)  // tiny rows underflow UE4M3: zero scales
        list.append(ue)
        for rule in [RoundingRule.towardZero, .toNearestOrAwayFromZero, .up, .stochasticA(bits: 8), .stochasticC(bits: 4), .stochastic] {
            var s = QuantizationScheme.absmax(.e4m3fn, block: 32)
            s.rounding = rule
            list.append(s)
        }
        for overflow in [OverflowRule.none, .saturatePropagate] {
            // Per-tensor E2M1 with overflow rules that do not saturate: FP32 absmax never overflows,
            // so clip the scale with an E8M0 floor rule (the largest element of a block may pass 6).
            var s = QuantizationScheme.mx("mxfp4", .e2m1fn)
            s.overflow = overflow
            list.append(s)
            var f = QuantizationScheme.mx("mxfp8", .e5m2)
            f.overflow = overflow
            list.append(f)
        }
        return list
    }()

    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test(arguments: schemes)
    func batchQuantizerMatchesScalarReference(_ scheme: QuantizationScheme) throws {
        for seed: UInt64 in [0, 7] {
            let expected = Self.reference(Self.tensor, scheme, seed: seed)
            let got = try Quantizer.quantize(Self.tensor, scheme, seed: seed, keepOutput: true, threads: 2)
            #expect(Self.sameBits(got.output, expected.output), "\(scheme) seed \(seed): outputs differ at \(zip(got.output, expected.output).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }.map { "\($0.offset): \($0.element)" } ?? "-")")
            #expect(got.metrics == expected.metrics, "\(scheme) seed \(seed): metrics differ")
            #expect(got.counts == expected.counts, "\(scheme): counts \(got.counts) vs \(expected.counts)")
        }
    }

    @Test func oddShapesMatchTheReference() throws {
        let odd = try Tensor(name: "odd", values: Distribution.normal(sigma: 3).sample(count: 1001, seed: 3), shape: [1001])
        let empty = try Tensor(name: "empty", values: [], shape: [4, 0])
        let cube = try Tensor(name: "cube", values: Distribution.laplace(b: 1).sample(count: 3 * 5 * 7, seed: 4), shape: [3, 5, 7])
        let allNaN = try Tensor(name: "nan", values: [.nan, .nan, 1, 2, .infinity, -.infinity, 0, 0], shape: [2, 4])
        let schemes: [QuantizationScheme] = [.absmax(.e2m1fn, block: 32), .mx("mxfp4", .e2m1fn), .nvfp4(), .perTensor(.e4m3fn),
                                             .perChannel(.e3m2fn, axis: 1), .perChannel(.e2m3fn, axis: 2), .absmax(.e5m2, block: 3)]
        for t in [odd, empty, cube, allNaN] {
            for scheme in schemes {
                if case .channel(let axis) = scheme.granularity, !t.shape.indices.contains(axis) {
                    #expect(throws: AnalysisError.self) { try Quantizer.quantize(t, scheme) }
                    continue
                }
                let expected = Self.reference(t, scheme, seed: 1)
                let got = try Quantizer.quantize(t, scheme, seed: 1, keepOutput: true)
                #expect(Self.sameBits(got.output, expected.output), "\(t.name) \(scheme)")
                #expect(got.metrics == expected.metrics, "\(t.name) \(scheme)")
                #expect(got.counts == expected.counts, "\(t.name) \(scheme)")
            }
        }
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let schemes: [QuantizationScheme] = [.absmax(.e4m3fn, block: 32), .nvfp4(), .mx("mxfp4", .e2m1fn),
                                             { var s = QuantizationScheme.absmax(.e2m1fn, block: 32); s.rounding = .stochasticA(bits: 8); return s }()]
        for scheme in schemes {
            let one = try Quantizer.quantize(Self.tensor, scheme, seed: 3, keepOutput: true, threads: 1)
            for threads in [2, 3] {
                let other = try Quantizer.quantize(Self.tensor, scheme, seed: 3, keepOutput: true, threads: threads)
                #expect(other.metrics == one.metrics && other.counts == one.counts && Self.sameBits(other.output, one.output), "\(scheme), \(threads) threads")
            }
        }
        // The study: schemes over workers, chunks over the remaining threads.
        let source = DataSource.synthetic(.studentT(nu: 3), count: 3 * Quantizer.chunkSize + 4096, seed: 5)
        let rows = try (1...3).map { try Study.run(schemes, on: source, seed: 9, threads: $0) }
        for r in rows.dropFirst() {
            #expect(r.map(\.metrics) == rows[0].map(\.metrics))
            #expect(r.map(\.counts) == rows[0].map(\.counts))
        }
        #expect(throws: AnalysisError.self) { try Quantizer.quantize(Self.tensor, schemes[0], threads: 0) }
    }
}
