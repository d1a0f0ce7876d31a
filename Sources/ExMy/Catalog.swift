/// The ready-made formats. Each entry's published numbers (greatest finite value, least normal and
/// subnormal, special codes) are checked in the tests against the spec that defines it.
extension FloatFormat {
    // swiftlint:disable force_try
    private static func make(
        _ name: String, _ e: Int, _ m: Int, bias: Int? = nil, subnormals: Bool = true, zero: Bool = true,
        _ specials: SpecialValueEncoding
    ) -> FloatFormat {
        make(name, e, m, bias: bias, subnormals: subnormals, zero: zero, .signMagnitude, specials)
    }

    private static func make(
        _ name: String, _ e: Int, _ m: Int, bias: Int? = nil, subnormals: Bool = true, zero: Bool = true,
        _ signedness: Signedness, _ specials: SpecialValueEncoding
    ) -> FloatFormat {
        // The catalog is constant data validated by the test suite; a failure here is a bug in ExMy.
        try! FloatFormat(
            exponentBitCount: e, significandBitCount: m, bias: bias, hasSubnormals: subnormals, hasZero: zero,
            signedness: signedness, specials: specials, name: name)
    }

    /// OCP FP8 E4M3 (ml_dtypes `float8_e4m3fn`): bias 7, no ∞, NaN at S.1111.111, max 448.
    public static let e4m3fn = make("e4m3fn", 4, 3, .fn)
    /// OCP FP8 E5M2 (ml_dtypes `float8_e5m2`): IEEE-style, bias 15, max 57344.
    public static let e5m2 = make("e5m2", 5, 2, .ieee)
    /// AMD/Graphcore E4M3FNUZ: bias 8, NaN at 0x80, no −0, no ∞, max 240.
    public static let e4m3fnuz = make("e4m3fnuz", 4, 3, bias: 8, .fnuz)
    /// AMD/Graphcore E5M2FNUZ: bias 16, NaN at 0x80, no −0, no ∞, max 57344.
    public static let e5m2fnuz = make("e5m2fnuz", 5, 2, bias: 16, .fnuz)
    /// Graphcore E4M3B11FNUZ: bias 11, NaN at 0x80, max 30.
    public static let e4m3b11fnuz = make("e4m3b11fnuz", 4, 3, bias: 11, .fnuz)
    /// ml_dtypes `float8_e3m4`: IEEE-style, bias 3, max 15.5.
    public static let e3m4 = make("e3m4", 3, 4, .ieee)
    /// ml_dtypes `float8_e4m3`: IEEE-style E4M3, bias 7, max 240.
    public static let e4m3 = make("e4m3", 4, 3, .ieee)
    /// OCP MX FP6 E2M3: bias 1, no ∞/NaN, max 7.5.
    public static let e2m3fn = make("e2m3fn", 2, 3, .none)
    /// OCP MX FP6 E3M2: bias 3, no ∞/NaN, max 28.
    public static let e3m2fn = make("e3m2fn", 3, 2, .none)
    /// OCP MX FP4 E2M1: bias 1, no ∞/NaN, values 0, 0.5, 1, 1.5, 2, 3, 4, 6.
    public static let e2m1fn = make("e2m1fn", 2, 1, .none)
    /// OCP MX scale E8M0: unsigned, bias 127, no zero, NaN 0xFF, values 2^-127 … 2^127.
    public static let e8m0fnu = make("e8m0fnu", 8, 0, bias: 127, subnormals: false, zero: false, .unsigned, .fn)
    /// NVFP4 block scale UE4M3: E4M3 without sign bit (7 bits), bias 7, NaN 0x7F, max 448.
    public static let ue4m3 = make("ue4m3", 4, 3, .unsigned, .fn)
    /// IEEE 754 binary16 (half).
    public static let fp16 = make("fp16", 5, 10, .ieee)
    /// bfloat16: E8M7, IEEE-style.
    public static let bf16 = make("bf16", 8, 7, .ieee)
    /// NVIDIA TensorFloat-32: E8M10 (19 bits), IEEE-style.
    public static let tf32 = make("tf32", 8, 10, .ieee)
    /// IEEE 754 binary32 (single).
    public static let fp32 = make("fp32", 8, 23, .ieee)
    /// OCP MX INT8 element: two's complement with an implied scale of 2^-6 (values −2 … 127/64).
    public static let mxint8 = make("mxint8", 0, 7, bias: 0, .twosComplement, .none)
    /// FP3 E1M1 with subnormals: values 0, 1, 2, 3 (IEEE default bias 0), no ∞/NaN.
    public static let fp3E1M1 = make("fp3-e1m1", 1, 1, .none)
    /// FP3 E1M1 without subnormals: values 0, 2, 3.
    public static let fp3E1M1NoSubnormals = make("fp3-e1m1-nosub", 1, 1, subnormals: false, .none)
    /// FP3 E2M0 with subnormals: values 0, 1, 2, 4 (bias 1), no ∞/NaN. With M = 0 there are no
    /// subnormal values, so the `-nosub` variant has the same values.
    public static let fp3E2M0 = make("fp3-e2m0", 2, 0, .none)
    /// FP3 E2M0 without subnormals (same values as ``fp3E2M0``).
    public static let fp3E2M0NoSubnormals = make("fp3-e2m0-nosub", 2, 0, subnormals: false, .none)
    // swiftlint:enable force_try

    /// An IEEE P3109 format `binary{K}p{P}{s|u}{e|f}`: `K` bits, precision `P`, signed or unsigned,
    /// extended (±∞) or finite domain. The bias is derived: `2^(K−P−1)` signed, `2^(K−P)` unsigned.
    /// Subnormals always; no −0; NaN at 0x80 (signed) or all ones (unsigned).
    ///
    /// - Throws: ``FormatError`` when `P` is out of range for `K`.
    public static func p3109(bitWidth k: Int, precision p: Int, signed: Bool, extended: Bool) throws -> FloatFormat {
        guard (2...16).contains(k) else { throw FormatError("P3109 width K = \(k) is out of range 2 … 16") }
        let maxP = signed ? k - 1 : k
        guard (1...maxP).contains(p) else {
            throw FormatError("P3109 precision P = \(p) is out of range for K = \(k): use 1 … \(maxP)")
        }
        let e = signed ? k - p : k - p + 1
        let bias = signed ? 1 << (k - p - 1) : 1 << (k - p)
        let name = "binary\(k)p\(p)\(signed ? "s" : "u")\(extended ? "e" : "f")"
        return try FloatFormat(
            exponentBitCount: e, significandBitCount: p - 1, bias: bias, hasSubnormals: true,
            signedness: signed ? .signMagnitude : .unsigned, specials: extended ? .p3109Extended : .p3109Finite, name: name)
    }

    /// Every named catalog format except the P3109 family, in a fixed order.
    public static let catalog: [FloatFormat] = [
        .e4m3fn, .e5m2, .e4m3fnuz, .e5m2fnuz, .e4m3b11fnuz, .e3m4, .e4m3, .e2m3fn, .e3m2fn, .e2m1fn, .e8m0fnu, .ue4m3,
        .fp16, .bf16, .tf32, .fp32, .mxint8, .fp3E1M1, .fp3E1M1NoSubnormals, .fp3E2M0, .fp3E2M0NoSubnormals,
    ]

    /// The P3109 family for K = 3 … 8: every precision, signed and unsigned, finite and extended.
    public static let p3109Family: [FloatFormat] = {
        var result: [FloatFormat] = []
        for k in 3...8 {
            for signed in [true, false] {
                for p in 1...(signed ? k - 1 : k) {
                    for extended in [true, false] {
                        if let f = try? p3109(bitWidth: k, precision: p, signed: signed, extended: extended) { result.append(f) }
                    }
                }
            }
        }
        return result
    }()
}
