/// Named behaviours of today's numerics stacks, for the points where they disagree.
///
/// A profile fixes the rounding rule, the overflow rule (per format), what a NaN becomes in a format
/// without NaN, and whether `Double` inputs are first rounded to `Float` (as ml_dtypes and PyTorch
/// do — the double-rounding bug reproduced on purpose). `docs/profiles.md` shows every profile's
/// answer on every disagreement of `docs/semantics.md`.
///
/// ```swift
/// ConversionProfile.mlDtypes.encode(.nan, into: .e2m1fn).code   // 0x8 (−0), as ml_dtypes
/// ConversionProfile.ocp.encode(-431.99999999999994, into: .e4m3fn).code   // 0xFD (−416)
/// ConversionProfile.mlDtypes.encode(-431.99999999999994, into: .e4m3fn).code   // 0xFE (−448)
/// ```
public enum ConversionProfile: String, CaseIterable, Hashable, Sendable, Codable {
    /// OCP OFP8 / MX non-saturating mode: ties-to-even, overflow and ±∞ → NaN (E4M3) or ±∞ (E5M2);
    /// NaN into FP6/FP4 is an error (the spec leaves it implementation-defined).
    case ocp
    /// OCP saturating mode: overflow and ±∞ → ±greatest finite; NaN stays NaN.
    case ocpSaturating = "ocp-sat"
    /// ml_dtypes 0.6 `astype`: as `ocp`, but float64 inputs are rounded to float32 first, and NaN
    /// into a format without NaN becomes the zero of the opposite sign (NaN → −0, −NaN → +0);
    /// ±∞ into FP6/FP4 saturates. Measured against ml_dtypes itself (fixtures in the tests).
    case mlDtypes = "ml_dtypes"
    /// PyTorch `Tensor.to(float8_*)`: E4M3 finite overflow saturates and ±∞ → NaN (SatPropagate),
    /// E5M2 overflows to ±∞; float64 goes through float32. From c10's conversion code and
    /// `formats.md`; not measured here (no PyTorch on the development machine).
    case torch
    /// CUDA `__nv_cvt_*_to_fp8(…, __NV_SATFINITE, …)`: overflow and ±∞ → ±greatest finite.
    case cudaSatfinite = "cuda-satfinite"
    /// ONNX `Cast` with `saturate=1` (the default): overflow → ±greatest finite; ±∞ → ±greatest
    /// finite for E4M3FN/E5M2, NaN for the FNUZ types.
    case onnx
    /// IEEE P3109 minimum conformance: NearestTiesToEven with SatNone.
    case p3109

    /// The rounding rule (ties-to-even for every stack listed).
    public var rounding: RoundingRule { .toNearestOrEven }

    /// The overflow rule the stack applies to `format`.
    public func overflow(for format: FloatFormat) -> OverflowRule {
        switch self {
        case .ocp, .mlDtypes, .p3109: return .none
        case .ocpSaturating, .cudaSatfinite: return .saturateFinite
        case .torch:
            return format.exponentBitCount == 4 && format.significandBitCount == 3 ? .saturatePropagate : .none
        case .onnx:
            return format.specials == .fnuz ? .saturatePropagate : .saturateFinite
        }
    }

    /// Whether `Double` inputs are rounded to `Float` before the conversion (double rounding).
    public var roundsDoubleThroughFloat: Bool { self == .mlDtypes || self == .torch }

    /// Converts `x` into `format` the way the stack does. A NaN into a format without NaN keeps
    /// ``ConversionStatus/invalid`` in the status; its code is the stack's choice (`ml_dtypes`) or
    /// +0 (the others, whose checked APIs report an error instead).
    public func encode(_ x: Double, into format: FloatFormat) -> FloatFormat.Encoded {
        let input = roundsDoubleThroughFloat ? Double(Float(x)) : x
        if input.isNaN && format.nanCode() == nil && self == .mlDtypes {
            let flipped = input.sign == .plus
            return .init(code: format.assembleCode(negative: flipped, magnitude: 0), status: .invalid)
        }
        if self == .mlDtypes, let quirk = Self.mlDtypesScaleSubnormalQuirk(input, format) { return quirk }
        var g = SystemRandomNumberGenerator()
        return format.encode(input, rounding: rounding, overflow: overflow(for: format), random: &g)
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
