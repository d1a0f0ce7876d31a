import Foundation
import Testing
@testable import ExMyCLI
import ExMy

/// Every `--json` output decoded with `JSONDecoder` into the schema of docs/json.md, its values
/// checked against the specs (OCP FP8, IEEE 754, P3109, ml_dtypes), not against ExMy's own output.
/// The decoding structs spell the keys as docs/json.md does (snake_case), so a renamed key fails.
extension CLITests {
    // MARK: Schemas, as docs/json.md writes them

    struct InfoJSON: Decodable {
        let schema_version: Int
        let command: String
        let name: String?
        let canonical_spelling: String
        let generic_spelling: String
        let bit_width: Int
        let exponent_bits: Int
        let significand_bits: Int
        let bias: Int
        let has_subnormals: Bool
        let has_zero: Bool
        let has_negative_zero: Bool
        let signedness: String
        let specials: String
        let greatest_finite: Double
        let greatest_finite_exact: String
        let least_normal: Double
        let least_normal_exact: String
        let least_subnormal: Double?
        let least_subnormal_exact: String?
        let least_positive: Double
        let least_positive_exact: String
        let epsilon: Double
        let epsilon_exact: String
        let dynamic_range_binades: Double?
        let dynamic_range_binades_nonfinite: String?
        let finite_code_count: UInt64
        let nan_code_count: UInt64
        let nan_codes: [UInt64]
        let nan_codes_hex: [String]
        let infinity_codes: [UInt64]
        let infinity_codes_hex: [String]
        let default_rounding: String
        let default_overflow: String
    }

    struct ValuesJSON: Decodable {
        struct Code: Decodable {
            let code: UInt64
            let code_hex: String
            let fields: String
            let value: Double?
            let value_nonfinite: String?
            let value_exact: String?
            let negative: Bool
            let `class`: String
        }
        let schema_version: Int
        let command: String
        let format: String
        let bit_width: Int
        let codes: [Code]
    }

    struct CapybaraJSON: Decodable {
        struct Split: Decodable {
            let name: String
            let width_bits: Int
            let exponent_bits: Int
            let significand_bits: Int
            let continuous_exponent_bits: Double
            let continuous_significand_bits: Double
        }
        struct BestInteger: Decodable {
            let name: String
            let width_bits: Int
            let exponent_bits: Int
            let significand_bits: Int
            let params: Double
            let tokens: Double
            let loss: Double
        }
        struct Optimum: Decodable {
            let width_bits: Double
            let continuous_exponent_bits: Double
            let continuous_significand_bits: Double
            let params: Double
            let tokens: Double
            let loss: Double
            let best_integer: BestInteger
        }
        struct Constants: Decodable { let n, alpha, d, beta, epsilon, gamma, delta, nu: Double }
        let schema_version: Int
        let command: String
        let format: String
        let exponent_bits: Int
        let significand_bits: Int
        let width_bits: Int
        let params: Double
        let tokens: Double
        let block_kind: String
        let block_elements: Int?
        let log2_block: Double
        let constants: Constants
        let loss: Double
        let base_loss: Double
        let precision_term: Double
        let information_loss_term: Double
        let knowledge_intensity: Double
        let critical_tokens: Double
        let optimal_split: Split
        let optimal_width_bits_at_fixed_tokens: Double
        let compute_flops: Double?
        let optimal_precision_at_fixed_params: Optimum?
        let optimal_precision_at_fixed_compute: Optimum?
    }

    struct AnalyzeJSON: Decodable {
        struct Histogram: Decodable { let low_ulp: Double; let bin_width_ulp: Double; let counts: [Int]; let below: Int; let above: Int }
        struct Row: Decodable {
            let data, format, scheme, granularity, scale, rounding, overflow: String
            let block_elements: Int?
            let elements, nonfinite_inputs, groups, zero_groups, nonfinite_groups: Int
            let mse, relative_mse, mean_abs_error, max_abs_error, mean_relative_error, max_relative_error, bias: Double?
            let sqnr_db: Double?
            let sqnr_db_nonfinite: String?
            let flushed_fraction, saturated_fraction, nan_fraction, infinite_fraction: Double
            let capybara_information_loss_term: Double?
            let ulp_histogram: Histogram?
        }
        let schema_version: Int
        let command: String
        let data: String
        let rows: [Row]
    }

    struct DotJSON: Decodable {
        struct Row: Decodable {
            let configuration, input_a, input_b, product, accumulator, order: String
            let length, trials, nonfinite_trials, zero_reference_trials, inexact_terms: Int
            let mean_relative_error, max_relative_error, mean_normalized_error, max_normalized_error: Double?
        }
        let schema_version: Int
        let command: String
        let data: String
        let skipped_lengths: [Int]
        let rows: [Row]
    }

    struct ConversionBenchJSON: Decodable {
        let schema_version: Int
        let command: String
        let benchmark: String
        let case_name, format, operation, value_type, rule, loops: String
        let elements, threads: Int
        let seconds, elements_per_second, bytes_per_element, limit_seconds, limit_elements_per_second, fraction_of_limit: Double?
        let vector_kernel: Bool
    }

    func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    // MARK: info

    /// Catalog formats against the values their specifications state.
    @Test func infoJSONMatchesTheSpecs() throws {
        // (format, greatest finite exact, least positive exact, NaN codes, infinity codes)
        let expected: [(String, String, String, [UInt64], [UInt64])] = [
            ("e4m3fn", "448", "0.001953125", [0x7F, 0xFF], []),                       // OCP FP8: 448, 2^-9
            ("e5m2", "57344", "0.0000152587890625", [0x7E, 0xFE], [0x7C, 0xFC]),      // OCP FP8: 57344, 2^-16
            ("e4m3fnuz", "240", "0.0009765625", [0x80], []),                          // 2^-10
            ("e5m2fnuz", "57344", "0.00000762939453125", [0x80], []),                 // 2^-17
            ("e2m1fn", "6", "0.5", [], []),                                           // OCP MX FP4
            ("e3m2fn", "28", "0.0625", [], []),                                       // OCP MX FP6
            ("e2m3fn", "7.5", "0.125", [], []),
            ("fp16", "65504", "0.000000059604644775390625", [0x7E00, 0xFE00], [0x7C00, 0xFC00]),
            ("bf16", "338953138925153547590470800371487866880", nil, [0x7FC0, 0xFFC0], [0x7F80, 0xFF80]),
            ("fp32", "340282346638528859811704183484516925440", nil, [0x7FC0_0000, 0xFFC0_0000], [0x7F80_0000, 0xFF80_0000]),
            ("e8m0fnu", "170141183460469231731687303715884105728",                    // 2^127; least 2^-127
             "0.0000000000000000000000000000000000000058774717541114375398436826861112283890933277838604376075437585313920862972736358642578125", [0xFF], []),
        ].map { ($0.0, $0.1, $0.2 ?? "", $0.3, $0.4) }
        for (name, greatest, least, nans, infinities) in expected {
            let info = try decode(InfoJSON.self, try run("info", name, "--json"))
            #expect(info.schema_version == 1 && info.command == "info")
            #expect(info.greatest_finite_exact == greatest, "\(name)")
            #expect(info.greatest_finite == Double(greatest), "\(name)")
            if !least.isEmpty { #expect(info.least_positive_exact == least, "\(name)") }
            #expect(info.nan_codes == nans, "\(name)")
            #expect(info.infinity_codes == infinities, "\(name)")
            #expect(info.nan_codes_hex == nans.map { "0x" + String($0, radix: 16, uppercase: true).leftPadded(to: (info.bit_width + 3) / 4) }, "\(name)")
        }
        let e4m3 = try decode(InfoJSON.self, try run("info", "e4m3fn", "--json"))
        #expect(e4m3.name == "e4m3fn" && e4m3.bit_width == 8 && e4m3.exponent_bits == 4 && e4m3.significand_bits == 3 && e4m3.bias == 7)
        #expect(e4m3.least_normal == 0x1p-6 && e4m3.epsilon == 0.125 && e4m3.least_subnormal == 0x1p-9)
        #expect(e4m3.finite_code_count == 254 && e4m3.nan_code_count == 2 && e4m3.has_negative_zero)
        #expect(abs(e4m3.dynamic_range_binades! - log2(448 * 512)) < 1e-12)
        let e8m0 = try decode(InfoJSON.self, try run("info", "e8m0fnu", "--json"))
        #expect(e8m0.least_subnormal == nil && e8m0.least_subnormal_exact == nil && !e8m0.has_zero)
        // E11M52 is binary64: every property equals Double's, and the dynamic range is finite.
        let d = try decode(InfoJSON.self, try run("info", "e11m52", "--json"))
        #expect(d.greatest_finite == Double.greatestFiniteMagnitude && d.least_positive == Double.leastNonzeroMagnitude)
        #expect(d.least_normal == Double.leastNormalMagnitude && d.epsilon == Double.ulpOfOne)
        #expect(d.greatest_finite_exact == "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368")
        #expect(d.dynamic_range_binades == 1024 + 1074 && d.dynamic_range_binades_nonfinite == nil)
        #expect(d.nan_codes == [0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000])
        #expect(d.infinity_codes == [0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000])
        #expect(d.nan_code_count == 2 * ((1 << 52) - 1))
        #expect(d.finite_code_count == 2 * (0x7FF0_0000_0000_0000 as UInt64))
        // The exact strings are exact: 2^-1074 has 1074 digits after the point and ends in 5.
        let fraction = d.least_positive_exact.split(separator: ".")
        #expect(fraction.count == 2 && fraction[0] == "0" && fraction[1].count == 1074 && fraction[1].hasSuffix("5"))
        #expect(Double(d.least_positive_exact) == Double.leastNonzeroMagnitude)
    }

    /// `info` (text and JSON) for every catalog format, every P3109 format and a grid of generic
    /// formats: it never fails on a valid format, and its numbers are those of an independent
    /// decoder written from the layout (the standard formula `(2^M + t)·2^(e − bias − M)`).
    /// Every M from 0 to 52 with EXMY_LONG=1 (about 5 minutes in a debug build).
    @Test func infoWorksForEveryValidFormat() throws {
        var formats = FloatFormat.catalog.map(\.canonicalSpelling) + FloatFormat.p3109Family.map(\.canonicalSpelling)
        // Every M with EXMY_LONG=1; otherwise the small ones, the catalog's and the widest.
        let long = ProcessInfo.processInfo.environment["EXMY_LONG"] == "1"
        for e in 0...11 {
            for m in long ? Array(0...52) : [0, 1, 2, 3, 4, 7, 10, 23, 52] {
                for subnormals in ["on", "off"] {
                    for specials in ["ieee", "fn", "fnuz", "none", "p3109-finite", "p3109-extended"] {
                        formats.append("e\(e)m\(m):subnormals=\(subnormals),specials=\(specials)")
                        if m <= 2 || m == 52 { formats.append("e\(e)m\(m):unsigned,subnormals=\(subnormals),specials=\(specials)") }
                    }
                }
            }
        }
        let named = FloatFormat.catalog.count + FloatFormat.p3109Family.count
        var checked = 0
        for (index, spelling) in formats.enumerated() {
            guard let f = try? FloatFormat(parsing: spelling) else { continue }
            checked += 1
            // Named formats and every 16th generic one through the command line; the rest through
            // the two functions `info` prints with (argument parsing costs more than the rest).
            let throughCLI = index < named || index % 16 == 0
            let text = throughCLI ? try run("info", spelling) : FormatInfo(f).rows.map { $0.0 + " " + $0.1 }.joined(separator: "\n")
            #expect(text.contains("greatest finite "), "\(spelling)")
            let info = try decode(InfoJSON.self, throughCLI ? try run("info", spelling, "--json") : try JSONOutput.string(FormatInfoJSON(f)))
            #expect(info.exponent_bits == f.exponentBitCount && info.significand_bits == f.significandBitCount)
            #expect(Double(info.greatest_finite_exact) == info.greatest_finite, "\(spelling)")
            #expect(Double(info.least_positive_exact) == info.least_positive, "\(spelling)")
            #expect(info.dynamic_range_binades != nil, "\(spelling)")
            // The independent decoder: the greatest magnitude code that is not NaN or ∞.
            let e = info.exponent_bits, m = info.significand_bits, bias = info.bias
            let unsigned = info.signedness == "unsigned"
            let allOnes = (UInt64(1) << UInt64(e + m)) - 1
            let reserved: UInt64
            switch info.specials {
            case "ieee": reserved = (UInt64(1) << UInt64(m))   // the whole top exponent field
            case "fn": reserved = 1                            // the all-ones magnitude is NaN
            case "p3109-finite": reserved = unsigned ? 1 : 0   // NaN at all ones (unsigned) or at −0
            case "p3109-extended": reserved = unsigned ? 2 : 1 // and ∞ just below
            default: reserved = 0                              // fnuz (NaN at −0), none
            }
            let top = allOnes - reserved
            let field = Int(top >> UInt64(m)), t = top & ((UInt64(1) << UInt64(m)) - 1)
            let greatest = field == 0
                ? Double(t) * Double(sign: .plus, exponent: 1 - bias - m, significand: 1)
                : Double((UInt64(1) << UInt64(m)) + t) * Double(sign: .plus, exponent: field - bias - m, significand: 1)
            #expect(info.greatest_finite == greatest, "\(spelling)")
            if info.has_subnormals && info.has_zero {
                #expect(info.least_subnormal == Double(sign: .plus, exponent: 1 - bias - m, significand: 1), "\(spelling)")
            }
            if e >= 1 && info.has_zero { #expect(info.least_normal == Double(sign: .plus, exponent: 1 - bias, significand: 1), "\(spelling)") }
        }
        #expect(checked > (long ? 2000 : 500))
    }

    /// The P3109 family: the layout P3109 v4.0 defines (signed: E = K − P, bias 2^(K−P−1), NaN at
    /// 0x80…, ±∞ at the two all-ones magnitudes when extended; unsigned: E = K − P + 1, bias
    /// 2^(K−P), NaN at all ones, +∞ below it when extended).
    @Test func infoJSONP3109Layouts() throws {
        for f in FloatFormat.p3109Family {
            let info = try decode(InfoJSON.self, try run("info", f.canonicalSpelling, "--json"))
            let name = f.canonicalSpelling
            guard let match = name.wholeMatch(of: /binary(\d+)p(\d+)([su])([ef])/),
                  let k = Int(match.1), let p = Int(match.2) else { Issue.record("\(name)"); continue }
            let signed = match.3 == "s", extended = match.4 == "e"
            #expect(info.bit_width == k && info.significand_bits == p - 1, "\(name)")
            #expect(info.exponent_bits == (signed ? k - p : k - p + 1), "\(name)")
            if p < k || !signed { #expect(info.bias == (signed ? 1 << (k - p - 1) : 1 << (k - p)), "\(name)") }
            let top = UInt64(1) << UInt64(k)
            #expect(info.nan_codes == (signed ? [top / 2] : [top - 1]), "\(name)")
            #expect(info.infinity_codes == (!extended ? [] : signed ? [top / 2 - 1, top - 1] : [top - 2]), "\(name)")
            #expect(!info.has_negative_zero && info.nan_code_count == 1, "\(name)")
        }
    }

    // MARK: values

    @Test func valuesJSONListsEveryCode() throws {
        let e2m1 = try decode(ValuesJSON.self, try run("values", "e2m1fn", "--json"))
        #expect(e2m1.schema_version == 1 && e2m1.command == "values" && e2m1.format == "e2m1fn" && e2m1.bit_width == 4)
        // OCP MX FP4: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives.
        let magnitudes: [Double] = [0, 0.5, 1, 1.5, 2, 3, 4, 6]
        #expect(e2m1.codes.map(\.value) == (magnitudes + magnitudes.map { -$0 }).map(Optional.some))
        #expect(e2m1.codes.map(\.code) == Array(0..<16))
        #expect(e2m1.codes[8].value?.sign == .minus && e2m1.codes[8].value_exact == "-0" && e2m1.codes[8].negative)
        #expect(e2m1.codes[7].fields == "0.11.1" && e2m1.codes[7].class == "normal" && e2m1.codes[1].class == "subnormal")
        let e5m2 = try decode(ValuesJSON.self, try run("values", "e5m2", "--json"))
        #expect(e5m2.codes.count == 256)
        #expect(e5m2.codes[0x7B].value == 57344 && e5m2.codes[0x7B].value_exact == "57344")
        #expect(e5m2.codes[0x7C].value == nil && e5m2.codes[0x7C].value_nonfinite == "inf" && e5m2.codes[0x7C].class == "infinity")
        #expect(e5m2.codes[0xFC].value == nil && e5m2.codes[0xFC].value_nonfinite == "-inf")
        #expect(e5m2.codes[0xFF].value == nil && e5m2.codes[0xFF].value_nonfinite == "nan" && e5m2.codes[0xFF].negative)
        #expect(e5m2.codes[0x01].value_exact == "0.0000152587890625" && e5m2.codes[0x01].code_hex == "0x01")
        // Exact decimals of large and small values, trailing zeros of integers kept (bf16 0x5BC8 is
        // 1.125899906842624e17 in ml_dtypes; 0x7F7F its greatest finite).
        #expect(JSONOutput.exactDecimal(FloatFormat.bf16.decode(0x5BC8)) == "112589990684262400")
        #expect(JSONOutput.exactDecimal(FloatFormat.bf16.decode(0x7F7F)) == "338953138925153547590470800371487866880")
        #expect(JSONOutput.exactDecimal(-0x1p-10) == "-0.0009765625" && JSONOutput.exactDecimal(0x1p60) == "1152921504606846976")
        #expect(JSONOutput.exactDecimal(-0.0) == "-0" && JSONOutput.exactDecimal(1e23) == "99999999999999991611392")
        #expect(JSONOutput.exactDecimal(0.1) == "0.1000000000000000055511151231257827021181583404541015625")
        let fp16 = try decode(ValuesJSON.self, try run("values", "fp16", "--json"))
        #expect(fp16.codes.count == 65536 && fp16.codes[0x7BFF].value_exact == "65504" && fp16.codes[0x0001].value == 0x1p-24)
        #expect(fp16.codes.allSatisfy { c in c.value.map { Double(c.value_exact!) == $0 } ?? (c.value_exact == nil && c.value_nonfinite != nil) })
    }

    // MARK: capybara

    @Test func capybaraJSONIsTyped() throws {
        let out = try run("capybara", "--params", "1B", "--tokens", "100B", "--format", "e4m3fn", "--block", "128", "--compute", "1e21", "--json")
        let c = try decode(CapybaraJSON.self, out)
        #expect(c.schema_version == 1 && c.command == "capybara")
        #expect(c.params == 1e9 && c.tokens == 1e11 && c.compute_flops == 1e21)
        #expect(c.format == "e4m3fn" && c.exponent_bits == 4 && c.significand_bits == 3 && c.width_bits == 8)
        #expect(c.block_kind == "elements" && c.block_elements == 128 && c.log2_block == 7)
        // The paper's constants (Sun et al., ICML 2025, Table 2).
        #expect(c.constants.n == 69.2343 && c.constants.alpha == 0.2368 && c.constants.d == 68973.0621 && c.constants.beta == 0.5162)
        #expect(c.constants.epsilon == 1.9061 && c.constants.gamma == 11334.5197 && c.constants.delta == 3.1926 && c.constants.nu == 2.9543)
        // The law's terms, recomputed here from its formula.
        let k = pow(1e11, 0.5162) / pow(1e9, 0.2368)
        let info = 7 / (11334.5197 * pow(4.5, 3.1926) * pow(3.5, 2.9543))
        let base = 69.2343 / pow(1e9, 0.2368) + 68973.0621 / pow(1e11, 0.5162) + 1.9061
        #expect(abs(c.knowledge_intensity - k) <= 1e-12 * k)
        #expect(abs(c.information_loss_term - info) <= 1e-12 * info)
        #expect(abs(c.precision_term - k * info) <= 1e-12 * k * info)
        #expect(abs(c.base_loss - base) <= 1e-12 * base && abs(c.loss - (base + k * info)) <= 1e-12 * c.loss)
        // docs/capybara.md: at B = 128, C = 10^21 the compute-optimal width is 4.19 bits, best integer E2M1.
        let joint = try #require(c.optimal_precision_at_fixed_compute)
        #expect(abs(joint.width_bits - 4.19) < 0.005 && joint.best_integer.name == "E2M1" && joint.best_integer.width_bits == 4)
        #expect(c.optimal_split.name == "E4M3" && c.optimal_split.width_bits == 8)  // the paper's list at P = 8
        // No keys with spaces, no values with units in them.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(object.keys.allSatisfy { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } })
        // Without --compute, the compute fields are null; per-channel blocks have no element count.
        let plain = try decode(CapybaraJSON.self, try run("capybara", "--params", "1e9", "--tokens", "1e10", "--block", "channel", "--json"))
        #expect(plain.compute_flops == nil && plain.optimal_precision_at_fixed_params == nil && plain.optimal_precision_at_fixed_compute == nil)
        #expect(plain.block_kind == "channel" && plain.block_elements == nil && plain.log2_block == 13.1567)
    }

    // MARK: analyze, dot, bench

    @Test func analyzeJSONIsOneTypedDocument() throws {
        let out = try run("analyze", "--format", "e4m3fn,e2m1fn", "--count", "4096", "--json", "--histogram")
        let a = try decode(AnalyzeJSON.self, out)
        #expect(a.schema_version == 1 && a.command == "analyze" && a.rows.count == 2)
        for r in a.rows {
            #expect(r.granularity == "block" && r.block_elements == 128 && r.elements == 4096 && r.groups == 32)
            #expect(r.scheme == "absmax" && r.scale == "fp32" && r.rounding == "nearest-even" && r.overflow == "sat-finite")
            let h = try #require(r.ulp_histogram)
            #expect(h.counts.count == 32 && h.counts.reduce(0, +) + h.below + h.above == 4096)
            // Round to nearest: every error is within half an ulp of the element grid.
            #expect(h.below == 0 && h.above == 0 && h.counts[0..<12].allSatisfy { $0 == 0 } && h.counts[20...].allSatisfy { $0 == 0 })
            let mse = try #require(r.mse), rel = try #require(r.relative_mse), sqnr = try #require(r.sqnr_db)
            #expect(abs(sqnr - -10 * log10(rel)) < 1e-9 && mse > 0)
        }
        // Identical data and format: an exact quantization has zero error and an infinite SQNR.
        let exact = try decode(AnalyzeJSON.self, try run("analyze", "--format", "fp32", "--scheme", "per-tensor", "--scale-format", "e8m0", "--count", "64", "--json"))
        #expect(exact.rows[0].sqnr_db == nil && exact.rows[0].sqnr_db_nonfinite == "inf" && exact.rows[0].mse == 0)
        #expect(exact.rows[0].granularity == "tensor" && exact.rows[0].block_elements == nil)
        // --output-format json is the same document.
        #expect(try run("analyze", "--format", "e4m3fn", "--count", "256", "--output-format", "json") == (try run("analyze", "--format", "e4m3fn", "--count", "256", "--json")))
    }

    @Test func dotJSONIsOneTypedDocument() throws {
        let out = try run("dot", "--lengths", "16,64", "--trials", "4", "--accumulator", "exact,fp16", "--json")
        let d = try decode(DotJSON.self, out)
        #expect(d.schema_version == 1 && d.command == "dot" && d.skipped_lengths.isEmpty)
        #expect(d.rows.count == 4 && Set(d.rows.map(\.length)) == [16, 64] && d.rows.allSatisfy { $0.trials == 4 })
        for r in d.rows where r.accumulator == "exact" {
            // The exact accumulator is the reference: no error at all.
            #expect(r.mean_relative_error == 0 && r.max_relative_error == 0 && r.max_normalized_error == 0)
        }
        for r in d.rows where r.accumulator == "fp16" {
            // Sequential FP16 summation: the error bound γ_(K) ≈ K·2^-11 of Σ|a_i b_i|.
            let bound = Double(r.length) * 0x1p-11
            #expect((r.max_normalized_error ?? .infinity) <= bound && (r.mean_normalized_error ?? .infinity) <= (r.max_normalized_error ?? 0))
        }
    }

    @Test func benchJSONLinesAreTyped() throws {
        let out = try run("bench", "--json", "--sizes", "1024", "--threads", "1", "--repetitions", "1", "--minimum-seconds", "0.0001", "--only", "packed")
        let lines = out.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let b = try decode(ConversionBenchJSON.self, String(line))
            #expect(b.schema_version == 1 && b.command == "bench" && b.benchmark == "conversion")
            #expect(b.elements == 1024 && b.threads == 1 && b.format == "e2m1fn" && b.case_name.contains("packed"))
            #expect(b.bytes_per_element == 4.5)  // 4 bytes of float in, half a byte of FP4 out
            if let s = b.seconds, let rate = b.elements_per_second { #expect(abs(rate * s - 1024) < 1e-6 * 1024) }
        }
    }

    /// Every key of every command's JSON is snake_case, whatever the command.
    @Test func everyJSONKeyIsSnakeCase() throws {
        let outputs = [
            try run("info", "e4m3fn", "--json"), try run("values", "e3m2fn", "--json"),
            try run("capybara", "--params", "1B", "--tokens", "1T", "--compute", "1e22", "--json"),
            try run("analyze", "--format", "e2m1fn", "--count", "256", "--histogram", "--json"),
            try run("dot", "--lengths", "16", "--trials", "2", "--json"),
        ]
        func keys(_ any: Any) -> [String] {
            if let d = any as? [String: Any] { return d.keys.map { $0 } + d.values.flatMap(keys) }
            if let a = any as? [Any] { return a.flatMap(keys) }
            return []
        }
        for out in outputs {
            let all = keys(try JSONSerialization.jsonObject(with: Data(out.utf8)))
            #expect(!all.isEmpty)
            for key in all { #expect(key.wholeMatch(of: /[a-z][a-z0-9]*(_[a-z0-9]+)*/) != nil, "\(key)") }
        }
    }
}

extension String {
    func leftPadded(to count: Int) -> String { String(repeating: "0", count: max(0, count - self.count)) + self }
}
