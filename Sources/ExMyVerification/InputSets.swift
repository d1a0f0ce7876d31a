#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import ExMy
import MPFRReference

extension CrossCheck {
    /// The input sets of the cross-check.
    public enum InputSet: String, CaseIterable, Sendable {
        /// Every code's value, every midpoint between adjacent finite values, each with its Double
        /// and Float neighbours; the overflow boundary and its neighbours; the subnormal/normal
        /// boundary; ±0, ±∞, NaN, tiny and huge values. Both signs.
        case boundaries
        /// Every Float16 bit pattern.
        case float16
        /// Every bfloat16 bit pattern.
        case bfloat16
        /// Seeded random Doubles, weighted toward the format's range.
        case randomDouble = "random-double"
        /// Seeded random Floats, weighted toward the format's range.
        case randomFloat = "random-float"
    }

    /// The positive finite values of the format, ascending, from the oracle's decoding.
    static func positiveValues(_ format: FloatFormat) -> [Double] {
        let ref = reference(format)
        var values = Set<Double>()
        for code in codes(format) {
            let v = MPFRReference.value(ofCode: code, in: ref)
            if v.isFinite && v > 0 { values.insert(v) }
        }
        return values.sorted()
    }

    /// The inputs of `set` for `format`. `count` sizes the random sets; `sample` caps the number of
    /// midpoints taken from very large formats (a seeded choice).
    public static func inputs(_ set: InputSet, _ format: FloatFormat, count: Int = 1_000_000, seed: UInt64 = 1, sample: Int = 1 << 16) -> [Double] {
        var xs: [Double] = []
        switch set {
        case .boundaries:
            var points = positiveValues(format)
            var g = SplitMix64(seed: seed)
            var grid = points
            if grid.count > sample {
                grid = (0..<sample).map { _ in points[Int(g.next() % UInt64(points.count))] }.sorted()
                grid += points.prefix(64) + points.suffix(64)
            }
            var mids: [Double] = []
            if !grid.isEmpty {
                let sorted = points
                for v in grid {
                    // The next value up, on the format's list.
                    var lo = 0, hi = sorted.count
                    while lo < hi { let mid = (lo + hi) / 2; if sorted[mid] <= v { lo = mid + 1 } else { hi = mid } }
                    if lo < sorted.count { mids.append((v + sorted[lo]) / 2) }
                }
                mids.append(sorted[0] / 2)
                mids.append(sorted[0] / 4)
                // The overflow boundary: halfway from the greatest value to the next grid value.
                let top = sorted[sorted.count - 1]
                let m = format.significandBitCount
                let q = format.exponentBitCount == 0 ? format.leastNormalExponent - m : Int(top.exponent) - m
                let step = Double(sign: .plus, exponent: q, significand: 1)
                mids += [top + step / 2, top + step, top + 1.5 * step, top * 2, top * 4]
                mids.append(format.leastNormalMagnitude)
            }
            points = grid + mids + [0x1p-1074, 1e-300, 1e300, .greatestFiniteMagnitude, 1, 0.5, 2, 3, 1.5]
            for p in points where p.isFinite {
                let f = Float(p)
                for v in [p, p.nextUp, p.nextDown, Double(f), Double(f.nextUp), Double(f.nextDown)] where v.isFinite {
                    xs.append(v)
                    xs.append(-v)
                }
            }
            xs += [0, -0.0, .infinity, -.infinity, .nan, -.nan]
        case .float16:
            xs = (0...0xFFFF).map { Double(Float16(bitPattern: UInt16($0))) }
        case .bfloat16:
            xs = (0...0xFFFF).map { Double(Float(bitPattern: UInt32($0) << 16)) }
        case .randomDouble, .randomFloat:
            var g = SplitMix64(seed: seed &+ (set == .randomFloat ? 0x5EED : 0))
            let lowest = Int(format.leastNonzeroMagnitude.exponent) - 6
            let highest = Int(format.greatestFiniteMagnitude.exponent) + 6
            xs.reserveCapacity(count)
            for _ in 0..<count {
                let r = g.next()
                let e = lowest + Int(r % UInt64(highest - lowest + 1))
                var v = Double(sign: (r >> 63) == 1 ? .minus : .plus, exponent: e, significand: 1 + Double(g.next() >> 12) * 0x1p-52)
                if (r >> 20) & 0xFF == 0 { v = Double(bitPattern: g.next()) }  // 1/256: anywhere in Double's range
                if set == .randomFloat { v = Double(Float(v)) }
                if !v.isNaN { xs.append(v) }
            }
        }
        return xs
    }

    /// The tally of one cross-check run.
    public struct Tally: Sendable, CustomStringConvertible {
        /// Comparisons per input set.
        public var comparisons: [(set: String, count: Int)] = []
        /// The mismatches found (at most the run's limit).
        public var mismatches: [Mismatch] = []
        public var total: Int { comparisons.reduce(0) { $0 + $1.count } }
        public var description: String {
            comparisons.map { "\($0.set): \($0.count)" }.joined(separator: ", ") + "; \(mismatches.count) mismatches"
        }
    }

    /// Runs the deterministic cross-check of `format` over `sets`. Boundary, Float16 and bfloat16
    /// inputs go through every (rule, overflow) pair; random inputs through one pair each, cycling,
    /// so that every pair sees a share. Stops after `limit` mismatches.
    public static func run(_ format: FloatFormat, sets: [InputSet] = InputSet.allCases,
                           rules: [RoundingRule] = RoundingRule.deterministicRules,
                           overflows: [OverflowRule] = OverflowRule.allCases,
                           randomCount: Int = 1_000_000, seed: UInt64 = 1, sample: Int = 1 << 16, limit: Int = 10) -> Tally {
        let ref = reference(format)
        var tally = Tally()
        let pairs = rules.flatMap { r in overflows.map { (r, $0) } }
        for set in sets {
            let xs = inputs(set, format, count: randomCount, seed: seed, sample: sample)
            var n = 0
            let cycling = set == .randomDouble || set == .randomFloat
            for (i, x) in xs.enumerated() {
                let chosen = cycling ? [pairs[i % pairs.count]] : pairs
                for (rule, overflow) in chosen {
                    n += 1
                    if let m = compare(x, format, ref, rule, overflow) {
                        tally.mismatches.append(m)
                        if tally.mismatches.count >= limit {
                            tally.comparisons.append((set.rawValue, n))
                            return tally
                        }
                    }
                }
            }
            tally.comparisons.append((set.rawValue, n))
        }
        return tally
    }
}
#endif
