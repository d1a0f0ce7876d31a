#if MPFR  // the oracle comparisons need GNU MPFR: swift test --traits MPFR
import ExMy
import ExMyHardware
import ExMyVerification
import Foundation
import MPFRReference
import Testing

/// `exmy vectors`: names, the line format, coverage by construction, and the generated vectors
/// against the MPFR oracle for formats TestFloat does not have.
struct VectorTests {
    static func model(_ name: String, _ rounding: RoundingRule = .toNearestOrEven, _ overflow: OverflowRule = .none) throws -> VectorModel {
        try VectorModel(try VectorFunction(parsing: name), VectorSettings(rounding: rounding, overflow: overflow))
    }

    static func lines(_ model: VectorModel, level: Int = 1, count: Int? = nil, seed: UInt64 = 1) throws -> [Vector] {
        var result: [Vector] = []
        try VectorGenerator(model, level: level, count: count, seed: seed).generate { result.append($0) }
        return result
    }

    // MARK: Names

    @Test func namesFollowTestFloat() throws {
        let add = try VectorFunction(parsing: "f32_mulAdd")
        #expect(add.operation == .mulAdd && add.operandFormat == .fp32)
        let cvt = try VectorFunction(parsing: "f32_to_e4m3fn")
        #expect(cvt.operation == .convert && cvt.operandFormat == .fp32 && cvt.resultFormat == .e4m3fn)
        #expect(try VectorFunction(parsing: "float8_e4m3fn_to_bf16").resultFormat == .bf16)
        #expect(try VectorFunction(parsing: "f16_lt_quiet").operation == .ltQuiet)
        #expect(try VectorFunction(parsing: "binary8p3se_max").operandFormat == FloatFormat(parsing: "binary8p3se"))
        let f64 = try VectorFunction(parsing: "f64_sqrt").operandFormat
        #expect(f64.exponentBitCount == 11 && f64.significandBitCount == 52 && f64.specials == .ieee)
        let custom = try FloatFormat(parsing: "e3m2:bias=2,specials=none")
        #expect(try VectorFunction(parsing: "my6_add", customFormats: ["my6": custom]).operandFormat == custom)
        for bad in ["f32_frob", "f128_add", "i32_to_f32", "e12m3_add", "_add", "f32"] {
            #expect(throws: VectorError.self) { try VectorFunction(parsing: bad) }
        }
    }

    @Test func exactProbabilityStochasticRoundingIsRefused() throws {
        let error = #expect(throws: VectorError.self) { try Self.model("e4m3fn_add", .stochastic) }
        #expect(error?.message.contains("stochastic-a") == true)
        #expect(throws: VectorError.self) { try Self.model("f32_roundToInt", .stochasticA(bits: 4)) }
        // Comparisons do not round: any rule is accepted and no random column is added.
        #expect(try Self.model("e4m3fn_lt", .stochasticA(bits: 4)).randomBitCount == 0)
    }

    // MARK: Line format

    /// Vectors worked out by hand from the formats' definitions.
    @Test func linesMatchHandComputedVectors() throws {
        func line(_ name: String, _ ops: [UInt64], _ rounding: RoundingRule = .toNearestOrEven, _ overflow: OverflowRule = .none, random: UInt64 = 0) throws -> String {
            let m = try Self.model(name, rounding, overflow)
            return VectorLayout(m).line(Vector(operands: ops, random: random, expected: m.evaluate(ops, random: random)))
        }
        // 1 + 2^-24: a tie between 1 and 1 + 2^-23, to even (1), inexact.
        #expect(try line("f32_add", [0x3F80_0000, 0x3380_0000]) == "3F800000 33800000 3F800000 01")
        // E4M3FN: 1 · 1.5 = 1.5 (0x3C) exactly; 448 + 32 = 480 overflows to NaN (0x7F) under
        // overflow none, to 448 (0x7E) under sat-finite.
        #expect(try line("e4m3fn_mul", [0x38, 0x3C]) == "38 3C 3C 00")
        #expect(try line("e4m3fn_add", [0x7E, 0x60]) == "7E 60 7F 05")
        #expect(try line("e4m3fn_add", [0x7E, 0x60], .toNearestOrEven, .saturateFinite) == "7E 60 7E 05")
        // 1 / 0 = +∞: E5M2 has ∞ (0x7C), flag infinite (8).
        #expect(try line("e5m2_div", [0x3C, 0x00]) == "3C 00 7C 08")
        // E2M1: 1 + 0.5 = 1.5 (0x3), 4-bit codes are one digit.
        #expect(try line("e2m1fn_add", [0x2, 0x1]) == "2 1 3 00")
        // Comparisons print one digit; lt signals on NaN (invalid 16), eq does not.
        #expect(try line("f16_lt", [0x7E00, 0x3C00]) == "7E00 3C00 0 10")
        #expect(try line("f16_eq", [0x7E00, 0x3C00]) == "7E00 3C00 0 00")
        #expect(try line("f16_le", [0x8000, 0x0000]) == "8000 0000 1 00")
        // f32 → E4M3FN: 464 = 0x43E80000 is the tie between 448 and 480: to even, 448 (0x7E).
        #expect(try line("f32_to_e4m3fn", [0x43E8_0000]) == "43E80000 7E 01")
        // minimum/maximum: −0 < +0; NaN propagates (P3109 binary8p3se NaN is 0x80).
        #expect(try line("e4m3fn_min", [0x00, 0x80]) == "00 80 80 00")
        #expect(try line("e4m3fn_max", [0x00, 0x80]) == "00 80 00 00")
        #expect(try line("binary8p3se_min", [0x80, 0x01]) == "80 01 80 00")
        // Stochastic rounding, variant A with 4 bits: 1 + 1/16 into E4M3FN (grid 1/8 at 1): ν = 1/2,
        // floor(ν·16) = 8; R = 7 gives 15 < 16 (down), R = 8 gives 16 (up).
        #expect(try line("e4m3fn_add", [0x38, 0x18], .stochasticA(bits: 4), random: 7) == "38 18 7 38 01")
        #expect(try line("e4m3fn_add", [0x38, 0x18], .stochasticA(bits: 4), random: 8) == "38 18 8 39 01")
    }

    @Test func linesParseBack() throws {
        let m = try Self.model("f32_to_e4m3fn")
        let layout = VectorLayout(m)
        let v = try layout.parse("43e80000 7e 01")
        #expect(v.operands == [0x43E8_0000] && v.expected == VectorResult(result: 0x7E, flags: .inexact))
        for bad in ["43E80000 7E", "43E80000 7E 01 00", "4XE80000 7E 01", "43E80000 7E 40", "1FFFFFFFF 7E 01"] {
            #expect(throws: VectorError.self) { try layout.parse(Substring(bad)) }
        }
    }

    @Test func hexWordsPackEveryField() throws {
        let m = try Self.model("e4m3fn_mul")
        let layout = VectorLayout(m)
        let v = Vector(operands: [0x38, 0x3C], expected: VectorResult(result: 0x3C, flags: []))
        // {a[28:21], b[20:13], result[12:5], flags[4:0]}: 0x38<<21 | 0x3C<<13 | 0x3C<<5.
        #expect(layout.hexWordBits == 29)
        #expect(layout.hexWord(v) == "07078780")
        let f = try Self.model("f64_mulAdd")
        let w = VectorLayout(f).hexWord(Vector(operands: [.max, 0, 1], expected: VectorResult(result: 2, flags: .invalid)))
        // 3·64 + 64 + 5 = 261 bits = 66 digits (3 padding bits): a's 64 ones at the top, then b = 0;
        // c = 1 at bit 69, result 2 at bits 5…68 (2 << 5 = 0x40), flags 16 (0x10).
        #expect(w.count == 66)
        #expect(w.hasPrefix("1FFFFFFFFFFFFFFFE") && w.hasSuffix("2" + String(repeating: "0", count: 15) + "50"))
        #expect(layout.hexHeader.contains("{a[28:21], b[20:13], result[12:5], flags[4:0]}"))
    }

    // MARK: Coverage

    @Test func exhaustiveWhereItFits() throws {
        #expect(try Self.lines(Self.model("e4m3fn_mul")).count == 256 * 256)
        #expect(try Self.lines(Self.model("e2m1fn_mulAdd")).count == 16 * 16 * 16)
        #expect(try Self.lines(Self.model("e3m2fn_mulAdd")).count == 64 * 64 * 64)
        #expect(try Self.lines(Self.model("bf16_to_e4m3fn")).count == 65536 - 2 * 63)  // every code but the 126 signaling NaNs
        let pairs = try Self.lines(Self.model("e5m2_add"))
        // E5M2's signaling NaNs are 0x7D and 0xFD: 254 codes remain.
        let distinct = Set(pairs.map(\.operands)).count
        #expect(distinct == 254 * 254)
        // A binary operation on 16 bits is not exhaustive: boundary pairs, constructions, random.
        let f16 = try Self.lines(Self.model("f16_mul"))
        #expect(f16.count > 10_000 && f16.count < 200_000)
        #expect(try Self.lines(Self.model("f16_mul"), level: 2).count > 5 * f16.count)
    }

    @Test func constructedCasesReachTheirTargets() throws {
        // f32_add: overflow and cancellation to an exact zero (a sum never underflows: a tiny sum
        // is exact); f32_mul: underflow at the thresholds built for it.
        let add = try Self.lines(Self.model("f32_add"))
        #expect(add.filter { $0.expected.flags.contains(.overflow) }.count > 100)
        #expect(try Self.lines(Self.model("f32_mul")).filter { $0.expected.flags.contains(.underflow) }.count > 100)
        #expect(add.filter { $0.expected.result & 0x7FFF_FFFF == 0 && $0.operands[0] & 0x7FFF_FFFF != 0 }.count > 100)
        // Conversions out of a wide format: every E4M3FN midpoint (126 of them per sign, and the
        // overflow threshold 464) appears as an f32 operand.
        let cvt = try Self.lines(Self.model("f32_to_e4m3fn"))
        let inputs = Set(cvt.map { Float(bitPattern: UInt32($0.operands[0])) })
        for c in UInt64(0)..<0x7E {
            let mid = Float((FloatFormat.e4m3fn.decode(c) + FloatFormat.e4m3fn.decode(c + 1)) / 2)
            #expect(inputs.contains(mid) && inputs.contains(-mid) && inputs.contains(mid.nextUp) && inputs.contains(mid.nextDown))
        }
        #expect(inputs.contains(464) && inputs.contains(Float(464).nextUp))
        // The same seed gives the same vectors; another seed other random ones.
        #expect(try Self.lines(Self.model("f32_sqrt"), seed: 7) == Self.lines(Self.model("f32_sqrt"), seed: 7))
        #expect(try Self.lines(Self.model("f32_sqrt"), seed: 7) != Self.lines(Self.model("f32_sqrt"), seed: 8))
        // An explicit count is exact, cut short or filled up.
        #expect(try Self.lines(Self.model("e4m3fn_mul"), count: 10).count == 10)
        #expect(try Self.lines(Self.model("e2m1fn_sqrt"), count: 100).count == 100)
    }

    // MARK: Against MPFR (formats TestFloat lacks)

    static func reference(_ model: VectorModel, _ v: Vector) -> ReferenceResult? {
        let f = model.function.operandFormat, d = model.function.resultFormat
        let ref = CrossCheck.reference(d), over = CrossCheck.reference(model.settings.overflow)
        let x = v.operands.map(f.decode)
        let op: ReferenceOperation
        switch model.function.operation {
        case .convert:
            if let n = model.settings.rounding.randomBits {
                return MPFRReference.convertStochastic(x[0], to: ref, variant: variant(model.settings.rounding), randomBits: n, random: v.random, overflow: over)
            }
            return MPFRReference.convert(x[0], to: ref, rounding: CrossCheck.reference(model.settings.rounding)!, overflow: over)
        case .add: op = .add(x[0], x[1])
        case .sub: op = .subtract(x[0], x[1])
        case .mul: op = .multiply(x[0], x[1])
        case .div: op = .divide(x[0], x[1])
        case .rem: op = .remainder(x[0], x[1])
        case .sqrt: op = .squareRoot(x[0])
        case .mulAdd: op = .fusedMultiplyAdd(x[0], x[1], x[2])
        default: return nil
        }
        if let n = model.settings.rounding.randomBits {
            return MPFRReference.evaluateStochastic(op, in: ref, variant: variant(model.settings.rounding), randomBits: n, random: v.random, overflow: over)
        }
        return MPFRReference.evaluate(op, in: ref, rounding: CrossCheck.reference(model.settings.rounding)!, overflow: over)
    }

    static func variant(_ rule: RoundingRule) -> ReferenceStochastic {
        switch rule {
        case .stochasticA, .stochastic: return .variantA
        case .stochasticB: return .variantB
        case .stochasticC: return .variantC
        case .toNearestOrEven, .toNearestOrAwayFromZero, .toNearestOrZero, .towardZero, .up, .down, .awayFromZero, .toOdd:
            return .variantA  // not used: deterministic rules have no stochastic variant
        }
    }

    static func referenceFlags(_ f: TestFloatFlags) -> ReferenceFlags {
        var r: ReferenceFlags = []
        if f.contains(.inexact) { r.insert(.inexact) }
        if f.contains(.underflow) { r.insert(.underflow) }
        if f.contains(.overflow) { r.insert(.overflow) }
        if f.contains(.infinite) { r.insert(.divisionByZero) }
        if f.contains(.invalid) { r.insert(.invalid) }
        return r
    }

    /// Every generated vector (every `stride`-th for large sets) of the P3109 operations Convert,
    /// Add, Sub, Mul, FMA, and of div, sqrt, rem, on E4M3FN, E5M2, E2M1FN and Binary8p3se, under
    /// several rounding and overflow rules, agrees with MPFR: result value and flags.
    @Test(arguments: ["e4m3fn", "e5m2", "e2m1fn", "binary8p3se", "binary8p4sf"])
    func generatedVectorsAgreeWithMPFR(_ format: String) throws {
        let functions = ["add", "sub", "mul", "div", "sqrt", "mulAdd", "rem"].map { "\(format)_\($0)" }
            + ["f32_to_\(format)", "bf16_to_\(format)", "\(format)_to_f16"]
        let settings: [(RoundingRule, OverflowRule)] = [
            (.toNearestOrEven, .none), (.toNearestOrEven, .saturateFinite), (.towardZero, .saturatePropagate),
            (.up, .none), (.toOdd, .none), (.stochasticA(bits: 3), .none), (.stochasticC(bits: 5), .saturateFinite),
        ]
        var checked = 0
        for name in functions {
            for (rule, overflow) in settings {
                let model = try Self.model(name, rule, overflow)
                let vectors = try Self.lines(model)
                let stride = max(1, vectors.count / 2000)
                for v in vectors.enumerated().lazy.filter({ $0.offset % stride == 0 }).map(\.element) {
                    guard let want = Self.reference(model, v) else { continue }
                    let got = ReferenceResult(value: model.function.resultFormat.decode(v.expected.result), flags: Self.referenceFlags(v.expected.flags))
                    #expect(got == want, "\(name) \(rule.spelling) \(overflow.rawValue) \(v.operands.map { String($0, radix: 16) }) r=\(v.random): vector \(got), MPFR \(want)")
                    checked += 1
                }
            }
        }
        #expect(checked > 50_000)
    }

    // MARK: P3109 min, max, compare

    /// P3109 (v4.0) formats have one NaN and no −0: minimum/maximum propagate NaN; comparisons are
    /// those of the values (NaN unordered). Checked against the decoded values, every pair.
    @Test func p3109MinMaxCompareEveryPair() throws {
        let f = try FloatFormat(parsing: "binary8p3se")
        let min = try Self.model("binary8p3se_min"), max = try Self.model("binary8p3se_max")
        let lt = try Self.model("binary8p3se_lt"), eq = try Self.model("binary8p3se_eq"), le = try Self.model("binary8p3se_le")
        for a in UInt64(0)...0xFF {
            for b in UInt64(0)...0xFF {
                let x = f.decode(a), y = f.decode(b)
                let nan = x.isNaN || y.isNaN
                let lo = min.evaluate([a, b]).result, hi = max.evaluate([a, b]).result
                if nan {
                    #expect(lo == 0x80 && hi == 0x80)
                } else {
                    #expect(f.decode(lo) == Swift.min(x, y) && f.decode(hi) == Swift.max(x, y))
                }
                #expect(lt.evaluate([a, b]) == VectorResult(result: x < y ? 1 : 0, flags: nan ? .invalid : []))
                #expect(le.evaluate([a, b]) == VectorResult(result: x <= y ? 1 : 0, flags: nan ? .invalid : []))
                #expect(eq.evaluate([a, b]) == VectorResult(result: x == y ? 1 : 0, flags: []))
            }
        }
    }
}
#endif
