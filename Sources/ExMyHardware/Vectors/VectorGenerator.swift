import ExMy

/// Writes the test vectors of a ``VectorModel`` with coverage by construction.
///
/// - **Exhaustive where it fits**: every code for unary operations and conversions out of formats
///   of at most 16 bits; every pair for binary operations (comparisons, min and max included) on
///   formats of at most 8 bits; every triple for `mulAdd` on formats of at most 6 bits.
/// - **Otherwise, TestFloat-style**: every pair (level 1: a subsample of the triples) of the
///   boundary operands (±0, the least and greatest subnormals, the least normal, 1 and its
///   neighbours, the greatest finite value and its predecessor, ±∞, quiet NaNs), then operands
///   built for the operation (ties and their neighbours, the overflow and underflow thresholds,
///   cancellation, exact squares, integers and half-integers), then seeded random operands
///   (random sign, an exponent near a boundary or anywhere, significands with long runs of ones
///   or zeros, or uniform codes). Conversions out of a wide format get every midpoint of the
///   destination (all of them up to 12 destination bits at level 1, 16 at level 2; a seeded
///   sample beyond), expressed in the source format, with its neighbours, and the destination's
///   own values.
/// - Level 2 is ten times denser. A stochastic rule adds a seeded random column of N bits.
///
/// With ``ArithmeticOptions/signalingNaNs`` the boundary operands include the format's signaling
/// NaNs (payload 1, both signs) where operands are not enumerated.
///
/// Left out (``VectorModel/models(_:)``): signaling NaN operands (ExMy treats every NaN as quiet)
/// unless the options model them, and `mulAdd(0, ∞, NaN)` (IEEE 754 §7.2 lets it raise invalid or not; ExMy does not, SoftFloat
/// does), so that the vectors hold under either implementation's choice.
public struct VectorGenerator: Sendable {
    /// The model that computes each vector's expected result and flags.
    public let model: VectorModel
    /// 1 or 2.
    public let level: Int
    /// The exact number of vectors to write (truncating the constructed cases or filling up with
    /// random ones), or `nil` for the level's own number.
    public let count: Int?
    /// The seed of every random choice (random operands, the stochastic rule's random column): the
    /// same seed gives the same vectors.
    public let seed: UInt64

    /// Creates a generator for `model`.
    ///
    /// - Parameters:
    ///   - level: 1, or 2 for ten times denser vectors.
    ///   - count: exactly this many vectors, or `nil` for the level's own number.
    ///   - seed: the seed of every random choice.
    /// - Throws: ``VectorError`` for a level other than 1 or 2 or a negative count.
    public init(_ model: VectorModel, level: Int = 1, count: Int? = nil, seed: UInt64 = 1) throws {
        try Self.validate(level: level, count: count)
        self.model = model
        self.level = level
        self.count = count
        self.seed = seed
    }

    /// Checks a level (1 or 2) and a count (at least 0), for every generator.
    static func validate(level: Int, count: Int?) throws {
        guard level == 1 || level == 2 else { throw VectorError("-level takes 1 or 2, not \(level)") }
        if let c = count, c < 0 { throw VectorError("the count must be at least 0, not \(c)") }
    }

    var scale: Int { level == 1 ? 1 : 10 }

    /// Calls `emit` with every vector, in a fixed order for a given seed; with `stride` > 1, only
    /// every `stride`-th operand tuple is evaluated and emitted (a cheap even subsample).
    public func generate(every stride: Int = 1, _ emit: (Vector) throws -> Void) throws {
        var tuple = 0
        var rng = SplitMix64(seed: seed)
        var written = 0
        let limit = count ?? .max
        let randomBits = model.randomBitCount
        let randomMask: UInt64 = randomBits == 0 ? 0 : (randomBits == 64 ? .max : (1 << UInt64(randomBits)) - 1)
        let perOperands = randomBits > 0 ? (level == 1 ? 1 : 4) : 1
        var stop = false
        func emitOperands(_ ops: [UInt64]) throws {
            guard model.models(ops) else { return }
            tuple += 1
            if stride > 1 && (tuple - 1) % stride != 0 { return }
            for _ in 0..<perOperands {
                guard written < limit else { stop = true; return }
                let r = rng.next() & randomMask
                try emit(Vector(operands: ops, random: r, expected: model.evaluate(ops, random: r)))
                written += 1
            }
        }
        let source = OperandSource(format: model.function.operandFormat, signalingNaNs: model.settings.options.signalingNaNs)
        try constructed { ops in if !stop { try emitOperands(ops) } }
        // Fill up to an explicit count with random operands.
        if let c = count, written < c {
            var fill = SplitMix64(seed: seed ^ 0xA5A5_A5A5_A5A5_A5A5)
            while written < c {
                try emitOperands((0..<model.function.operation.arity).map { _ in source.random(&fill) })
            }
        }
    }

    /// The constructed operands, before any count is applied.
    func constructed(_ emit: ([UInt64]) throws -> Void) throws {
        let f = model.function.operandFormat
        let k = f.bitWidth
        let arity = model.function.operation.arity
        let all = k <= 16 ? (UInt64(0)...f.codeMask) : nil
        switch arity {
        case 1 where k <= 16:
            for a in all! where modelled(a) { try emit([a]) }
            return
        case 2 where k <= 8:
            for a in all! where modelled(a) { for b in all! where modelled(b) { try emit([a, b]) } }
            return
        case 3 where k <= 6:
            for a in all! where modelled(a) {
                for b in all! where modelled(b) { for c in all! where modelled(c) { try emit([a, b, c]) } }
            }
            return
        default: break
        }
        var rng = SplitMix64(seed: seed &+ 0x5EED)
        let source = OperandSource(format: f, signalingNaNs: model.settings.options.signalingNaNs)
        let boundary = source.boundary
        let n = 2000 * scale
        switch arity {
        case 1:
            for a in boundary { try emit([a]) }
            if k > 16 { for a in source.nearby(boundary) { try emit([a]) } }
            try unaryConstructed(source, n, &rng, emit)
        case 2:
            for a in boundary { for b in boundary { try emit([a, b]) } }
            try binaryConstructed(source, n, &rng, emit)
        default:
            if level == 2 {
                for a in boundary { for b in boundary { for c in boundary { try emit([a, b, c]) } } }
            } else {
                for _ in 0..<(boundary.count * boundary.count) {
                    try emit([boundary.randomElement(using: &rng)!, boundary.randomElement(using: &rng)!, boundary.randomElement(using: &rng)!])
                }
            }
            try fmaConstructed(source, n, &rng, emit)
        }
        for _ in 0..<(5000 * scale) { try emit((0..<arity).map { _ in source.random(&rng) }) }
    }

    /// Whether the engine models `code` as an operand: every code but IEEE-style signaling NaNs
    /// (ExMy treats every NaN as quiet, where TestFloat raises invalid for a signaling one).
    func modelled(_ code: UInt64) -> Bool {
        model.settings.options.signalingNaNs || !OperandSource.isSignalingNaN(model.function.operandFormat, code)
    }

    func unaryConstructed(_ s: OperandSource, _ n: Int, _ rng: inout SplitMix64, _ emit: ([UInt64]) throws -> Void) throws {
        let f = s.format
        switch model.function.operation {
        case .sqrt:
            for _ in 0..<n {
                let r = f.decode(s.random(&rng)).magnitude
                for c in s.around(r * r) { try emit([c]) }
            }
        case .roundToInt:
            let top = Double(sign: .plus, exponent: f.significandBitCount + 1, significand: 1)
            for _ in 0..<n {
                let i = Double(rng.next() % UInt64(Swift.min(top, 0x1p40)))
                for frac in [0, 0.25, 0.5, 0.75] {
                    for c in s.around(i + frac) { try emit([c]); try emit([s.negate(c)]) }
                }
            }
        case .convert:
            let d = model.function.resultFormat
            let dBits = d.bitWidth
            let every = dBits <= (level == 1 ? 12 : 16)
            let mags: [UInt64] = every ? Array(0...d.maxMagnitudeCode) : (0..<n).map { _ in rng.next() % (d.maxMagnitudeCode + 1) }
            for c in mags {
                let v = d.decode(c)
                guard v.isFinite else { continue }
                let next = c < d.maxMagnitudeCode ? d.decode(c + 1) : v + Double(sign: .plus, exponent: d.greatestFiniteExponent - d.significandBitCount, significand: 1)
                for t in [v, (v + next) / 2, next] where next.isFinite {
                    for code in s.around(t) { try emit([code]); try emit([s.negate(code)]) }
                }
            }
        default: break
        }
    }

    func binaryConstructed(_ s: OperandSource, _ n: Int, _ rng: inout SplitMix64, _ emit: ([UInt64]) throws -> Void) throws {
        let f = s.format
        let m = f.significandBitCount
        switch model.function.operation {
        case .add, .sub:
            for _ in 0..<n {
                let a = s.random(&rng)
                let x = f.decode(a)
                guard x.isFinite, x != 0 else { continue }
                // Ties and their neighbours: y near half an ulp of x, and a few binades around it.
                let e = x.exponent
                for shift in [m, m + 1, m + 2, m - 1] {
                    let y = Double(sign: .plus, exponent: e - shift, significand: 1 + Double(rng.next() % 4) / 4)
                    for c in s.around(y) { try emit([a, c]); try emit([a, s.negate(c)]) }
                }
                // Cancellation: y = ±x and its neighbours.
                for c in s.around(x) { try emit([a, c]); try emit([a, s.negate(c)]) }
            }
        case .mul:
            for _ in 0..<n {
                // Ties: (1 + 2^-i)(1 + 2^-(M+1-i)) has its last bit half an ulp below 1.
                if m >= 1 {
                    let i = 1 + Int(rng.next() % UInt64(m))
                    let ex = Int(rng.next() % 9) - 4, ey = Int(rng.next() % 9) - 4
                    let x = Double(sign: .plus, exponent: ex, significand: 1 + Double(sign: .plus, exponent: -i, significand: 1))
                    let y = Double(sign: .plus, exponent: ey, significand: 1 + Double(sign: .plus, exponent: -(m + 1 - i), significand: 1))
                    for a in s.around(x) { for b in s.around(y) { try emit([a, s.negate(b)]); try emit([a, b]) } }
                }
                // Overflow and underflow thresholds.
                let a = s.random(&rng)
                let x = f.decode(a)
                guard x.isFinite, x != 0 else { continue }
                for target in [f.greatestFiniteMagnitude, f.leastNormalMagnitude, f.leastNonzeroMagnitude] {
                    for b in s.around(target / x.magnitude) { try emit([a, b]) }
                }
            }
        case .div, .rem:
            for _ in 0..<n {
                let a = s.random(&rng)
                let x = f.decode(a)
                guard x.isFinite, x != 0 else { continue }
                if model.function.operation == .div {
                    for target in [f.greatestFiniteMagnitude, f.leastNormalMagnitude, f.leastNonzeroMagnitude] {
                        for b in s.around(x.magnitude / target) { try emit([a, b]) }
                    }
                } else {
                    // x near n·y for small n (ties of the quotient included).
                    let q = Double(1 + rng.next() % 16) / 2
                    for b in s.around(x / q) { try emit([a, b]) }
                }
                for b in s.around(x) { try emit([a, b]) }
            }
        default:
            // Comparisons, min, max: equal values, neighbours, opposite signs.
            for _ in 0..<n {
                let a = s.random(&rng)
                let x = f.decode(a)
                guard x.isFinite else { continue }
                for b in s.around(x) { try emit([a, b]); try emit([a, s.negate(b)]) }
            }
        }
    }

    func fmaConstructed(_ s: OperandSource, _ n: Int, _ rng: inout SplitMix64, _ emit: ([UInt64]) throws -> Void) throws {
        let f = s.format
        for _ in 0..<n {
            let a = s.random(&rng), b = s.random(&rng)
            let p = f.decode(a) * f.decode(b)
            guard p.isFinite, p != 0 else { continue }
            // Cancellation against the (rounded) product, and an addend near half an ulp of it.
            for c in s.around(-p) { try emit([a, b, c]) }
            let half = Double(sign: .plus, exponent: p.exponent - f.significandBitCount - 1, significand: 1)
            for c in s.around(half) { try emit([a, b, c]); try emit([a, b, s.negate(c)]) }
        }
    }
}

/// Operand codes of one format: the boundary set, neighbours of a value, structured random codes.
struct OperandSource {
    let format: FloatFormat
    let boundary: [UInt64]

    /// - Parameter signalingNaNs: add the format's signaling NaNs (IEEE-style formats: the quiet bit
    ///   clear, payload 1, both signs) to the boundary operands.
    init(format f: FloatFormat, signalingNaNs: Bool = false) {
        self.format = f
        var mags: [UInt64] = []
        let m = UInt64(f.significandBitCount)
        let oneMag = f.magnitudeCode(f.encode(1.0).code)
        let candidates: [UInt64] = [0, 1, 2, (1 << m) &- 1, 1 << m, (1 << m) + 1, oneMag &- 1, oneMag, oneMag + 1, oneMag + (1 << m),
                  f.maxMagnitudeCode &- 1, f.maxMagnitudeCode]
        for c in candidates where c <= f.maxMagnitudeCode && !mags.contains(c) {
            mags.append(c)
        }
        var codes: [UInt64] = []
        for c in mags {
            codes.append(c)
            let neg = Self.negate(f, c)
            if neg != c && !codes.contains(neg) { codes.append(neg) }
        }
        for negative in [false, true] {
            if let inf = f.infinityCode(negative: negative), !codes.contains(inf) { codes.append(inf) }
        }
        codes.append(contentsOf: Self.quietNaNs(f).filter { !codes.contains($0) })
        if signalingNaNs { codes.append(contentsOf: Self.signalingNaNs(f).filter { !codes.contains($0) }) }
        boundary = codes
    }

    /// The format's NaN codes that ExMy treats as quiet and that TestFloat reads as quiet: the
    /// canonical NaN (both signs where NaN has a sign) and, in IEEE-style formats, one with a payload.
    static func quietNaNs(_ f: FloatFormat) -> [UInt64] {
        guard let nan = f.nanCode() else { return [] }
        var result = [nan]
        if let neg = f.nanCode(negative: true), neg != nan { result.append(neg) }
        if f.specials == .ieee && f.significandBitCount >= 2 { result.append(nan | 1) }
        return result
    }

    /// The format's signaling NaNs with payload 1 (`+` and `−`): IEEE-style formats with at least
    /// two significand bits (E5M2 0x7D and 0xFD, f32 0x7F800001 and 0xFF800001); none otherwise.
    static func signalingNaNs(_ f: FloatFormat) -> [UInt64] {
        guard f.specials == .ieee, f.significandBitCount >= 2, let inf = f.infinityCode(negative: false),
              let negativeInf = f.infinityCode(negative: true) else { return [] }
        return [inf | 1, negativeInf | 1].filter { isSignalingNaN(f, $0) }
    }

    static func negate(_ f: FloatFormat, _ c: UInt64) -> UInt64 {
        let v = f.decode(c)
        if v.isNaN { return c }
        let e = f.encode(-v)
        return e.status.isEmpty ? e.code : c
    }

    func negate(_ c: UInt64) -> UInt64 { Self.negate(format, c) }

    /// The codes nearest `x` (rounded to nearest even) and its two neighbours of the same sign.
    func around(_ x: Double) -> [UInt64] {
        guard x.isFinite else { return [] }
        let e = format.encode(x)
        if e.status.contains(.overflow) || e.status.contains(.invalid) { return [] }
        let c = e.code
        let v = format.decode(c)
        guard v.isFinite else { return [] }
        var result = [c]
        let mag = format.magnitudeCode(c)
        if format.signedness == .twosComplement { return [c] }
        if mag > 0 { result.append((c & ~format.magnitudeCodeMask) | (mag - 1)) }
        if mag < format.maxMagnitudeCode { result.append((c & ~format.magnitudeCodeMask) | (mag + 1)) }
        return result
    }

    /// Every code one step away from each of `codes` (finite ones).
    func nearby(_ codes: [UInt64]) -> [UInt64] {
        codes.flatMap { c -> [UInt64] in
            let v = format.decode(c)
            return v.isFinite ? Array(around(v).dropFirst()) : []
        }
    }

    /// A TestFloat-style random code: a quarter uniform codes, the rest a random sign, an exponent
    /// near a boundary (or anywhere) and a significand with long runs of ones or zeros.
    func random(_ rng: inout SplitMix64) -> UInt64 {
        let f = format
        let r = rng.next()
        if r & 3 == 0 || f.signedness == .twosComplement {
            for _ in 0..<8 {
                let c = rng.next() & f.codeMask
                if !Self.isSignalingNaN(f, c) { return c }
            }
            return 0
        }
        let m = UInt64(f.significandBitCount)
        let maxField = f.maxMagnitudeCode >> m
        let bias = UInt64(max(0, min(Int(maxField), f.bias)))
        let fields: [UInt64] = [0, 1, 2, bias &- 1, bias, bias + 1, maxField &- 1, maxField, rng.next() % (maxField + 1)]
        let field = fields[Int((r >> 2) % UInt64(fields.count))] % (maxField + 1)
        let sigMask: UInt64 = m == 0 ? 0 : (1 << m) - 1
        let pick = (r >> 8) % 7
        let sig: UInt64
        switch pick {
        case 0: sig = 0
        case 1: sig = sigMask
        case 2: sig = m == 0 ? 0 : 1 << (rng.next() % m)
        case 3: sig = m == 0 ? 0 : sigMask & ~((1 << (rng.next() % m)) - 1)  // ones at the top
        case 4: sig = m == 0 ? 0 : (1 << (rng.next() % m)) - 1              // ones at the bottom
        default: sig = rng.next() & sigMask
        }
        var mag = field << m | sig
        if mag > f.maxMagnitudeCode { mag = f.maxMagnitudeCode }
        return (r >> 16) & 1 == 1 ? negate(mag) : mag
    }

    /// Whether `c` is an IEEE-style signaling NaN (top significand bit clear), which ExMy does not model.
    static func isSignalingNaN(_ f: FloatFormat, _ c: UInt64) -> Bool {
        guard f.specials == .ieee, f.classify(c) == .nan, f.significandBitCount >= 1 else { return false }
        return c & (UInt64(1) << UInt64(f.significandBitCount - 1)) == 0
    }
}

extension FloatFormat {
    /// Mask of the magnitude bits of a sign-magnitude or unsigned code.
    var magnitudeCodeMask: UInt64 { signedness == .signMagnitude ? codeMask >> 1 : codeMask }
    /// floor(log2(greatestFiniteMagnitude)).
    var greatestFiniteExponent: Int { Int(greatestFiniteMagnitude.exponent) }
}
