import Testing
import ExMy

/// Profiles describe formats by identity and resolve to the engine's rules; expected codes come from
/// the stacks' documentation (ONNX Cast-24/25 tables, ONNX's reference `to_float8e8m0`, PyTorch's
/// FNUZ behaviour in docs/profiles.md), worked out by hand.
struct ConversionProfileTests {
    /// PyTorch: 248 into E4M3FNUZ (max 240, no ∞) overflows to NaN (0x80), not 240 as E4M3FN's
    /// saturation would give; formats PyTorch has no dtype for are refused.
    @Test func torchAppliesOnlyToItsFormats() throws {
        #expect(try ConversionProfile.torch.conversion(for: .e4m3fnuz).overflow == OverflowRule.none)
        #expect(ConversionProfile.torch.encode(248, into: .e4m3fnuz).code == 0x80)
        #expect(ConversionProfile.torch.encode(.infinity, into: .e5m2fnuz).code == 0x80)
        #expect(ConversionProfile.torch.encode(500, into: .e4m3fn).code == 0x7E)  // SatPropagate: 448
        #expect(ConversionProfile.torch.encode(.infinity, into: .e4m3fn).code == 0x7F)  // ±∞ → NaN
        for f in [FloatFormat.e4m3b11fnuz, .e4m3, .ue4m3, try FloatFormat(parsing: "binary8p4se"), try FloatFormat(parsing: "binary8p4sf")] {
            #expect(throws: ProfileError.self) { try ConversionProfile.torch.conversion(for: f) }
            let r = ConversionProfile.torch.encode(248, into: f)
            #expect(r.status == .invalid && r.code == f.nanCode(), "\(f)")
        }
        // Identity, not shape: E4M3 with another bias is not float8_e4m3fn.
        #expect(throws: ProfileError.self) { try ConversionProfile.torch.conversion(for: try FloatFormat(parsing: "e4m3:bias=8,specials=fn")) }
        #expect(try ConversionProfile.torch.conversion(for: try FloatFormat(parsing: "e4m3:specials=fn")).overflow == .saturatePropagate)
    }

    /// ONNX Cast-24 and later, saturate=1: ±∞ into the FNUZ types gives ±FLT_MAX of the type;
    /// the Cast-19/21/23 table (onnx-cast23) gives NaN.
    @Test func onnxInfinityIntoFNUZ() {
        #expect(ConversionProfile.onnx.encode(.infinity, into: .e4m3fnuz).code == 0x7F)  // 240
        #expect(ConversionProfile.onnx.encode(-.infinity, into: .e4m3fnuz).code == 0xFF)  // −240
        #expect(ConversionProfile.onnx.encode(.infinity, into: .e5m2fnuz).code == 0x7F)  // 57344
        #expect(ConversionProfile.onnx.encode(-.infinity, into: .e5m2fnuz).code == 0xFF)
        #expect(ConversionProfile.onnx.encode(1e6, into: .e5m2fnuz).code == 0x7F)
        #expect(ConversionProfile.onnxCast23.encode(.infinity, into: .e4m3fnuz).code == 0x80)
        #expect(ConversionProfile.onnxCast23.encode(-.infinity, into: .e5m2fnuz).code == 0x80)
        #expect(ConversionProfile.onnxCast23.encode(1e6, into: .e5m2fnuz).code == 0x7F)
        #expect(ConversionProfile.onnxCast23.encode(.infinity, into: .e4m3fn).code == 0x7E)
        #expect(throws: ProfileError.self) { try ConversionProfile.onnxCast23.conversion(for: .e8m0fnu) }
    }

    /// ONNX's FLOAT8E8M0 round_mode: up (default), down, nearest (ties up). 3.0 has float32 exponent
    /// field 128 and fraction 0x400000: up → 129 (0x81, 4), down → 128 (0x80, 2), nearest: guard bit
    /// set, lsb 1 → 129. 2.9: guard bit clear → nearest 128. ∞ and x > E8M0_MAX → E8M0_MAX (0xFE).
    @Test func onnxE8M0RoundModes() throws {
        let onnx = ConversionProfile.onnx
        let resolved = try onnx.conversion(for: .e8m0fnu)
        #expect(resolved.rounding == .up)
        #expect(resolved.overflow == .saturateFinite)
        #expect(resolved.nanMapping == .error)
        #expect(!resolved.roundsDoubleThroughFloat)
        #expect(onnx.encode(3, into: .e8m0fnu).code == 0x81)
        #expect(onnx.encode(2.1, into: .e8m0fnu).code == 0x81)
        #expect(try onnx.encode(3, into: .e8m0fnu, rounding: .down).code == 0x80)
        #expect(try onnx.encode(3.9, into: .e8m0fnu, rounding: .down).code == 0x80)
        #expect(try onnx.encode(3, into: .e8m0fnu, rounding: .toNearestOrEven).code == 0x81)
        #expect(try onnx.encode(2.9, into: .e8m0fnu, rounding: .toNearestOrEven).code == 0x80)
        #expect(onnx.encode(.infinity, into: .e8m0fnu).code == 0xFE)
        #expect(onnx.encode(1e39, into: .e8m0fnu).code == 0xFE)
        #expect(onnx.encode(0, into: .e8m0fnu).code == 0x00)  // "0 → 0": the code of 2^-127
        #expect(onnx.encode(.nan, into: .e8m0fnu).code == 0xFF)
        // round_mode exists only for E8M0; the other types round to nearest even.
        #expect(throws: ProfileError.self) { try onnx.conversion(for: .e4m3fn, rounding: .up) }
        #expect(throws: ProfileError.self) { try onnx.conversion(for: .e8m0fnu, rounding: .toOdd) }
        #expect(throws: ProfileError.self) { try onnx.conversion(for: .e2m1fn) }
    }

    /// The p3109 profile: every P3109 format (K beyond the 3 … 8 family too), P = 1 ties to the even
    /// code, the report's rounding modes.
    @Test func p3109Profile() throws {
        let p = ConversionProfile.p3109
        let b3 = try FloatFormat(parsing: "binary3p1se")
        #expect(p.encode(1.5, into: b3).code == 2)
        #expect(try p.conversion(for: try FloatFormat(parsing: "binary12p1se")).rounding == .toNearestOrEven)
        #expect(try p.conversion(for: b3, rounding: .toOdd).rounding == .toOdd)
        #expect(try p.conversion(for: b3, rounding: .stochasticC(bits: 4)).rounding == .stochasticC(bits: 4))
        #expect(throws: ProfileError.self) { try p.conversion(for: b3, rounding: .toNearestOrZero) }
        #expect(throws: ProfileError.self) { try p.conversion(for: .e4m3fn) }
        let ieeeTies = try FloatFormat(parsing: "e2m0:bias=2,specials=p3109-extended,ties=even-significand")
        #expect(throws: ProfileError.self) { try p.conversion(for: ieeeTies) }
        #expect(try p.conversion(for: try FloatFormat(parsing: "e2m0:bias=2,specials=p3109-extended")).format == b3)
    }

    /// Every profile describes its own formats and resolves them; the non-throwing encode keeps the
    /// old answers for the formats each profile describes.
    @Test func everyProfileResolvesItsFormats() throws {
        for p in ConversionProfile.allCases {
            #expect(!p.formats.isEmpty)
            for f in p.formats {
                let c = try p.conversion(for: f)
                #expect(c.acceptedRoundings.first == c.rounding)
                #expect(p.overflow(for: f) == c.overflow)
            }
        }
        #expect(ConversionProfile.ocp.encode(.infinity, into: .e2m1fn).code == 0x7)
        #expect(ConversionProfile.mlDtypes.encode(.nan, into: .e2m1fn).code == 0x8)
        #expect(ConversionProfile.cudaSatfinite.encode(-.infinity, into: .e4m3fn).code == 0xFE)
    }
}

/// docs/semantics.md §4.6 and §4.7 (values with no code) hold in every library path: scalar,
/// batch, typed values and profiles give the same code and flags.
struct ValuesWithoutCodeTests {
    /// ±∞ into E2M1FN (no ∞, no NaN): sat-finite → ±6 [inexact]; sat-propagate and none → ±6
    /// [invalid, inexact]. −1 into an unsigned format under sat-finite → +0 [invalid] (UE4M3), and
    /// the least value 2^-127 (code 0) for E8M0FNU, which has no zero.
    @Test func everyPathAgrees() throws {
        let cases: [(FloatFormat, Double, OverflowRule, UInt64, ConversionStatus)] = [
            (.e2m1fn, .infinity, .saturateFinite, 0x7, .inexact),
            (.e2m1fn, -.infinity, .saturateFinite, 0xF, .inexact),
            (.e2m1fn, .infinity, .saturatePropagate, 0x7, [.invalid, .inexact]),
            (.e2m1fn, .infinity, .none, 0x7, [.invalid, .inexact]),
            (.e2m1fn, -.infinity, .none, 0xF, [.invalid, .inexact]),
            (.ue4m3, -1, .saturateFinite, 0x00, .invalid),
            (.ue4m3, -1, .saturatePropagate, 0x00, .invalid),
            (.ue4m3, -1, .none, 0x7F, .invalid),
            (.e8m0fnu, -1, .saturateFinite, 0x00, .invalid),
        ]
        for (f, x, o, code, status) in cases {
            let scalar = f.encode(x, rounding: .toNearestOrEven, overflow: o)
            #expect(scalar.code == code && scalar.status == status, "\(f) \(x) \(o): \(scalar)")
            let (codes, batchStatus) = try f.encode([x, x], as: UInt8.self, rounding: .toNearestOrEven, overflow: o)
            #expect(codes == [UInt8(code), UInt8(code)] && batchStatus == status, "batch \(f) \(x) \(o)")
        }
        #expect(ConversionProfile.ocp.encode(.infinity, into: .e2m1fn) == FloatFormat.Encoded(code: 0x7, status: [.invalid, .inexact]))
        #expect(ConversionProfile.ocpSaturating.encode(.infinity, into: .e2m1fn) == FloatFormat.Encoded(code: 0x7, status: .inexact))
    }
}
