import ExMy

/// Writes block vectors with coverage by construction.
///
/// **Scaled conversion** (blocks of B source values; `E` runs over a few scale exponents):
/// all-zero blocks (+0, −0, mixed); blocks holding every element value times `2^E` with the
/// element's greatest value as the block maximum (so the scale is `2^E` under every rule); every
/// element midpoint times `2^E` and its two neighbours in the source format (ties after scaling);
/// subnormal elements and the halfway point below the least one; a block maximum just below the
/// next binade (elements that saturate, or overflow under `--overflow none`); block maxima at the
/// source's and the scale format's limits (the greatest finite source value, the least subnormal,
/// the values where E8M0 reaches 2^-127, where UE4M3 reaches 448 and its least subnormal); a NaN,
/// +∞ or −∞ in a block of finite values; then seeded random blocks (values spread over a window of
/// binades, or uniform codes). NVFP4's per-tensor scale takes 1, the block's own
/// `amax / (448 · 6)`, or that of a larger random tensor maximum.
///
/// **Dot product**: all-zero blocks (+0 and −0 products, C = ±0); scales at their limits (least,
/// greatest, NaN) with the greatest elements (overflow to ±∞) and the least (underflow); NaN and
/// infinite elements (0 · ∞, ∞ − ∞); ties of the one rounding (a product worth half an ulp of C,
/// with and without a tiny product breaking the tie either way); cancellation (C = −Σ products,
/// rounded into FP32); then seeded random blocks (scales near 1, elements TestFloat-style, C zero
/// or of the products' size).
///
/// Level 2 writes ten times as many constructed-random and random blocks.
public struct BlockVectorGenerator: Sendable {
    /// The model that computes each vector's expected outputs and flags.
    public let model: BlockVectorModel
    /// 1, or 2 for ten times as many constructed-random and random blocks.
    public let level: Int
    /// Exactly this many vectors (at least 0), or `nil` for the level's own number.
    public let count: Int?
    /// The seed of every random choice: the same seed gives the same vectors.
    public let seed: UInt64

    /// - Parameters:
    ///   - level: 1, or 2 for ten times as many random blocks.
    ///   - count: exactly this many vectors (the constructed ones cut short, or filled up with
    ///     random blocks), or `nil` for the level's own number.
    ///   - seed: the seed of every random choice.
    /// - Throws: ``VectorError`` for a level other than 1 or 2 or a negative count.
    public init(_ model: BlockVectorModel, level: Int = 1, count: Int? = nil, seed: UInt64 = 1) throws {
        try VectorGenerator.validate(level: level, count: count)
        self.model = model
        self.level = level
        self.count = count
        self.seed = seed
    }

    var scale: Int { level == 1 ? 1 : 10 }

    /// Calls `emit` with every vector, in a fixed order for a given seed.
    public func generate(_ emit: (BlockVector) throws -> Void) throws {
        var written = 0
        let limit = count ?? .max
        var stop = false
        func take(_ inputs: [UInt64]) throws {
            guard !stop else { return }
            guard written < limit else { stop = true; return }
            try emit(try model.evaluate(inputs))
            written += 1
        }
        var rng = SplitMix64(seed: seed &+ 0xB10C)
        switch model.function.kind {
        case .scaledConvert(let source):
            let c = ConvertCases(model: model, source: source)
            try c.constructed(&rng, randomBlocks: 1000 * scale, take)
            if let n = count {
                var fill = SplitMix64(seed: seed ^ 0xA5A5_A5A5_A5A5_A5A5)
                while written < n { try take(c.randomBlock(&fill)) }
            }
        case .dot(let k):
            let d = DotCases(model: model, k: k)
            try d.constructed(&rng, randomBlocks: 1000 * scale, take)
            if let n = count {
                var fill = SplitMix64(seed: seed ^ 0xA5A5_A5A5_A5A5_A5A5)
                while written < n { try take(d.randomBlock(&fill)) }
            }
        }
    }
}

/// The constructed blocks of a scaled conversion.
struct ConvertCases {
    let model: BlockVectorModel
    let source: FloatFormat
    let b: Int
    let element: FloatFormat
    let sourceOperands: OperandSource

    init(model: BlockVectorModel, source: FloatFormat) {
        self.model = model
        self.source = source
        b = model.blockSize
        element = model.element
        sourceOperands = OperandSource(format: source)
    }

    /// The source code of `x` (nearest), or `nil` when `x` is not finite in the source format.
    func code(_ x: Double) -> UInt64? {
        guard x.isFinite else { return nil }
        let e = source.encode(x)
        guard !e.status.contains(.overflow), !e.status.contains(.invalid), source.decode(e.code).isFinite else { return nil }
        return e.code
    }

    /// The element format's finite non-negative values, ascending.
    var elementValues: [Double] {
        var v: [Double] = []
        for c in 0...element.codeMask {
            let x = element.decode(c)
            if x.isFinite && x >= 0 && !(x == 0 && x.sign == .minus) { v.append(x) }
        }
        return Array(Set(v)).sorted()
    }

    /// A line's inputs: the block's codes (padded with +0 codes, cut to B), then the tensor scale.
    func inputs(_ codes: [UInt64], tensor: UInt64?) -> [UInt64] {
        var block = Array(codes.prefix(b))
        let zero = source.encode(0.0).code
        while block.count < b { block.append(zero) }
        if model.hasTensorScale { block.append(tensor ?? 0x3F80_0000) }
        return block
    }

    /// The tensor scales to try for a block of maximum `amax`: 1, `amax / (448 · 6)` (the block is
    /// the tensor's maximum), and that of a larger tensor maximum.
    func tensorScales(_ amax: Double, _ rng: inout SplitMix64) -> [UInt64] {
        guard model.hasTensorScale else { return [0] }
        var result: [UInt64] = [0x3F80_0000]
        let denominator = FloatFormat.ue4m3.greatestFiniteMagnitude * element.greatestFiniteMagnitude
        for tensorAmax in [amax, amax * Double(1 + rng.next() % 1000)] {
            let t = Float(tensorAmax / denominator)
            if t.isNormal && t > 0 { result.append(UInt64(t.bitPattern)) }
        }
        return result
    }

    /// Emits `values` (finite, exactly or nearly representable) as a block under each tensor scale.
    func emitBlock(_ values: [Double], _ rng: inout SplitMix64, _ take: ([UInt64]) throws -> Void) throws {
        let codes = values.compactMap(code)
        guard !codes.isEmpty else { return }
        let amax = codes.map { source.decode($0).magnitude }.max() ?? 0
        for t in tensorScales(amax, &rng) { try take(inputs(codes, tensor: t)) }
    }

    /// The source neighbours (one code below and above in magnitude) of `x`, and `x`.
    func around(_ x: Double) -> [Double] {
        sourceOperands.around(x).map { source.decode($0) }
    }

    func constructed(_ rng: inout SplitMix64, randomBlocks: Int, _ take: ([UInt64]) throws -> Void) throws {
        let zero = source.encode(0.0).code, negativeZero = source.encode(-0.0).code
        // All zeros.
        for t in tensorScales(0, &rng) {
            try take(inputs(Array(repeating: zero, count: b), tensor: t))
            try take(inputs(Array(repeating: negativeZero, count: b), tensor: t))
            try take(inputs((0..<b).map { $0 % 2 == 0 ? zero : negativeZero }, tensor: t))
        }
        let values = elementValues
        let maxElement = element.greatestFiniteMagnitude
        let emax = Int(maxElement.exponent)
        // Scale exponents E: near 1, and spread over the source's range.
        let sourceTop = Int(source.greatestFiniteMagnitude.exponent), sourceLow = source.leastNormalExponent
        var exponents = [0, 1, -1, 5, -7]
        exponents += [sourceTop - emax - 1, sourceLow + 3 * element.significandBitCount + 4, Int(rng.next() % 40) - 20]
        for e in exponents {
            let s = Double(sign: .plus, exponent: e, significand: 1)
            // Every element value (both signs), the greatest first.
            let signed = values.reversed().flatMap { [$0 * s, -$0 * s] }
            for start in stride(from: 0, to: signed.count, by: max(1, b - 1)) {
                try emitBlock([maxElement * s] + signed[start..<min(signed.count, start + b - 1)], &rng, take)
            }
            // Midpoints after scaling and their neighbours.
            var ties: [Double] = []
            for i in 0..<(values.count - 1) {
                let mid = (values[i] + values[i + 1]) / 2 * s
                for x in around(mid) { ties.append(x); ties.append(-x) }
            }
            for start in stride(from: 0, to: ties.count, by: max(1, b - 1)) {
                try emitBlock([maxElement * s] + ties[start..<min(ties.count, start + b - 1)], &rng, take)
            }
            // Saturation: a maximum just below the next binade, and the overflow threshold.
            let top = Double(sign: .plus, exponent: emax + e + 1, significand: 1)
            let below = around(top).filter { $0 < top }
            let threshold = (maxElement + Double(sign: .plus, exponent: emax - element.significandBitCount, significand: 1) / 2) * s
            try emitBlock(below + below.map { -$0 } + around(threshold) + around(maxElement * s * 1.0625), &rng, take)
        }
        // Block maxima at the source's and the scale format's limits.
        let limits: [Double] = [
            source.greatestFiniteMagnitude, source.leastNonzeroMagnitude, source.leastNormalMagnitude,
            0x1p-127 * maxElement, 0x1p-127 * Double(sign: .plus, exponent: emax, significand: 1),
            0x1p127 * maxElement, 448 * maxElement, 448 * maxElement * 1.0625, 0x1p-9 * maxElement, 0x1p-10 * maxElement,
        ]
        for amax in limits {
            for x in around(amax) {
                let rest = (1..<b).map { i in x * Double(sign: .plus, exponent: -Int(rng.next() % 24), significand: 1 + Double(i % 4) / 4) }
                try emitBlock([x] + rest, &rng, take)
                try emitBlock([-x, x / 2, x / 3, x * 0.75, source.leastNonzeroMagnitude], &rng, take)
            }
        }
        // NaN and infinities in a block of finite values.
        for special in [source.nanCode(), source.infinityCode(negative: false), source.infinityCode(negative: true)] {
            guard let special else { continue }
            for _ in 0..<3 {
                var block = randomBlock(&rng)
                block[Int(rng.next() % UInt64(b))] = special
                try take(block)
            }
        }
        for _ in 0..<randomBlocks { try take(randomBlock(&rng)) }
    }

    /// A seeded random block: values over a window of binades around a random exponent (three in
    /// four), or TestFloat-style random codes.
    func randomBlock(_ rng: inout SplitMix64) -> [UInt64] {
        var codes: [UInt64] = []
        if rng.next() % 4 == 0 {
            for _ in 0..<b {
                var c = sourceOperands.random(&rng)
                if !source.decode(c).isFinite { c = source.encode(0.0).code }
                codes.append(c)
            }
        } else {
            let low = source.leastNormalExponent - source.significandBitCount, high = Int(source.greatestFiniteMagnitude.exponent)
            let base = low + Int(rng.next() % UInt64(high - low + 1))
            let window = Int(rng.next() % 24)
            for _ in 0..<b {
                let e = base - Int(rng.next() % UInt64(window + 1))
                let x = Double(sign: rng.next() & 1 == 0 ? .plus : .minus, exponent: e, significand: 1 + Double(rng.next() >> 11) * 0x1p-53)
                codes.append(code(x) ?? source.encode(0.0).code)
            }
        }
        let amax = codes.map { source.decode($0).magnitude }.max() ?? 0
        let ts = tensorScales(amax, &rng)
        return inputs(codes, tensor: ts[Int(rng.next() % UInt64(ts.count))])
    }
}

/// The constructed blocks of a dot product.
struct DotCases {
    let model: BlockVectorModel
    let k: Int
    let element: FloatFormat
    let scale: FloatFormat?
    let n: Int
    let acc: FloatFormat
    let elements: OperandSource

    init(model: BlockVectorModel, k: Int) {
        self.model = model
        self.k = k
        element = model.element
        scale = model.scaleFormat
        n = model.scaleFormat == nil ? 0 : k / model.blockSize
        acc = model.accumulator
        elements = OperandSource(format: model.element)
    }

    var zero: UInt64 { element.encode(0.0).code }
    var one: UInt64 { element.encode(1.0).code }
    /// The scale code of 1 (E8M0 127, UE4M3 0x38).
    var unitScale: UInt64 { scale.map { $0.encode(1.0).code } ?? 0 }

    func line(_ a: [UInt64], _ b: [UInt64], _ sa: [UInt64], _ sb: [UInt64], _ c: UInt64) -> [UInt64] {
        a + b + sa.prefix(n) + sb.prefix(n) + [model.settings.zeroC ? 0 : c]
    }

    func scales(_ code: UInt64) -> [UInt64] { Array(repeating: code, count: n) }

    /// A random scale code: near 1 (three in four), or any finite code.
    func randomScale(_ rng: inout SplitMix64) -> UInt64 {
        guard let f = scale else { return 0 }
        let u = unitScale
        if rng.next() % 4 != 0 {
            let spread = f == .e8m0fnu ? 16 : 6
            let c = Int(u) + Int(rng.next() % UInt64(2 * spread + 1)) - spread
            return UInt64(max(0, c))
        }
        for _ in 0..<8 {
            let c = rng.next() & f.codeMask
            if f.decode(c).isFinite { return c }
        }
        return u
    }

    func randomElements(_ rng: inout SplitMix64) -> [UInt64] {
        (0..<k).map { _ in
            let c = elements.random(&rng)
            return element.decode(c).isFinite ? c : zero
        }
    }

    /// The exact sum of the scaled products, rounded to nearest in FP32's range (for C).
    func productSum(_ a: [UInt64], _ b: [UInt64], _ sa: [UInt64], _ sb: [UInt64]) -> Double {
        var s = 0.0
        for i in 0..<k {
            var x = element.decode(a[i]) * element.decode(b[i])
            if let f = scale {
                let j = i / model.blockSize
                x *= f.decode(sa[j]).magnitude * f.decode(sb[j]).magnitude
            }
            s += x
        }
        return s
    }

    func constructed(_ rng: inout SplitMix64, randomBlocks: Int, _ take: ([UInt64]) throws -> Void) throws {
        let negativeZero = element.encode(-0.0).code
        let cZero = acc.encode(0.0).code, cNegativeZero = acc.encode(-0.0).code, cOne = acc.encode(1.0).code
        let zeros = Array(repeating: zero, count: k), negZeros = Array(repeating: negativeZero, count: k)
        let u = scales(unitScale)
        // All zeros: +0 and −0 products, C ±0.
        for c in [cZero, cNegativeZero, cOne] {
            try take(line(zeros, zeros, u, u, c))
            try take(line(negZeros, zeros, u, u, c))
        }
        let maxCode = element.encode(element.greatestFiniteMagnitude).code
        let minCode = element.encode(element.leastNonzeroMagnitude).code
        let maxes = Array(repeating: maxCode, count: k), mins = Array(repeating: minCode, count: k)
        let negMaxes = maxes.map { elements.negate($0) }
        // Scales at their limits.
        if let f = scale {
            let least: UInt64 = 0, greatest = f.maxMagnitudeCode, nan = f.nanCode() ?? f.codeMask
            for (sa, sb) in [(greatest, greatest), (least, least), (greatest, least), (nan, unitScale), (unitScale, nan), (greatest, unitScale)] {
                for (a, b) in [(maxes, maxes), (mins, mins), (maxes, negMaxes), (randomElements(&rng), randomElements(&rng))] {
                    try take(line(a, b, scales(sa), scales(sb), cZero))
                    try take(line(a, b, scales(sa), scales(sb), cOne))
                }
            }
            // One block NaN, the others not.
            if n > 1 {
                var sa = u
                sa[n - 1] = nan
                try take(line(randomElements(&rng), randomElements(&rng), sa, u, cZero))
            }
        } else {
            for (a, b) in [(maxes, maxes), (mins, mins), (maxes, negMaxes)] {
                try take(line(a, b, [], [], cZero))
                try take(line(a, b, [], [], cOne))
            }
        }
        // NaN and infinite elements; C non-finite.
        var specials: [UInt64] = []
        if let nan = element.nanCode() { specials.append(nan) }
        if let inf = element.infinityCode(negative: false) { specials.append(inf) }
        if let inf = element.infinityCode(negative: true) { specials.append(inf) }
        for s in specials {
            var a = randomElements(&rng)
            let b = randomElements(&rng)
            a[Int(rng.next() % UInt64(k))] = s
            try take(line(a, b, u, u, cZero))
            // 0 · ∞ (or 0 · NaN).
            var a0 = zeros, b0 = zeros
            a0[0] = s
            try take(line(a0, b0, u, u, cOne))
            // +∞ and −∞ products.
            b0 = zeros
            a0[1] = elements.negate(s)
            b0[0] = one; b0[1] = one
            try take(line(a0, b0, u, u, cZero))
        }
        for c in [acc.nanCode(), acc.infinityCode(negative: false), acc.infinityCode(negative: true)] {
            guard let c else { continue }
            try take(line(randomElements(&rng), randomElements(&rng), u, u, c))
            if let inf = element.infinityCode(negative: false) {
                var a = zeros
                a[0] = inf
                var b = zeros
                b[0] = one
                try take(line(a, b, u, u, c))
            }
        }
        // Ties of the one rounding, cancellation.
        for _ in 0..<(200 * (model.settings.zeroC ? 0 : 1)) {
            var a = zeros, b = zeros
            let sa = (0..<n).map { _ in randomScale(&rng) }, sb = (0..<n).map { _ in randomScale(&rng) }
            let j = Int(rng.next() % UInt64(k))
            for _ in 0..<8 {
                a[j] = elements.random(&rng)
                b[j] = elements.random(&rng)
                let p = productSum(a, b, sa, sb)
                if p.isFinite && p != 0 { break }
            }
            let p = productSum(a, b, sa, sb)
            guard p.isFinite, p != 0 else { continue }
            // The product's last bit is half an ulp of C: C's ulp is 2^(q + 1).
            let q = Int(p.exponent) - (p.significandWidth)
            let cExponent = q + 1 + acc.significandBitCount
            guard cExponent >= acc.leastNormalExponent, cExponent <= Int(acc.greatestFiniteMagnitude.exponent) else { continue }
            let cValue = Double(sign: rng.next() & 1 == 0 ? .plus : .minus, exponent: cExponent,
                                significand: 1 + Double(rng.next() % (1 << UInt64(min(acc.significandBitCount, 52)))) * Double(sign: .plus, exponent: -acc.significandBitCount, significand: 1))
            let c = acc.encode(cValue).code
            try take(line(a, b, sa, sb, c))
            // A tiny product breaking the tie either way.
            let j2 = (j + 1) % k
            var a2 = a, b2 = b
            a2[j2] = minCode
            b2[j2] = minCode
            try take(line(a2, b2, sa, sb, c))
            b2[j2] = elements.negate(minCode)
            try take(line(a2, b2, sa, sb, c))
        }
        for _ in 0..<(100 * (model.settings.zeroC ? 0 : 1)) {
            let a = randomElements(&rng), b = randomElements(&rng)
            let sa = (0..<n).map { _ in randomScale(&rng) }, sb = (0..<n).map { _ in randomScale(&rng) }
            let p = productSum(a, b, sa, sb)
            guard p.isFinite else { continue }
            try take(line(a, b, sa, sb, acc.encode(-p).code))
        }
        for _ in 0..<randomBlocks { try take(randomBlock(&rng)) }
    }

    /// A seeded random block: elements TestFloat-style, scales near 1, C zero (half) or of the
    /// products' size.
    func randomBlock(_ rng: inout SplitMix64) -> [UInt64] {
        let a = randomElements(&rng), b = randomElements(&rng)
        let sa = (0..<n).map { _ in randomScale(&rng) }, sb = (0..<n).map { _ in randomScale(&rng) }
        var c = acc.encode(0.0).code
        if rng.next() & 1 == 1 {
            let p = productSum(a, b, sa, sb)
            let magnitude = p.isFinite && p != 0 ? p.magnitude : 1
            let x = magnitude * Double(rng.next() % 4096) / 1024 * (rng.next() & 1 == 0 ? 1 : -1)
            c = acc.encode(x).code
        }
        return line(a, b, sa, sb, c)
    }
}
