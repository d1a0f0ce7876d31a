import ExMy

/// What one emulated dot product produced.
public struct DotEvaluation: Sendable {
    /// The computed value, held exactly (so that its error against the exact reference is exact).
    public var value: ExactAccumulator
    /// Terms that were not exact in `Double` when they entered a rounding step: a block's partial
    /// sum wider than 53 bits, or an exact product wider than 53 bits in pairwise order. Always 0
    /// for inputs of at most 26 significant bits (every FP8/FP6/FP4/FP16/BF16/FP32 input) without
    /// block scales; with block scales, 0 whenever the block's products span fewer than 53 bits.
    public var inexactTerms: Int

    /// The computed value as a `Double` (exact for every accumulator format of ExMy).
    public var doubleValue: Double { value.doubleValue }
}

/// Emulated dot products `Σ a_i b_i` with chosen input, product and accumulator formats and
/// accumulation order, and their exact reference.
///
/// Every rounding of a product or of an accumulation step is one call of the arithmetic core on
/// ``FloatFormat`` (`multiply`, `add`, `fusedMultiplyAdd`, with `Double` operands, rounded once).
///
/// **Terms.** Without block scales, the terms are the products `a_i · b_i` (rounded into the
/// product format when one is set). With block scales (MX, NVFP4, absmax blocks), the vector is cut
/// where either operand's block changes; each piece contributes one term
/// `t_j = (s_a · s_b) · Σ_{i ∈ piece} p_i`, where `p_i` are the element products (rounded into the
/// product format when set) summed exactly, and `s_a`, `s_b` the stored block scales — the scaled
/// per-block dot product that block-scaled tensor cores add into their accumulator. The exact
/// partial sum is rounded to the nearest `Double` before it enters the accumulator (counted in
/// ``DotEvaluation/inexactTerms`` when that changes it), and the term is added with one fused
/// multiply–add, `acc = round(P_j · (s_a s_b) + acc)`.
///
/// **Tensor-wide scales** (a per-tensor FP32 scale, NVFP4's FP32 second-level scale) multiply the
/// whole dot product; they are applied to neither the computed nor the exact value (hardware
/// applies them once in the epilogue, a rounding this study leaves out).
public enum DotProduct {
    /// A term: the exact value `x · y`, standing for `products` element products.
    struct Term {
        var x: Double
        var y: Double
        var products: Int
        /// Whether `x · y` must be multiplied out (false when `y` is 1).
        var isProduct: Bool { y != 1 }
    }

    /// The exact dot product of the quantized inputs, `Σ (a_i s_a)(b_i s_b)` (tensor factors left
    /// out), and the exact `Σ |a_i s_a · b_i s_b|`.
    public static func exact(_ a: QuantizedVector, _ b: QuantizedVector) throws -> (dot: ExactAccumulator, absoluteSum: ExactAccumulator) {
        guard a.count == b.count else { throw AnalysisError("vectors of different lengths: \(a.count) and \(b.count)") }
        var dot = ExactAccumulator(), abs = ExactAccumulator()
        for i in 0..<a.count {
            let x = try a.dequantized(at: i), y = try b.dequantized(at: i)
            dot.addProduct(x, y)
            abs.addProduct(Swift.abs(x), Swift.abs(y))
        }
        return (dot, abs)
    }

    /// Emulates `Σ a_i b_i` under `configuration` (its inputs are already applied to `a` and `b`).
    /// Stochastic rounding draws from `random`.
    public static func evaluate<G: RandomNumberGenerator>(
        _ a: QuantizedVector, _ b: QuantizedVector, _ configuration: DotConfiguration, random: inout G
    ) throws -> DotEvaluation {
        try configuration.validate()
        guard a.count == b.count else { throw AnalysisError("vectors of different lengths: \(a.count) and \(b.count)") }
        var inexact = 0
        let terms = try makeTerms(a, b, product: configuration.product, inexact: &inexact, random: &random)
        guard let format = configuration.accumulator.format else {
            // Exact accumulation of the terms' exact values.
            var acc = ExactAccumulator()
            for t in terms { acc.addProduct(t.x, t.y) }
            return DotEvaluation(value: acc, inexactTerms: inexact)
        }
        let rounding = configuration.accumulator
        let value: Double
        switch configuration.order {
        case .sequential:
            value = sequential(terms[...], format, rounding, random: &random)
        case .pairwise:
            value = terms.isEmpty ? 0 : pairwise(terms[...], format, rounding, inexact: &inexact, random: &random)
        case .promoted(let interval, let wide):
            let blocked = a.blockSize != nil || b.blockSize != nil
            if blocked, let first = terms.first, interval % first.products != 0 {
                throw AnalysisError("promotion interval \(interval) is not a multiple of the scale block (\(first.products) products)")
            }
            value = promoted(terms, format, rounding, interval: interval, wide: wide, random: &random)
        }
        var acc = ExactAccumulator()
        acc.add(value)
        return DotEvaluation(value: acc, inexactTerms: inexact)
    }

    // MARK: Terms

    static func makeTerms<G: RandomNumberGenerator>(
        _ a: QuantizedVector, _ b: QuantizedVector, product: DotRounding, inexact: inout Int, random: inout G
    ) throws -> [Term] {
        let n = a.count
        func elementProduct(_ i: Int) -> (Double, Double) {
            let x = a.elements[i], y = b.elements[i]
            guard let format = product.format else { return (x, y) }
            let e = format.multiply(x, y, rounding: product.rule, overflow: product.overflow, random: &random)
            return (format.decode(e.code), 1)
        }
        if a.blockSize == nil && b.blockSize == nil {
            return (0..<n).map { i in
                let (x, y) = elementProduct(i)
                return Term(x: x, y: y, products: 1)
            }
        }
        // Pieces where neither operand's block changes.
        var terms: [Term] = []
        var partial = ExactAccumulator()
        var start = 0
        while start < n {
            var end = n
            if let s = a.blockSize { end = min(end, (start / s + 1) * s) }
            if let s = b.blockSize { end = min(end, (start / s + 1) * s) }
            partial.reset()
            for i in start..<end {
                let (x, y) = elementProduct(i)
                partial.addProduct(x, y)
            }
            let p = partial.doubleValue
            if partial.isFinite && p.isFinite {
                var check = partial
                check.subtract(p)
                if !check.isZero { inexact += 1 }
            }
            let sa = a.blockScale(at: start), sb = b.blockScale(at: start)
            let s = sa * sb
            if s.isFinite && (-s).addingProduct(sa, sb) != 0 {
                throw AnalysisError("block scales \(sa) × \(sb) are not exact in Double")
            }
            terms.append(Term(x: p, y: s, products: end - start))
            start = end
        }
        return terms
    }

    // MARK: Orders

    /// `acc = round(acc + t)` over the terms, from +0.
    static func sequential<G: RandomNumberGenerator>(
        _ terms: ArraySlice<Term>, _ format: FloatFormat, _ r: DotRounding, random: inout G
    ) -> Double {
        var acc = 0.0
        for t in terms {
            let e = t.isProduct
                ? format.fusedMultiplyAdd(t.x, t.y, acc, rounding: r.rule, overflow: r.overflow, random: &random)
                : format.add(acc, t.x, rounding: r.rule, overflow: r.overflow, random: &random)
            acc = format.decode(e.code)
        }
        return acc
    }

    /// The balanced tree: ⌊n/2⌋ terms on the left.
    static func pairwise<G: RandomNumberGenerator>(
        _ terms: ArraySlice<Term>, _ format: FloatFormat, _ r: DotRounding, inexact: inout Int, random: inout G
    ) -> Double {
        if terms.count == 1 {
            let t = terms[terms.startIndex]
            return format.decode(format.multiply(t.x, t.y, rounding: r.rule, overflow: r.overflow, random: &random).code)
        }
        if terms.count == 2 {
            // Two leaves: their exact values must be Doubles to be added in one rounding.
            let l = leaf(terms[terms.startIndex], inexact: &inexact)
            let rr = leaf(terms[terms.startIndex + 1], inexact: &inexact)
            return format.decode(format.add(l, rr, rounding: r.rule, overflow: r.overflow, random: &random).code)
        }
        let mid = terms.startIndex + terms.count / 2
        let left = pairwise(terms[terms.startIndex..<mid], format, r, inexact: &inexact, random: &random)
        let right = pairwise(terms[mid...], format, r, inexact: &inexact, random: &random)
        return format.decode(format.add(left, right, rounding: r.rule, overflow: r.overflow, random: &random).code)
    }

    /// A term's value as a `Double` (counted when not exact).
    static func leaf(_ t: Term, inexact: inout Int) -> Double {
        guard t.isProduct else { return t.x }
        let v = t.x * t.y
        if v.isFinite && (-v).addingProduct(t.x, t.y) != 0 { inexact += 1 }
        return v
    }

    /// Sequential partial sums of `interval` products in `format`, each added into `wide`.
    static func promoted<G: RandomNumberGenerator>(
        _ terms: [Term], _ format: FloatFormat, _ r: DotRounding, interval: Int, wide w: DotRounding, random: inout G
    ) -> Double {
        guard let wideFormat = w.format else { return .nan }  // rejected by validate()
        var total = 0.0
        var start = 0
        while start < terms.count {
            var end = start, count = 0
            while end < terms.count && count < interval {
                count += terms[end].products
                end += 1
            }
            let partial = sequential(terms[start..<end], format, r, random: &random)
            total = wideFormat.decode(wideFormat.add(total, partial, rounding: w.rule, overflow: w.overflow, random: &random).code)
            start = end
        }
        return total
    }
}
