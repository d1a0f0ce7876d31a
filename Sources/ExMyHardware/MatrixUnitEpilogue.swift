import ExMy

/// The linear-combination epilogue that follows a matrix unit: `D = α · acc + β · C`, computed in
/// FP32 and converted into the output format, as CUTLASS's `epilogue::thread::LinearCombination` (and
/// so cuBLAS) computes it.
///
/// The matrix unit itself only computes `acc = A·B (+ C)` (``MatrixUnitKernel``). A library call adds
/// the scalars α and β afterwards on the ordinary FP32 units:
/// - the accumulator and C are converted to FP32 (exact from FP32, FP16 or BF16);
/// - with β ≠ 0: `X = β · C` rounded to FP32, then `D = α · acc + X` as one fused multiply-add
///   (nvcc contracts `a * b + c` into FFMA by default), rounded once;
/// - with β = 0, C is not read: `D = α · acc`, one rounded multiplication (so `α · acc = −0` stays −0);
/// - the FP32 result is converted to the output format (the accumulator's) to nearest-even.
///
/// Every rounding is IEEE 754 round-to-nearest-even with gradual underflow (ExMy's engine on
/// ``FloatFormat/fp32``). This is where block-scaled FP4's second level enters: NVFP4's per-tensor
/// FP32 scales are applied through α (α = s_A · s_B), after the unit's UE4M3 block scales.
///
/// Departure from IEEE 754 (as the GPU produces it): a NaN result is the canonical NaN of the
/// output format (`0x7FFF_FFFF` for FP32), whatever the inputs' payloads.
public struct MatrixUnitEpilogue: Hashable, Sendable {
    /// α, the factor of the accumulator (an FP32 value).
    public var alpha: Float
    /// β, the factor of C (an FP32 value); 0 means C is not read.
    public var beta: Float

    /// Creates an epilogue; the identity is α = 1, β = 0.
    public init(alpha: Float = 1, beta: Float = 0) {
        self.alpha = alpha
        self.beta = beta
    }

    /// The code of `D` in `format` for an accumulator code `accumulator` and a C code `source`,
    /// both of `format` (FP32, FP16, BF16 or any format whose values FP32 holds exactly).
    public func apply(accumulator: UInt64, source: UInt64, format: FloatFormat) -> UInt64 {
        let fp32 = FloatFormat.fp32
        let a = Self.toFP32(accumulator, from: format)
        let alphaCode = UInt64(alpha.bitPattern)
        let d: UInt64
        if beta == 0 {
            d = fp32.multiply(code: alphaCode, code: a).code
        } else {
            let x = fp32.multiply(code: UInt64(beta.bitPattern), code: Self.toFP32(source, from: format)).code
            d = fp32.fusedMultiplyAdd(code: alphaCode, code: a, code: x).code
        }
        let value = fp32.decode(d)
        if value.isNaN { return [FloatFormat.fp32, .fp16, .bf16].contains(format) ? format.codeMask >> 1 : format.encodeNaN(negative: false).code }
        if format == fp32 { return d }
        return format.encode(value, rounding: .toNearestOrEven, overflow: .none).code
    }

    /// Applies the epilogue to every element: `d[i] = apply(d[i], c[i])`.
    public func apply(to d: inout [UInt64], source c: [UInt64], format: FloatFormat) throws {
        guard c.count == d.count else { throw MatrixUnitError("the epilogue needs one C element per D element (\(c.count) for \(d.count))") }
        for i in d.indices { d[i] = apply(accumulator: d[i], source: c[i], format: format) }
    }

    /// Checks that `format` converts to FP32 exactly (every value of it is an FP32 value).
    public static func validate(_ format: FloatFormat) throws {
        let fp32 = FloatFormat.fp32
        guard format.significandBitCount <= fp32.significandBitCount,
              format.greatestFiniteMagnitude <= fp32.greatestFiniteMagnitude,
              format.leastNonzeroMagnitude >= fp32.leastNonzeroMagnitude
        else { throw MatrixUnitError("the epilogue computes in FP32; the output format \(format) has values FP32 does not hold") }
    }

    static func toFP32(_ code: UInt64, from format: FloatFormat) -> UInt64 {
        if format == .fp32 { return code & 0xFFFF_FFFF }
        return FloatFormat.fp32.encode(format.decode(code), rounding: .toNearestOrEven, overflow: .none).code
    }
}
