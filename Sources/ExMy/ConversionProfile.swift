/// Named behaviours of today's numerics stacks, for the points where they disagree.
///
/// A profile describes a fixed set of formats, each *by identity* (``FloatFormat`` equality: E, M,
/// bias, subnormals, zero, signedness, specials, tie rule), and for each of them fixes the rounding
/// rule (or the few rules the stack lets a user choose), the overflow rule, what a NaN becomes in a
/// format without NaN, and whether `Double` inputs are first rounded to `Float` (as ml_dtypes and
/// PyTorch do — the double-rounding bug reproduced on purpose). ``conversion(for:rounding:)`` resolves
/// all of that for one format, or throws for a format the stack does not have. `docs/profiles.md`
/// shows every profile's answer on every disagreement of `docs/semantics.md`.
///
/// ```swift
/// ConversionProfile.mlDtypes.encode(.nan, into: .e2m1fn).code   // 0x8 (−0), as ml_dtypes
/// ConversionProfile.ocp.encode(-431.99999999999994, into: .e4m3fn).code   // 0xFD (−416)
/// ConversionProfile.mlDtypes.encode(-431.99999999999994, into: .e4m3fn).code   // 0xFE (−448)
/// try ConversionProfile.torch.conversion(for: .e4m3fnuz).overflow   // .none: 248 → NaN (0x80)
/// try ConversionProfile.onnx.encode(3, into: .e8m0fnu, rounding: .down).code   // 0x80 (2), round_mode="down"
/// try ConversionProfile.torch.conversion(for: .e4m3)   // throws ProfileError: PyTorch has no such type
/// ```
public enum ConversionProfile: String, CaseIterable, Hashable, Sendable, Codable {
    /// OCP OFP8 v1.0 / MX v1.0 non-saturating mode, for E4M3FN, E5M2, E2M3FN, E3M2FN, E2M1FN and
    /// E8M0FNU: ties-to-even, overflow and ±∞ → NaN (E4M3) or ±∞ (E5M2); NaN into FP6/FP4 is an
    /// error (the spec leaves it implementation-defined).
    case ocp
    /// OCP saturating mode, same formats: overflow and ±∞ → ±greatest finite; NaN stays NaN.
    case ocpSaturating = "ocp-sat"
    /// ml_dtypes 0.6 `astype`, for its 11 small float types: as `ocp`, but float64 inputs are
    /// rounded to float32 first, and NaN into a format without NaN becomes the zero of the opposite
    /// sign (NaN → −0, −NaN → +0); ±∞ into FP6/FP4 saturates. Measured against ml_dtypes itself
    /// (fixtures in the tests).
    case mlDtypes = "ml_dtypes"
    /// PyTorch `Tensor.to(float8_*)` for `float8_e4m3fn`, `float8_e5m2`, `float8_e4m3fnuz` and
    /// `float8_e5m2fnuz`: E4M3FN finite overflow saturates and ±∞ → NaN (SatPropagate), E5M2
    /// overflows to ±∞, the FNUZ types give NaN for overflow and ±∞; float64 goes through float32.
    /// From c10's conversion code and `formats.md`; spot-checked once (docs/profiles.md).
    case torch
    /// CUDA `__nv_cvt_*(…, __NV_SATFINITE, …)` for E4M3FN, E5M2, E2M3FN, E3M2FN and E2M1FN:
    /// overflow and ±∞ → ±greatest finite.
    case cudaSatfinite = "cuda-satfinite"
    /// ONNX `Cast` with `saturate=1` (the default), opset 24 and later (Cast-24, Cast-25): overflow
    /// and ±∞ → ±greatest finite for FLOAT8E4M3FN, FLOAT8E5M2, FLOAT8E4M3FNUZ and FLOAT8E5M2FNUZ
    /// (as ONNX's reference implementation at every opset); FLOAT8E8M0 with `round_mode` `up` (the
    /// default), `down` or `nearest` (ties up), saturating; FLOAT16, BFLOAT16 and FLOAT with ±∞ on
    /// overflow.
    case onnx
    /// IEEE P3109 minimum conformance, for every P3109 format `binary{K}p{P}{s|u}{e|f}` ExMy can hold:
    /// NearestTiesToEven (P = 1: ties to the even code, v4.0 §4.7.4) with SatNone; the other P3109
    /// rounding modes may be chosen.
    case p3109
    /// ONNX `Cast` with `saturate=1`, opsets 19 to 23 (Cast-19, Cast-21, Cast-23): as ``onnx`` but
    /// ±∞ into FLOAT8E4M3FNUZ and FLOAT8E5M2FNUZ gives NaN (SatPropagate); no FLOAT8E8M0 (added in
    /// Cast-24).
    case onnxCast23 = "onnx-cast23"

    /// What a NaN input becomes in a format without a NaN code.
    public enum NaNMapping: String, Hashable, Sendable, Codable {
        /// No answer: the checked APIs report an error (the code returned is +0 with
        /// ``ConversionStatus/invalid``).
        case error
        /// The zero of the opposite sign (ml_dtypes 0.6: NaN → −0, −NaN → +0), with
        /// ``ConversionStatus/invalid``.
        case zeroOfOppositeSign = "zero-of-opposite-sign"
    }

    /// A profile resolved for one format: everything the scalar or the batch engine needs to
    /// convert the way the stack does.
    public struct Conversion: Hashable, Sendable {
        /// The format.
        public var format: FloatFormat
        /// The rounding rule in use (the stack's default, or the one asked for).
        public var rounding: RoundingRule
        /// The rules the stack offers for this format (the default first).
        public var acceptedRoundings: [RoundingRule]
        /// The overflow rule.
        public var overflow: OverflowRule
        /// What a NaN becomes where the format has no NaN.
        public var nanMapping: NaNMapping
        /// Whether `Double` inputs are rounded to `Float` first (double rounding, as the stack does).
        public var roundsDoubleThroughFloat: Bool
        /// Whether ml_dtypes' E8M0 quirk applies (float32-subnormal inputs between the least value
        /// `s` and `2s` round up to `2s`); only ``ConversionProfile/mlDtypes`` with E8M0FNU.
        public var scaleSubnormalQuirk: Bool

        /// Converts `x` as the stack does.
        public func encode(_ x: Double) -> FloatFormat.Encoded {
            let input = roundsDoubleThroughFloat ? Double(Float(x)) : x
            if input.isNaN && format.nanCode() == nil && nanMapping == .zeroOfOppositeSign {
                let flipped = input.sign == .plus
                return .init(code: format.assembleCode(negative: flipped, magnitude: 0), status: .invalid)
            }
            if scaleSubnormalQuirk, let quirk = ConversionProfile.mlDtypesScaleSubnormalQuirk(input, format) { return quirk }
            var g = SystemRandomNumberGenerator()
            return format.encode(input, rounding: rounding, overflow: overflow, random: &g)
        }
    }

    /// The formats the profile describes, in a fixed order (P3109: the K = 3 … 8 family; every
    /// other P3109 format ExMy can hold is accepted too, see ``describes(_:)``).
    public var formats: [FloatFormat] {
        switch self {
        case .ocp, .ocpSaturating: return [.e4m3fn, .e5m2, .e2m3fn, .e3m2fn, .e2m1fn, .e8m0fnu]
        case .mlDtypes:
            return [.e4m3fn, .e5m2, .e4m3fnuz, .e5m2fnuz, .e4m3b11fnuz, .e3m4, .e4m3, .e2m3fn, .e3m2fn, .e2m1fn, .e8m0fnu]
        case .torch: return [.e4m3fn, .e5m2, .e4m3fnuz, .e5m2fnuz]
        case .cudaSatfinite: return [.e4m3fn, .e5m2, .e2m3fn, .e3m2fn, .e2m1fn]
        case .onnx: return [.e4m3fn, .e4m3fnuz, .e5m2, .e5m2fnuz, .e8m0fnu, .fp16, .bf16, .fp32]
        case .onnxCast23: return [.e4m3fn, .e4m3fnuz, .e5m2, .e5m2fnuz, .fp16, .bf16, .fp32]
        case .p3109: return FloatFormat.p3109Family
        }
    }

    /// Whether the profile describes `format` (by identity, not by its E/M shape).
    public func describes(_ format: FloatFormat) -> Bool {
        if self == .p3109 { return Self.isP3109(format) }
        return formats.contains(format)
    }

    /// Whether `format` is a P3109 format `binary{K}p{P}{s|u}{e|f}` (any K ExMy can hold).
    static func isP3109(_ f: FloatFormat) -> Bool {
        guard f.specials == .p3109Finite || f.specials == .p3109Extended else { return false }
        let signed = f.signedness == .signMagnitude
        guard signed || f.signedness == .unsigned else { return false }
        let p = f.significandBitCount + 1
        guard let candidate = try? FloatFormat.p3109(bitWidth: f.bitWidth, precision: p, signed: signed, extended: f.specials == .p3109Extended)
        else { return false }
        return candidate == f
    }

    /// Resolves the profile for `format`: rounding rule, accepted rules, overflow rule, NaN mapping
    /// and double-through-float flag.
    ///
    /// - Parameters:
    ///   - format: the target format; it must be one the profile describes.
    ///   - rounding: a rule to use instead of the stack's default; it must be one the stack offers
    ///     for this format (ONNX's E8M0 `round_mode`, P3109's rounding modes).
    /// - Throws: ``ProfileError`` naming the formats the profile describes, or the rules it accepts.
    public func conversion(for format: FloatFormat, rounding: RoundingRule? = nil) throws -> Conversion {
        guard describes(format) else {
            let list = self == .p3109 ? "the P3109 formats binary{K}p{P}{s|u}{e|f}" : formats.map(\.canonicalSpelling).joined(separator: ", ")
            throw ProfileError("profile \(rawValue) does not describe \(format.canonicalSpelling): it covers \(list)")
        }
        let accepted = acceptedRoundings(for: format)
        let rule = rounding ?? accepted[0]
        guard accepted.contains(rule) else {
            var others = accepted.dropFirst().filter { !$0.isStochastic }.map(\.spelling)
            if accepted.contains(where: \.isStochastic) { others.append("stochastic-a, stochastic-b, stochastic-c with \(RoundingRule.randomBitCounts.lowerBound)…\(RoundingRule.randomBitCounts.upperBound) random bits") }
            let also = others.isEmpty ? "" : " (it also accepts " + others.joined(separator: ", ") + ")"
            throw ProfileError("profile \(rawValue) rounds \(format.canonicalSpelling) with \(accepted[0].spelling)\(also); \(rule.spelling) is not a rule the stack offers")
        }
        return Conversion(
            format: format, rounding: rule, acceptedRoundings: accepted, overflow: resolvedOverflow(for: format),
            nanMapping: self == .mlDtypes ? .zeroOfOppositeSign : .error,
            roundsDoubleThroughFloat: roundsDoubleThroughFloat,
            scaleSubnormalQuirk: self == .mlDtypes && format == .e8m0fnu)
    }

    /// The rules the stack offers for `format`, its default first.
    func acceptedRoundings(for format: FloatFormat) -> [RoundingRule] {
        switch self {
        case .onnx where format == .e8m0fnu:
            // round_mode "up" (default), "down", "nearest" (ties up: E8M0FNU's nearest-even, which
            // sends ties up in magnitude, and nearest-away agree on the nonnegative inputs ONNX
            // defines); toward zero equals "down" there too.
            return [.up, .down, .towardZero, .toNearestOrEven, .toNearestOrAwayFromZero]
        case .p3109:
            // P3109 v4.0 §4.7.4's modes (NearestTiesToEven first; no ties-to-zero, no plain away).
            var rules: [RoundingRule] = [.toNearestOrEven, .toNearestOrAwayFromZero, .towardZero, .up, .down, .toOdd]
            for n in RoundingRule.randomBitCounts { rules += [.stochasticA(bits: n), .stochasticB(bits: n), .stochasticC(bits: n)] }
            return rules
        default:
            return [.toNearestOrEven]
        }
    }

    /// The overflow rule for a format the profile describes.
    func resolvedOverflow(for format: FloatFormat) -> OverflowRule {
        switch self {
        case .ocp, .mlDtypes, .p3109: return .none
        case .ocpSaturating, .cudaSatfinite: return .saturateFinite
        case .torch: return format == .e4m3fn ? .saturatePropagate : .none
        case .onnx: return format.bitWidth <= 8 ? .saturateFinite : .none
        case .onnxCast23:
            if format.bitWidth > 8 { return .none }
            return format.specials == .fnuz ? .saturatePropagate : .saturateFinite
        }
    }

    /// The rounding rule (ties-to-even for every stack listed; the default of ``conversion(for:rounding:)``
    /// except ONNX's E8M0, whose default `round_mode` is up).
    public var rounding: RoundingRule { .toNearestOrEven }

    /// The overflow rule the stack applies to `format`; `.none` for a format the profile does not
    /// describe (``conversion(for:rounding:)`` throws for those).
    public func overflow(for format: FloatFormat) -> OverflowRule {
        describes(format) ? resolvedOverflow(for: format) : .none
    }

    /// Whether `Double` inputs are rounded to `Float` before the conversion (double rounding).
    public var roundsDoubleThroughFloat: Bool { self == .mlDtypes || self == .torch }

    /// Converts `x` into `format` the way the stack does, with the stack's default rounding.
    ///
    /// A NaN into a format without NaN keeps ``ConversionStatus/invalid`` in the status; its code is
    /// the stack's choice (`ml_dtypes`) or +0 (the others, whose checked APIs report an error
    /// instead). A format the profile does not describe has no answer: the result is its NaN code
    /// (code 0 where it has none) with ``ConversionStatus/invalid``; ``conversion(for:rounding:)``
    /// and ``encode(_:into:rounding:)`` throw instead, saying why.
    public func encode(_ x: Double, into format: FloatFormat) -> FloatFormat.Encoded {
        guard let conversion = try? conversion(for: format) else {
            return .init(code: format.nanCode() ?? 0, status: .invalid)
        }
        return conversion.encode(x)
    }

    /// Converts `x` into `format` the way the stack does, with `rounding` (one the stack offers).
    ///
    /// - Throws: ``ProfileError`` for a format the profile does not describe or a rule the stack
    ///   does not offer for it.
    public func encode(_ x: Double, into format: FloatFormat, rounding: RoundingRule) throws -> FloatFormat.Encoded {
        try conversion(for: format, rounding: rounding).encode(x)
    }

    /// ml_dtypes 0.6 rounds every float32-subnormal input strictly between the least value `s` of a
    /// zero-less M = 0 format (E8M0: 2^-127) and `2s` up to `2s`, where nearest would give `s`
    /// (measured: 1.01·2^-127 → 2^-126). Reproduced here, for this profile only.
    static func mlDtypesScaleSubnormalQuirk(_ x: Double, _ format: FloatFormat) -> FloatFormat.Encoded? {
        guard !format.hasZero, format.significandBitCount == 0, x > 0, Float(x).isSubnormal else { return nil }
        let least = format.leastNonzeroMagnitude
        guard x > least, x < 2 * least else { return nil }
        return .init(code: 1, status: [.inexact, .underflow])
    }

    /// Whether a NaN input into a format without NaN is an error for this profile's checked APIs.
    public var rejectsNaNWithoutNaNCode: Bool { self != .mlDtypes }
}

/// A profile asked for a format it does not describe, or a rounding rule its stack does not offer.
public struct ProfileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The human-readable explanation, naming what the profile accepts.
    public let message: String

    /// Creates an error with the given explanation.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
