import Testing
@testable import ExMy

/// Each catalog entry against the numbers its spec publishes. Expectations are typed in from the
/// specs (OCP OFP8 v1.0 Table 1, OCP MX v1.0 §5.3, ml_dtypes' documented limits, IEEE 754, P3109
/// interim report), never computed by ExMy.
struct CatalogSpecTests {
    struct Published: Sendable, CustomTestStringConvertible {
        var format: FloatFormat
        var width: Int
        var max: Double
        var minNormal: Double
        var minSubnormal: Double
        var nan: [UInt64]
        var inf: [UInt64]
        var testDescription: String { format.description }
    }

    static let published: [Published] = [
        // OCP OFP8 Table 1: E4M3 max S.1111.110 = 448, min normal 2^-6, min subnormal 2^-9, NaN S.1111.111.
        .init(format: .e4m3fn, width: 8, max: 448, minNormal: 0x1p-6, minSubnormal: 0x1p-9, nan: [0x7F, 0xFF], inf: []),
        // OCP OFP8 Table 1: E5M2 max 57344, min normal 2^-14, min subnormal 2^-16, Inf S.11111.00.
        .init(format: .e5m2, width: 8, max: 57344, minNormal: 0x1p-14, minSubnormal: 0x1p-16, nan: [0x7E, 0xFE], inf: [0x7C, 0xFC]),
        // AMD/Graphcore FNUZ (ml_dtypes float8_e4m3fnuz): bias 8, max 240, NaN 0x80.
        .init(format: .e4m3fnuz, width: 8, max: 240, minNormal: 0x1p-7, minSubnormal: 0x1p-10, nan: [0x80], inf: []),
        .init(format: .e5m2fnuz, width: 8, max: 57344, minNormal: 0x1p-15, minSubnormal: 0x1p-17, nan: [0x80], inf: []),
        // ml_dtypes float8_e4m3b11fnuz: bias 11, max 30.
        .init(format: .e4m3b11fnuz, width: 8, max: 30, minNormal: 0x1p-10, minSubnormal: 0x1p-13, nan: [0x80], inf: []),
        // ml_dtypes float8_e3m4: max 15.5, min normal 0.25, min subnormal 2^-6.
        .init(format: .e3m4, width: 8, max: 15.5, minNormal: 0.25, minSubnormal: 0x1p-6, nan: [0x78, 0xF8], inf: [0x70, 0xF0]),
        // ml_dtypes float8_e4m3 (IEEE-style): max 240.
        .init(format: .e4m3, width: 8, max: 240, minNormal: 0x1p-6, minSubnormal: 0x1p-9, nan: [0x7C, 0xFC], inf: [0x78, 0xF8]),
        // OCP MX §5.3.2: FP6 E2M3 max 7.5, min normal 1, min subnormal 0.125; E3M2 max 28, 0.25, 0.0625.
        .init(format: .e2m3fn, width: 6, max: 7.5, minNormal: 1, minSubnormal: 0.125, nan: [], inf: []),
        .init(format: .e3m2fn, width: 6, max: 28, minNormal: 0.25, minSubnormal: 0.0625, nan: [], inf: []),
        // OCP MX §5.3.3: FP4 E2M1 max 6, min normal 1, min subnormal 0.5.
        .init(format: .e2m1fn, width: 4, max: 6, minNormal: 1, minSubnormal: 0.5, nan: [], inf: []),
        // OCP MX §5.4.1: E8M0 exponents −127 … 127, NaN 0xFF, no zero.
        .init(format: .e8m0fnu, width: 8, max: 0x1p127, minNormal: 0x1p-127, minSubnormal: 0x1p-127, nan: [0xFF], inf: []),
        // NVFP4 UE4M3: unsigned E4M3, max 448, NaN 0x7F.
        .init(format: .ue4m3, width: 7, max: 448, minNormal: 0x1p-6, minSubnormal: 0x1p-9, nan: [0x7F], inf: []),
        // IEEE 754 binary16, bfloat16, TF32, binary32.
        .init(format: .fp16, width: 16, max: 65504, minNormal: 0x1p-14, minSubnormal: 0x1p-24, nan: [0x7E00, 0xFE00], inf: [0x7C00, 0xFC00]),
        .init(format: .bf16, width: 16, max: 0x1.FEp127, minNormal: 0x1p-126, minSubnormal: 0x1p-133, nan: [0x7FC0, 0xFFC0], inf: [0x7F80, 0xFF80]),
        .init(format: .tf32, width: 19, max: 0x1.FFCp127, minNormal: 0x1p-126, minSubnormal: 0x1p-136, nan: [0x3FE00, 0x7FE00], inf: [0x3FC00, 0x7FC00]),
        .init(format: .fp32, width: 32, max: 0x1.FFFFFEp127, minNormal: 0x1p-126, minSubnormal: 0x1p-149, nan: [0x7FC0_0000, 0xFFC0_0000], inf: [0x7F80_0000, 0xFF80_0000]),
        // OCP MX §5.3.4: MXINT8 two's complement, implied scale 2^-6: max 127/64; 0x80 = −2.
        .init(format: .mxint8, width: 8, max: 1.984375, minNormal: 2, minSubnormal: 0x1p-6, nan: [], inf: []),
    ]

    @Test(arguments: published)
    func publishedNumbers(_ p: Published) {
        #expect(p.format.bitWidth == p.width)
        #expect(p.format.greatestFiniteMagnitude == p.max)
        #expect(p.format.leastNonzeroMagnitude == p.minSubnormal)
        if p.format.exponentBitCount > 0 { #expect(p.format.leastNormalMagnitude == p.minNormal) }
        #expect(p.format.canonicalNaNCodes == p.nan)
        #expect(p.format.infinityCodes == p.inf)
        for code in p.nan { #expect(p.format.decode(code).isNaN) }
        for code in p.inf { #expect(p.format.decode(code).isInfinite) }
    }

    @Test func mxint8MostNegative() {
        #expect(FloatFormat.mxint8.decode(0x80) == -2.0)
        #expect(FloatFormat.mxint8.decode(0xFF) == -1.0 / 64)
        #expect(FloatFormat.mxint8.decode(0x7F) == 127.0 / 64)
    }

    @Test func e2m1Values() {
        // OCP MX Table: E2M1 positive values.
        let values = (0..<8).map { FloatFormat.e2m1fn.decode(UInt64($0)) }
        #expect(values == [0, 0.5, 1, 1.5, 2, 3, 4, 6])
        #expect((8..<16).map { FloatFormat.e2m1fn.decode(UInt64($0)) } == [-0.0, -0.5, -1, -1.5, -2, -3, -4, -6])
    }

    @Test func p3109Published() throws {
        // P3109 interim report: binary8p4se has bias 8, max 224, NaN 0x80, +Inf 0x7F, −Inf 0xFF.
        let p4 = try FloatFormat(parsing: "binary8p4se")
        #expect(p4.bias == 8)
        #expect(p4.greatestFiniteMagnitude == 224)
        #expect(p4.canonicalNaNCodes == [0x80])
        #expect(p4.infinityCodes == [0x7F, 0xFF])
        // binary8p3se: bias 16, max 49152 (= 1.5 · 2^15).
        let p3 = try FloatFormat(parsing: "binary8p3se")
        #expect(p3.bias == 16)
        #expect(p3.greatestFiniteMagnitude == 49152)
        // binary4p2sf: bias 2, max 3.0 (formats.md: not E2M1).
        let p2 = try FloatFormat(parsing: "binary4p2sf")
        #expect(p2.bias == 2)
        #expect(p2.greatestFiniteMagnitude == 3.0)
        // binary8p1uf (the P3109 scale format): bias 128, has a zero.
        let scale = try FloatFormat(parsing: "binary8p1uf")
        #expect(scale.bias == 128)
        #expect(scale.decode(0) == 0)
        #expect(scale.canonicalNaNCodes == [0xFF])
        #expect(FloatFormat.p3109Family.count == 120)
    }

    @Test func fp3Values() {
        #expect((0..<4).map { FloatFormat.fp3E1M1.decode(UInt64($0)) } == [0, 1, 2, 3])
        #expect((0..<4).map { FloatFormat.fp3E2M0.decode(UInt64($0)) } == [0, 1, 2, 4])
        #expect(FloatFormat.fp3E1M1NoSubnormals.classify(1) == .nonCanonical)
    }
}
