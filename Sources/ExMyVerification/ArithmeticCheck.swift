#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import ExMy
import Foundation
import MPFRReference

extension CrossCheck {
    /// The arithmetic operations of `FloatFormat` that the cross-check compares with the oracle.
    public enum Operation: String, CaseIterable, Sendable, CustomStringConvertible {
        case add, subtract, multiply, divide
        case squareRoot = "sqrt"
        case fusedMultiplyAdd = "fma"
        case remainder
        case truncatingRemainder = "fmod"
        case roundToIntegral = "rint"

        /// Operand count: 1 for square root and roundToIntegral, 3 for fused multiply-add, else 2.
        public var arity: Int {
            switch self {
            case .squareRoot, .roundToIntegral: return 1
            case .fusedMultiplyAdd: return 3
            default: return 2
            }
        }

        public var description: String { rawValue }
    }

    /// The integral rules of ``Operation/roundToIntegral``, each checked.
    public static let integralRules: [FloatingPointRoundingRule] = [
        .toNearestOrAwayFromZero, .toNearestOrEven, .up, .down, .towardZero, .awayFromZero,
    ]

    /// One arithmetic input: the operation, its operands (unused ones are 0) and, for
    /// roundToIntegral, the integral rule.
    public struct ArithmeticInput: Sendable, CustomStringConvertible {
        public var operation: Operation
        public var x: Double, y: Double, z: Double
        public var integralRule: FloatingPointRoundingRule

        public init(_ operation: Operation, _ x: Double, _ y: Double = 0, _ z: Double = 0,
                    integralRule: FloatingPointRoundingRule = .toNearestOrEven) {
            self.operation = operation
            self.x = x
            self.y = y
            self.z = z
            self.integralRule = integralRule
        }

        /// The oracle's description of the same operation.
        public var reference: ReferenceOperation {
            switch operation {
            case .add: return .add(x, y)
            case .subtract: return .subtract(x, y)
            case .multiply: return .multiply(x, y)
            case .divide: return .divide(x, y)
            case .squareRoot: return .squareRoot(x)
            case .fusedMultiplyAdd: return .fusedMultiplyAdd(x, y, z)
            case .remainder: return .remainder(x, y)
            case .truncatingRemainder: return .truncatingRemainder(x, y)
            case .roundToIntegral: return .roundToIntegral(x, CrossCheck.reference(integralRule))
            }
        }

        /// The engine's answer.
        public func engine<G: RandomNumberGenerator>(
            _ format: FloatFormat, _ rule: RoundingRule, _ overflow: OverflowRule, random: inout G
        ) -> FloatFormat.Encoded {
            switch operation {
            case .add: return format.add(x, y, rounding: rule, overflow: overflow, random: &random)
            case .subtract: return format.subtract(x, y, rounding: rule, overflow: overflow, random: &random)
            case .multiply: return format.multiply(x, y, rounding: rule, overflow: overflow, random: &random)
            case .divide: return format.divide(x, y, rounding: rule, overflow: overflow, random: &random)
            case .squareRoot: return format.squareRoot(x, rounding: rule, overflow: overflow, random: &random)
            case .fusedMultiplyAdd: return format.fusedMultiplyAdd(x, y, z, rounding: rule, overflow: overflow, random: &random)
            case .remainder: return format.remainder(x, y, rounding: rule, overflow: overflow, random: &random)
            case .truncatingRemainder:
                return format.truncatingRemainder(x, y, rounding: rule, overflow: overflow, random: &random)
            case .roundToIntegral:
                return format.roundToIntegral(x, integralRule, rounding: rule, overflow: overflow, random: &random)
            }
        }

        /// Operands in hexadecimal (exact), for example `add(0x1.8p+0, -0x1p-2)`.
        public var description: String {
            func hex(_ v: Double) -> String {
                v.isNaN ? (v.sign == .minus ? "-nan" : "nan") : v.isInfinite ? "\(v)" : hexadecimal(v)
            }
            switch operation.arity {
            case 1 where operation == .roundToIntegral: return "\(operation)(\(hex(x)), \(integralRule))"
            case 1: return "\(operation)(\(hex(x)))"
            case 3: return "\(operation)(\(hex(x)), \(hex(y)), \(hex(z)))"
            default: return "\(operation)(\(hex(x)), \(hex(y)))"
            }
        }
    }

    /// The oracle's name of an integral rule.
    public static func reference(_ rule: FloatingPointRoundingRule) -> ReferenceIntegralRounding {
        switch rule {
        case .toNearestOrAwayFromZero: return .toNearestOrAwayFromZero
        case .toNearestOrEven: return .toNearestOrEven
        case .up: return .up
        case .down: return .down
        case .towardZero: return .towardZero
        case .awayFromZero: return .awayFromZero
        @unknown default: return .toNearestOrEven
        }
    }

    /// A disagreement between ExMy's arithmetic and MPFR's.
    public struct ArithmeticMismatch: Error, CustomStringConvertible, Sendable {
        public var format: FloatFormat
        public var input: ArithmeticInput
        public var rule: String
        public var overflow: OverflowRule
        public var exmyCode: UInt64
        public var exmy: String
        public var mpfr: String

        public var description: String {
            "\(format) \(input) \(rule), overflow \(overflow.rawValue): ExMy code 0x\(String(exmyCode, radix: 16)) = \(exmy), MPFR \(mpfr)"
        }
    }

    /// Compares the engine's result (decoded value, sign of zero and of NaN included, and all five
    /// flags) with the oracle's.
    @inline(__always)
    static func agrees(_ got: FloatFormat.Encoded, _ want: ReferenceResult, _ format: FloatFormat) -> Bool {
        ReferenceResult(value: format.decode(got.code), flags: flags(got.status)) == want
    }

    /// Compares one deterministic arithmetic operation.
    public static func compare(_ input: ArithmeticInput, _ format: FloatFormat, _ ref: ReferenceFormat,
                               _ rule: RoundingRule, _ overflow: OverflowRule) -> ArithmeticMismatch? {
        var g = SystemRandomNumberGenerator()  // deterministic rules draw nothing
        let got = input.engine(format, rule, overflow, random: &g)
        let want = MPFRReference.evaluate(input.reference, in: ref, rounding: reference(rule)!, overflow: reference(overflow))
        if agrees(got, want, format) { return nil }
        return ArithmeticMismatch(format: format, input: input, rule: "\(rule)", overflow: overflow, exmyCode: got.code,
                                  exmy: "\(format.decode(got.code)) \(got.status)", mpfr: "\(want)")
    }

    /// The tally of an arithmetic cross-check.
    public struct ArithmeticTally: Sendable, CustomStringConvertible {
        /// Comparisons per operation, in the order run.
        public var comparisons: [(operation: Operation, count: Int)] = []
        /// The mismatches found (at most the run's limit per operation).
        public var mismatches: [ArithmeticMismatch] = []
        public var total: Int { comparisons.reduce(0) { $0 + $1.count } }
        public var description: String {
            comparisons.map { "\($0.operation): \($0.count)" }.joined(separator: ", ") + "; \(mismatches.count) mismatches"
        }
    }

    /// The operand values of `format`'s codes, decoded by the oracle (every code for formats of at
    /// most `exhaustiveBits` bits).
    static func operandValues(_ format: FloatFormat) -> [Double] {
        let ref = reference(format)
        return codes(format).map { MPFRReference.value(ofCode: $0, in: ref) }
    }

    /// The exhaustive inputs of `operation` for a small format: every pair of codes (binary
    /// operations), every code (square root; roundToIntegral with each integral rule), or for the
    /// fused multiply-add `fmaCount` seeded random triples of codes.
    public static func exhaustiveInputs(_ operation: Operation, _ format: FloatFormat, fmaCount: Int = 200_000, seed: UInt64 = 1) -> [ArithmeticInput] {
        let values = operandValues(format)
        switch operation {
        case .squareRoot:
            return values.map { ArithmeticInput(.squareRoot, $0) }
        case .roundToIntegral:
            return integralRules.flatMap { rule in values.map { ArithmeticInput(.roundToIntegral, $0, integralRule: rule) } }
        case .fusedMultiplyAdd:
            var g = SplitMix64(seed: seed)
            let n = UInt64(values.count)
            return (0..<fmaCount).map { _ in
                ArithmeticInput(.fusedMultiplyAdd, values[Int(g.next() % n)], values[Int(g.next() % n)], values[Int(g.next() % n)])
            }
        default:
            var inputs: [ArithmeticInput] = []
            inputs.reserveCapacity(values.count * values.count)
            for x in values { for y in values { inputs.append(ArithmeticInput(operation, x, y)) } }
            return inputs
        }
    }

    /// Seeded random inputs of `operation` for any format: operands are mostly the format's own
    /// codes (decoded by the oracle), with near-cancelling partners (the next codes of the other
    /// sign), special values (±0, ±∞, NaN, the extremes), and Doubles that are not values of the
    /// format (as when an operand comes from another format).
    public static func randomInputs(_ operation: Operation, _ format: FloatFormat, count: Int, seed: UInt64 = 1) -> [ArithmeticInput] {
        let ref = reference(format)
        var g = SplitMix64(seed: seed &+ UInt64(Operation.allCases.firstIndex(of: operation)!) &* 0x1000)
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, format.greatestFiniteMagnitude, -format.greatestFiniteMagnitude,
                                  format.leastNonzeroMagnitude, -format.leastNonzeroMagnitude, format.leastNormalMagnitude, 1, -1]
        let lowest = Int(format.leastNonzeroMagnitude.exponent) - 4
        let highest = Int(format.greatestFiniteMagnitude.exponent) + 4
        func code() -> (UInt64, Double) {
            let c = g.next() & format.codeMask
            return (c, MPFRReference.value(ofCode: c, in: ref))
        }
        func operand(near other: (UInt64, Double)?) -> Double {
            let r = g.next() % 64
            if r < 4 { return specials[Int(g.next() % UInt64(specials.count))] }
            if r < 10 {
                // A Double of the format's range that is (most likely) not one of its values.
                let e = lowest + Int(g.next() % UInt64(highest - lowest + 1))
                return Double(sign: g.next() & 1 == 0 ? .plus : .minus, exponent: e, significand: 1 + Double(g.next() >> 12) * 0x1p-52)
            }
            if r < 20, let (c, v) = other, v.isFinite {
                // A near-cancelling partner: a nearby code with the sign flipped.
                let nearby = (c &+ (g.next() % 5) &- 2) & format.codeMask
                let w = MPFRReference.value(ofCode: nearby, in: ref)
                return operation == .subtract ? w : -w
            }
            return code().1
        }
        var inputs: [ArithmeticInput] = []
        inputs.reserveCapacity(count)
        for i in 0..<count {
            let first = code()
            let x = g.next() % 64 < 4 ? specials[Int(g.next() % UInt64(specials.count))] : first.1
            switch operation {
            case .squareRoot:
                inputs.append(ArithmeticInput(.squareRoot, x))
            case .roundToIntegral:
                inputs.append(ArithmeticInput(.roundToIntegral, x, integralRule: integralRules[i % integralRules.count]))
            case .fusedMultiplyAdd:
                let y = operand(near: nil)
                // z near −x·y now and then: the product's nearest code decides cancellation.
                let z = g.next() % 8 == 0 && (x * y).isFinite ? -(x * y) * (1 + Double(Int(g.next() % 9) - 4) * 0x1p-30) : operand(near: first)
                inputs.append(ArithmeticInput(.fusedMultiplyAdd, x, y, z))
            default:
                inputs.append(ArithmeticInput(operation, x, operand(near: first)))
            }
        }
        return inputs
    }

    /// Runs the deterministic arithmetic cross-check of `operation` over `inputs`: each input under
    /// every (rule, overflow) pair (`cycle: false`) or one pair each, cycling (`cycle: true`).
    /// Splits the inputs across `threads` threads; stops early after `limit` mismatches.
    public static func runArithmetic(_ operation: Operation, _ format: FloatFormat, inputs: [ArithmeticInput],
                                     rules: [RoundingRule] = RoundingRule.deterministicRules,
                                     overflows: [OverflowRule] = OverflowRule.allCases,
                                     cycle: Bool = false, threads: Int = 2, limit: Int = 10) -> ArithmeticTally {
        let ref = reference(format)
        let pairs = rules.flatMap { r in overflows.map { (r, $0) } }
        let chunks = max(1, min(inputs.count / 1024, threads * 8))
        let results = Results(chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = inputs.count * chunk / chunks, end = inputs.count * (chunk + 1) / chunks
            var n = 0
            var bad: [ArithmeticMismatch] = []
            loop: for i in start..<end {
                let input = inputs[i]
                let chosen = cycle ? [pairs[i % pairs.count]] : pairs
                for (rule, overflow) in chosen {
                    n += 1
                    if let m = compare(input, format, ref, rule, overflow) {
                        bad.append(m)
                        if bad.count >= limit || results.mismatchCount >= limit { break loop }
                    }
                }
            }
            results.store(chunk, n, bad)
        }
        let (n, bad) = results.total(limit: limit)
        return ArithmeticTally(comparisons: [(operation, n)], mismatches: bad)
    }

    /// The stochastic arithmetic cross-check: for each input, `draws` random words `r` under each
    /// overflow rule; variants A, B and C with each of `bits` random bits (the low bits of `r`) and
    /// exact-probability rounding with the uniform `r / 2^64`. The engine's generator replays `r`,
    /// then zeros — the oracle's reading of the same randomness. Returns (comparisons, mismatches).
    public static func runArithmeticStochastic(_ format: FloatFormat, inputs: [ArithmeticInput], bits: [Int] = [1, 3, 8, 16],
                                               draws: Int = 2, seed: UInt64 = 7, threads: Int = 2, limit: Int = 10) -> (count: Int, mismatches: [String]) {
        let ref = reference(format)
        let chunks = max(1, min(inputs.count / 256, threads * 8))
        let results = StochasticResults(chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = inputs.count * chunk / chunks, end = inputs.count * (chunk + 1) / chunks
            var g = SplitMix64(seed: SplitMix64.hash(seed &+ UInt64(chunk)))
            var n = 0
            var bad: [String] = []
            func check(_ input: ArithmeticInput, _ got: FloatFormat.Encoded, _ want: ReferenceResult, _ what: String) {
                n += 1
                if !agrees(got, want, format) && bad.count < limit {
                    bad.append("\(format) \(input) \(what): ExMy \(format.decode(got.code)) \(got.status), MPFR \(want)")
                }
            }
            for i in start..<end {
                let input = inputs[i]
                let op = input.reference
                for overflow in OverflowRule.allCases {
                    let o = reference(overflow)
                    for _ in 0..<draws {
                        let r = g.next()
                        for b in bits {
                            for (rule, variant) in [(RoundingRule.stochasticA(bits: b), ReferenceStochastic.variantA),
                                                    (.stochasticB(bits: b), .variantB), (.stochasticC(bits: b), .variantC)] {
                                var replay = Replay(words: [r])
                                let got = input.engine(format, rule, overflow, random: &replay)
                                let want = MPFRReference.evaluateStochastic(op, in: ref, variant: variant, randomBits: b, random: r, overflow: o)
                                check(input, got, want, "\(rule) R=\(r & ((1 << UInt64(b)) - 1)) \(overflow.rawValue)")
                            }
                        }
                        var replay = Replay(words: [r])
                        let got = input.engine(format, .stochastic, overflow, random: &replay)
                        let want = MPFRReference.evaluateStochastic(op, in: ref, uniform: r, overflow: o)
                        check(input, got, want, "stochastic u=\(r) \(overflow.rawValue)")
                    }
                }
                if bad.count >= limit { break }
            }
            results.store(chunk, n, bad)
        }
        return results.total(limit: limit)
    }

    /// Per-chunk results of a threaded run.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int]
        private var found: [[ArithmeticMismatch]]
        private var anyCount = 0
        init(_ chunks: Int) {
            counts = Array(repeating: 0, count: chunks)
            found = Array(repeating: [], count: chunks)
        }
        var mismatchCount: Int { lock.withLock { anyCount } }
        func store(_ chunk: Int, _ n: Int, _ bad: [ArithmeticMismatch]) {
            lock.withLock {
                counts[chunk] = n
                found[chunk] = bad
                anyCount += bad.count
            }
        }
        func total(limit: Int) -> (Int, [ArithmeticMismatch]) {
            lock.withLock { (counts.reduce(0, +), Array(found.joined().prefix(limit))) }
        }
    }

    private final class StochasticResults: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int]
        private var found: [[String]]
        init(_ chunks: Int) {
            counts = Array(repeating: 0, count: chunks)
            found = Array(repeating: [], count: chunks)
        }
        func store(_ chunk: Int, _ n: Int, _ bad: [String]) {
            lock.withLock {
                counts[chunk] = n
                found[chunk] = bad
            }
        }
        func total(limit: Int) -> (count: Int, mismatches: [String]) {
            lock.withLock { (counts.reduce(0, +), Array(found.joined().prefix(limit))) }
        }
    }
}

/// `x` in C's `%a` notation, for example `0x1.8p+0` (exact).
func hexadecimal(_ x: Double) -> String {
    if x == 0 { return x.sign == .minus ? "-0x0p+0" : "0x0p+0" }
    let sign = x.sign == .minus ? "-" : ""
    let m = x.magnitude
    let significand = m.significandBitPattern
    var exponent = Int(m.exponent)
    var lead = "1"
    if m.isSubnormal {
        lead = "0"
        exponent = -1022
    }
    var digits = ""
    if significand != 0 {
        digits = String(significand, radix: 16)
        digits = String(repeating: "0", count: 13 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        digits = "." + digits
    }
    return "\(sign)0x\(lead)\(digits)p\(exponent >= 0 ? "+" : "")\(exponent)"
}
#endif
