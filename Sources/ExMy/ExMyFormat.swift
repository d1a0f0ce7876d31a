/// A compile-time format: the phantom type parameter of ``ExMy``.
///
/// Conform a caseless enum to describe your own format:
///
/// ```swift
/// enum E3M3NoSub: ExMyFormat {
///     typealias BitPattern = UInt8
///     static let format = try! FloatFormat(parsing: "e3m3:bias=5,subnormals=off")
/// }
/// typealias Float7E3M3 = ExMy<E3M3NoSub>
/// ```
///
/// `format.bitWidth` must not exceed `BitPattern.bitWidth`.
public protocol ExMyFormat: Sendable {
    /// The unsigned integer type that stores a code.
    associatedtype BitPattern: FixedWidthInteger & UnsignedInteger & Sendable & Codable & Hashable
    /// The runtime description the typed value shares its engine with.
    static var format: FloatFormat { get }
    /// The default rounding rule of the format (used by initialisers that take none).
    static var defaultRounding: RoundingRule { get }
    /// The default overflow rule of the format (used by initialisers that take none).
    static var defaultOverflow: OverflowRule { get }
}

extension ExMyFormat {
    /// Round to nearest, ties to even: every catalog spec's default.
    public static var defaultRounding: RoundingRule { .toNearestOrEven }
    /// `none`: OCP's non-saturating mode, IEEE 754's and P3109's SatNone.
    public static var defaultOverflow: OverflowRule { .none }
}

/// The catalog formats as compile-time types.
public enum ExMyFormats {
    /// OCP FP8 E4M3 (``FloatFormat/e4m3fn``, ml_dtypes `float8_e4m3fn`): no ∞, max 448; codes in a
    /// `UInt8`.
    public enum E4M3FN: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e4m3fn }
    /// OCP FP8 E5M2 (``FloatFormat/e5m2``, ml_dtypes `float8_e5m2`): IEEE-style, max 57344; codes in a
    /// `UInt8`.
    public enum E5M2: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e5m2 }
    /// E4M3FNUZ (``FloatFormat/e4m3fnuz``): bias 8, one NaN at 0x80, no −0, no ∞, max 240; codes in a
    /// `UInt8`.
    public enum E4M3FNUZ: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e4m3fnuz }
    /// E5M2FNUZ (``FloatFormat/e5m2fnuz``): bias 16, one NaN at 0x80, no −0, no ∞, max 57344; codes in
    /// a `UInt8`.
    public enum E5M2FNUZ: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e5m2fnuz }
    /// E4M3B11FNUZ (``FloatFormat/e4m3b11fnuz``): bias 11, one NaN at 0x80, no −0, no ∞, max 30; codes
    /// in a `UInt8`.
    public enum E4M3B11FNUZ: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e4m3b11fnuz }
    /// IEEE-style E3M4 (``FloatFormat/e3m4``, ml_dtypes `float8_e3m4`): bias 3, max 15.5; codes in a
    /// `UInt8`.
    public enum E3M4: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e3m4 }
    /// IEEE-style E4M3 (``FloatFormat/e4m3``, ml_dtypes `float8_e4m3`): bias 7, max 240; codes in a
    /// `UInt8`.
    public enum E4M3: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e4m3 }
    /// OCP MX FP6 E2M3 (``FloatFormat/e2m3fn``): no ∞ or NaN, max 7.5; 6-bit codes in a `UInt8`.
    public enum E2M3FN: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e2m3fn }
    /// OCP MX FP6 E3M2 (``FloatFormat/e3m2fn``): no ∞ or NaN, max 28; 6-bit codes in a `UInt8`.
    public enum E3M2FN: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e3m2fn }
    /// OCP MX FP4 E2M1 (``FloatFormat/e2m1fn``): no ∞ or NaN, max 6; 4-bit codes in a `UInt8`.
    public enum E2M1FN: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e2m1fn }
    /// OCP MX scale E8M0 (``FloatFormat/e8m0fnu``): unsigned powers of two 2^-127 … 2^127, no zero, NaN
    /// 0xFF; codes in a `UInt8`.
    public enum E8M0FNU: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.e8m0fnu }
    /// NVFP4 block scale UE4M3 (``FloatFormat/ue4m3``): unsigned E4M3, NaN 0x7F, max 448; 7-bit codes
    /// in a `UInt8`.
    public enum UE4M3: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.ue4m3 }
    /// IEEE 754 binary16 (``FloatFormat/fp16``); codes in a `UInt16`, bit-compatible with `Float16`.
    public enum Binary16: ExMyFormat { public typealias BitPattern = UInt16; public static let format = FloatFormat.fp16 }
    /// bfloat16, E8M7 IEEE-style (``FloatFormat/bf16``); codes in a `UInt16`.
    public enum BFloat16: ExMyFormat { public typealias BitPattern = UInt16; public static let format = FloatFormat.bf16 }
    /// NVIDIA TensorFloat-32, E8M10 IEEE-style (``FloatFormat/tf32``); 19-bit codes in a `UInt32`.
    public enum TF32: ExMyFormat { public typealias BitPattern = UInt32; public static let format = FloatFormat.tf32 }
    /// IEEE 754 binary32 (``FloatFormat/fp32``); codes in a `UInt32`, bit-compatible with `Float`.
    public enum Binary32: ExMyFormat { public typealias BitPattern = UInt32; public static let format = FloatFormat.fp32 }
    /// OCP MX INT8 element (``FloatFormat/mxint8``): two's complement with an implied scale of 2^-6
    /// (values −2 … 127/64); codes in a `UInt8`.
    public enum MXINT8: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.mxint8 }
    /// FP3 E1M1 with subnormals (``FloatFormat/fp3E1M1``): values 0, 1, 2, 3 with a sign, no ∞ or NaN;
    /// 3-bit codes in a `UInt8`.
    public enum FP3E1M1: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.fp3E1M1 }
    /// FP3 E2M0 (``FloatFormat/fp3E2M0``): values 0, 1, 2, 4 with a sign, no ∞ or NaN; 3-bit codes in a
    /// `UInt8`.
    public enum FP3E2M0: ExMyFormat { public typealias BitPattern = UInt8; public static let format = FloatFormat.fp3E2M0 }
    /// P3109 binary8p3se (signed, extended, P = 3).
    public enum Binary8P3SE: ExMyFormat {
        public typealias BitPattern = UInt8
        public static let format = FloatFormat.p3109Family.first { $0.name == "binary8p3se" }!
    }
    /// P3109 binary8p4se (signed, extended, P = 4).
    public enum Binary8P4SE: ExMyFormat {
        public typealias BitPattern = UInt8
        public static let format = FloatFormat.p3109Family.first { $0.name == "binary8p4se" }!
    }
}

/// OCP FP8 E4M3 (ml_dtypes `float8_e4m3fn`).
public typealias Float8E4M3FN = ExMy<ExMyFormats.E4M3FN>
/// OCP FP8 E5M2 (ml_dtypes `float8_e5m2`).
public typealias Float8E5M2 = ExMy<ExMyFormats.E5M2>
/// E4M3FNUZ (ml_dtypes `float8_e4m3fnuz`).
public typealias Float8E4M3FNUZ = ExMy<ExMyFormats.E4M3FNUZ>
/// E5M2FNUZ (ml_dtypes `float8_e5m2fnuz`).
public typealias Float8E5M2FNUZ = ExMy<ExMyFormats.E5M2FNUZ>
/// E4M3B11FNUZ (ml_dtypes `float8_e4m3b11fnuz`).
public typealias Float8E4M3B11FNUZ = ExMy<ExMyFormats.E4M3B11FNUZ>
/// IEEE-style E3M4 (ml_dtypes `float8_e3m4`).
public typealias Float8E3M4 = ExMy<ExMyFormats.E3M4>
/// IEEE-style E4M3 (ml_dtypes `float8_e4m3`).
public typealias Float8E4M3 = ExMy<ExMyFormats.E4M3>
/// OCP MX FP6 E2M3.
public typealias Float6E2M3FN = ExMy<ExMyFormats.E2M3FN>
/// OCP MX FP6 E3M2.
public typealias Float6E3M2FN = ExMy<ExMyFormats.E3M2FN>
/// OCP MX FP4 E2M1.
public typealias Float4E2M1FN = ExMy<ExMyFormats.E2M1FN>
/// OCP MX E8M0 scale.
public typealias Float8E8M0FNU = ExMy<ExMyFormats.E8M0FNU>
/// NVFP4 block scale UE4M3.
public typealias FloatUE4M3 = ExMy<ExMyFormats.UE4M3>
/// IEEE binary16 as an ExMy value (bit-compatible with `Float16`).
public typealias ExMyBinary16 = ExMy<ExMyFormats.Binary16>
/// bfloat16 as an ExMy value.
public typealias BFloat16 = ExMy<ExMyFormats.BFloat16>
/// TensorFloat-32 as an ExMy value (19 bits in a `UInt32`).
public typealias TensorFloat32 = ExMy<ExMyFormats.TF32>
/// IEEE binary32 as an ExMy value (bit-compatible with `Float`).
public typealias ExMyBinary32 = ExMy<ExMyFormats.Binary32>
/// OCP MX INT8 element.
public typealias MXInt8 = ExMy<ExMyFormats.MXINT8>
/// FP3 E1M1 with subnormals.
public typealias Float3E1M1 = ExMy<ExMyFormats.FP3E1M1>
/// FP3 E2M0.
public typealias Float3E2M0 = ExMy<ExMyFormats.FP3E2M0>
/// P3109 binary8p3se.
public typealias Binary8P3SE = ExMy<ExMyFormats.Binary8P3SE>
/// P3109 binary8p4se.
public typealias Binary8P4SE = ExMy<ExMyFormats.Binary8P4SE>
