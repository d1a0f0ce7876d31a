import ExMy
import Foundation

/// Tables for implementing a format in hardware or C: the decode table (code → value) and the
/// decision thresholds of the round-to-nearest-even encoder, exported as a C header, a
/// SystemVerilog module pair, and CSV.
///
/// The encoder the tables describe is `FloatFormat.encode(x, rounding: .toNearestOrEven,
/// overflow: .none)` (`docs/semantics.md` §4–5). For a finite nonzero input the magnitude `|x|` is
/// compared with the thresholds of its sign's ``Side``: each threshold is the midpoint between two
/// adjacent points of the format's grid, and an exact tie goes to the neighbour whose integer
/// significand is even (``Tie``; with M = 0 and ties to the even code, P3109, the neighbour whose
/// code is even). The last threshold of a side is the overflow threshold: the
/// midpoint between the greatest finite magnitude and the next point of the unbounded grid; above
/// it (or on it, when the tie goes up) the result is the overflow code (±∞ where the format has it,
/// else NaN where it has NaN, else ±greatest finite). NaN, ±∞ and ±0 inputs have fixed codes
/// (``SpecialCodes``).
///
/// ```swift
/// let export = try HardwareExport(.e4m3fn)
/// try export.cHeader().write(toFile: "exmy_e4m3fn.h", atomically: true, encoding: .utf8)
/// export.encode(464)   // 0x7E (448: the tie goes to the even neighbour)
/// ```
///
/// Only formats of at most 16 bits are exported (the tables list every code).
public struct HardwareExport: Sendable {
    /// One row of the decode table.
    public struct DecodeEntry: Sendable {
        /// The code.
        public var code: UInt64
        /// What the code means.
        public var codeClass: FloatFormat.CodeClass
        /// The exact value (NaN for NaN codes, with the sign the code carries).
        public var value: Double

        /// Creates a decode-table row.
        public init(code: UInt64, codeClass: FloatFormat.CodeClass, value: Double) {
            self.code = code
            self.codeClass = codeClass
            self.value = value
        }
    }

    /// Which neighbour an input exactly on a threshold rounds to.
    public enum Tie: String, CaseIterable, Hashable, Sendable, Codable {
        /// To the smaller magnitude (`lower` is even).
        case lower
        /// To the larger magnitude (`lower` is odd).
        case upper
    }

    /// What a threshold separates.
    public enum ThresholdKind: String, CaseIterable, Hashable, Sendable, Codable {
        /// Two adjacent values of the format.
        case midpoint
        /// The greatest finite magnitude and the next point of the unbounded grid: beyond it the
        /// result is the overflow code.
        case overflow
    }

    /// One decision threshold of the round-to-nearest-even encoder, on magnitudes.
    public struct Threshold: Hashable, Sendable {
        /// What the threshold separates.
        public var kind: ThresholdKind
        /// The grid point below (a magnitude).
        public var lower: Double
        /// The grid point above (a magnitude; for ``ThresholdKind/overflow`` the first grid point
        /// past the greatest finite magnitude, which the format cannot hold).
        public var upper: Double
        /// The threshold, `(lower + upper) / 2`, exact.
        public var value: Double
        /// Where an input equal to ``value`` goes.
        public var tie: Tie
        /// The code of magnitudes just below the threshold.
        public var codeBelow: UInt64
        /// The code of magnitudes just above the threshold.
        public var codeAbove: UInt64

        /// Creates a threshold.
        public init(kind: ThresholdKind, lower: Double, upper: Double, value: Double, tie: Tie, codeBelow: UInt64, codeAbove: UInt64) {
            self.kind = kind
            self.lower = lower
            self.upper = upper
            self.value = value
            self.tie = tie
            self.codeBelow = codeBelow
            self.codeAbove = codeAbove
        }

        /// Whether magnitude `a` lies on the lower side of this threshold (ties included per ``tie``).
        @inlinable public func isBelow(_ a: Double) -> Bool {
            a < value || (a == value && tie == .lower)
        }
    }

    /// The thresholds for one sign of the input, ascending; the last is the overflow threshold.
    public struct Side: Hashable, Sendable {
        /// The thresholds, ascending by ``Threshold/value``.
        public var thresholds: [Threshold]

        /// Creates a side from ascending thresholds (at least one).
        public init(thresholds: [Threshold]) {
            self.thresholds = thresholds
        }

        /// The code of a finite positive magnitude `a` (binary search over the thresholds).
        public func code(forMagnitude a: Double) -> UInt64 {
            var lo = 0, hi = thresholds.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if thresholds[mid].isBelow(a) { hi = mid } else { lo = mid + 1 }
            }
            return lo < thresholds.count ? thresholds[lo].codeBelow : thresholds[thresholds.count - 1].codeAbove
        }
    }

    /// The codes of the special inputs (round to nearest even, overflow rule none).
    public struct SpecialCodes: Hashable, Sendable {
        /// +NaN (the canonical NaN; code 0 with the invalid flag where the format has no NaN).
        public var nan: UInt64
        /// −NaN (differs from ``nan`` where NaNs carry a sign).
        public var negativeNaN: UInt64
        /// +∞.
        public var infinity: UInt64
        /// −∞.
        public var negativeInfinity: UInt64
        /// +0.
        public var zero: UInt64
        /// −0.
        public var negativeZero: UInt64

        /// Creates the special codes.
        public init(nan: UInt64, negativeNaN: UInt64, infinity: UInt64, negativeInfinity: UInt64, zero: UInt64, negativeZero: UInt64) {
            self.nan = nan
            self.negativeNaN = negativeNaN
            self.infinity = infinity
            self.negativeInfinity = negativeInfinity
            self.zero = zero
            self.negativeZero = negativeZero
        }
    }

    /// The exported format.
    public let format: FloatFormat
    /// The stem of every exported name: `exmy_<identifier>_decode`, module `exmy_<identifier>_encode`.
    public let identifier: String
    /// Every code, `0 ..< 2^bitWidth`, in order.
    public let decodeTable: [DecodeEntry]
    /// Thresholds for positive inputs.
    public let positive: Side
    /// Thresholds for negative inputs, on `|x|` (the same thresholds as ``positive`` except for
    /// two's-complement formats, whose negative side reaches one quantum further; unsigned formats
    /// map every nonzero negative result to their invalid-result code).
    public let negative: Side
    /// The codes of NaN, ±∞ and ±0 inputs.
    public let specials: SpecialCodes
    /// Whether every finite value is exactly a `Float` (IEEE binary32). The C decode table is then
    /// `float`, else `double`.
    public let valuesFitBinary32: Bool
    /// Whether every threshold is exactly a `Float`. The SystemVerilog modules use binary32 bit
    /// patterns when this and ``valuesFitBinary32`` hold, binary64 otherwise.
    public let thresholdsFitBinary32: Bool

    /// Builds the tables for `format`.
    ///
    /// - Parameters:
    ///   - format: a format of at most 16 bits.
    ///   - name: the name used in exported identifiers (default: the format's canonical spelling);
    ///     it is reduced to `[a-z0-9_]`.
    /// - Throws: ``FormatError`` for a format wider than 16 bits, or one whose least quantum is so
    ///   small that a midpoint is not a `Double`.
    public init(_ format: FloatFormat, name: String? = nil) throws {
        guard format.bitWidth <= 16 else {
            throw FormatError("hardware export lists every code, so it takes formats of at most 16 bits; \(format.canonicalSpelling) has \(format.bitWidth)")
        }
        self.format = format
        self.identifier = Self.cIdentifier(name ?? format.canonicalSpelling)
        let codeCount = UInt64(1) << UInt64(format.bitWidth)
        decodeTable = (0..<codeCount).map { DecodeEntry(code: $0, codeClass: format.classify($0), value: format.decode($0)) }

        // The non-negative finite grid values the format holds, with their positive codes.
        var grid: [(value: Double, code: UInt64)] = []
        for m in 0...format.maxMagnitudeCode {
            switch format.classify(m) {
            case .zero, .subnormal, .normal: grid.append((format.decode(m), m))
            case .nan, .infinity, .nonCanonical: break
            }
        }
        for i in grid.indices.dropFirst() where !(grid[i - 1].value < grid[i].value) {
            throw FormatError("internal error: the values of \(format.canonicalSpelling) are not ascending with their codes")
        }

        let k = UInt64(format.bitWidth)
        let signBit: UInt64 = format.signedness == .signMagnitude ? 1 << (k - 1) : 0
        let invalidCode = format.nanCode() ?? 0  // a nonzero negative result in an unsigned format
        let positiveOverflow = format.infinityCode(negative: false) ?? format.nanCode(negative: false) ?? format.maxMagnitudeCode

        var negativeGrid: [(value: Double, code: UInt64)]
        let negativeOverflow: UInt64
        switch format.signedness {
        case .signMagnitude:
            negativeGrid = grid.map { g in (g.value, g.value == 0 ? (format.hasNegativeZero ? signBit : 0) : signBit | g.code) }
            negativeOverflow = format.infinityCode(negative: true) ?? format.nanCode(negative: true) ?? (signBit | format.maxMagnitudeCode)
        case .unsigned:
            negativeGrid = grid.map { g in (g.value, g.value == 0 ? 0 : invalidCode) }
            negativeOverflow = invalidCode
        case .twosComplement:
            let twos: (UInt64) -> UInt64 = { (0 &- $0) & format.codeMask }
            let quantum = Double(sign: .plus, exponent: format.leastNormalExponent - format.significandBitCount, significand: 1)
            negativeGrid = grid.map { g in (g.value, twos(g.code)) }
            let extra = format.maxMagnitudeCode + 1
            negativeGrid.append((Double(extra) * quantum, twos(extra)))
            negativeOverflow = twos(extra)
        }

        positive = Side(thresholds: try Self.thresholds(format, grid, overflowCode: positiveOverflow))
        negative = Side(thresholds: try Self.thresholds(format, negativeGrid, overflowCode: negativeOverflow))
        specials = SpecialCodes(
            nan: format.nanCode(negative: false) ?? 0,
            negativeNaN: format.nanCode(negative: true) ?? 0,
            infinity: positiveOverflow,
            negativeInfinity: negativeOverflow,
            zero: format.hasZero ? 0 : invalidCode,
            negativeZero: format.hasZero ? (format.hasNegativeZero ? signBit : 0) : invalidCode)

        let finite = decodeTable.map(\.value).filter(\.isFinite)
        valuesFitBinary32 = finite.allSatisfy { Double(Float($0)) == $0 }
        thresholdsFitBinary32 = (positive.thresholds + negative.thresholds).allSatisfy { Double(Float($0.value)) == $0.value }
    }

    /// The spacing of the unbounded grid just above the grid point `v > 0`.
    static func gridStep(_ format: FloatFormat, above v: Double) -> Double {
        if format.exponentBitCount > 0 && v >= format.leastNormalMagnitude {
            return Double(sign: .plus, exponent: Int(v.exponent) - format.significandBitCount, significand: 1)
        }
        return Double(sign: .plus, exponent: format.leastNormalExponent - format.significandBitCount, significand: 1)
    }

    /// Whether grid point `v` (code `code`) is even: its integer significand on its own grid is even
    /// (zero is even; with M = 0 every nonzero normal value is odd), or, with M = 0 and the format's
    /// ``FloatFormat/tieBreak`` `evenCode` (P3109 v4.0 §4.7.4), its code is even.
    /// `docs/semantics.md` §4 step 4.
    static func isEven(_ format: FloatFormat, _ v: Double, code: UInt64) -> Bool {
        if v == 0 { return true }
        if format.significandBitCount == 0 && format.tieBreak == .evenCode { return code & 1 == 0 }
        let significand = v / gridStep(format, above: v)
        return significand.truncatingRemainder(dividingBy: 2) == 0
    }

    static func thresholds(_ format: FloatFormat, _ grid: [(value: Double, code: UInt64)], overflowCode: UInt64) throws -> [Threshold] {
        func midpoint(_ lo: Double, _ hi: Double) throws -> Double {
            let mid = lo + (hi - lo) / 2
            guard lo < mid, mid < hi, mid - lo == hi - mid else {
                throw FormatError("the midpoint between \(lo) and \(hi) in \(format.canonicalSpelling) is not a Double; the format's least quantum is too small to export")
            }
            return mid
        }
        var result: [Threshold] = []
        for i in grid.indices.dropLast() {
            let lo = grid[i], hi = grid[i + 1]
            result.append(Threshold(
                kind: .midpoint, lower: lo.value, upper: hi.value, value: try midpoint(lo.value, hi.value),
                tie: isEven(format, lo.value, code: lo.code) ? .lower : .upper, codeBelow: lo.code, codeAbove: hi.code))
        }
        let top = grid[grid.count - 1]
        let next = top.value + gridStep(format, above: top.value)
        result.append(Threshold(
            kind: .overflow, lower: top.value, upper: next, value: try midpoint(top.value, next),
            tie: isEven(format, top.value, code: top.code) ? .lower : .upper, codeBelow: top.code, codeAbove: overflowCode))
        return result
    }

    /// Encodes `x` through the exported tables; equals `format.encode(x, rounding:
    /// .toNearestOrEven, overflow: .none).code`.
    public func encode(_ x: Double) -> UInt64 {
        if x.isNaN { return x.sign == .minus ? specials.negativeNaN : specials.nan }
        if x.isInfinite { return x < 0 ? specials.negativeInfinity : specials.infinity }
        if x == 0 { return x.sign == .minus ? specials.negativeZero : specials.zero }
        return x < 0 ? negative.code(forMagnitude: -x) : positive.code(forMagnitude: x)
    }

    // MARK: Spelling numbers

    /// A C99 hexadecimal floating literal for `v`, exact and normalised (`0x1.8p+3`, `-0x1p-9`,
    /// `0x0p+0`; subnormal doubles as `0x1p-1074`); `suffix` is appended to finite values (`"f"`
    /// for a `float` literal). NaN and ±∞ are spelled `NAN`, `-NAN`, `INFINITY`, `-INFINITY`
    /// (the `<math.h>` macros).
    public static func hexFloat(_ v: Double, suffix: String = "") -> String {
        let sign = v.sign == .minus ? "-" : ""
        if v.isNaN { return sign + "NAN" }
        if v.isInfinite { return sign + "INFINITY" }
        if v == 0 { return sign + "0x0p+0" + suffix }
        let a = abs(v)
        let exponent = Int(a.exponent)
        var fraction = a.significand.significandBitPattern  // 52 bits
        var digits = ""
        if fraction != 0 {
            var width = 13
            while fraction & 0xF == 0 {
                fraction >>= 4
                width -= 1
            }
            let hex = String(fraction, radix: 16)
            digits = "." + String(repeating: "0", count: width - hex.count) + hex
        }
        return sign + "0x1" + digits + "p" + (exponent < 0 ? "-" : "+") + String(abs(exponent)) + suffix
    }

    /// The exact decimal expansion of a finite `v` (`448`, `0.001953125`, `-0`); `nan`, `-nan`,
    /// `inf`, `-inf` otherwise.
    public static func exactDecimal(_ v: Double) -> String {
        if v.isNaN { return v.sign == .minus ? "-nan" : "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        if v == v.rounded() { return String(format: "%.0f", v) }
        let digits = min(1074, max(0, 52 - Int(v.exponent)))
        var text = String(format: "%.\(digits)f", v)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The code in hexadecimal with as many digits as the format needs (`0x7e` → `0x7E`).
    func hexCode(_ code: UInt64) -> String {
        let digits = (format.bitWidth + 3) / 4
        let hex = String(code, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, digits - hex.count)) + hex
    }

    /// `name` reduced to a C identifier: lower case, runs of other characters as one `_`.
    static func cIdentifier(_ name: String) -> String {
        var out = ""
        for ch in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) {
                out.unicodeScalars.append(ch)
            } else if !out.hasSuffix("_") {
                out += "_"
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        while out.hasPrefix("_") { out.removeFirst() }
        return out.isEmpty ? "format" : out
    }

    /// One line describing the format's knobs.
    var formatSummary: String {
        let f = format
        var parts = ["\(f.bitWidth) bits", "E = \(f.exponentBitCount)", "M = \(f.significandBitCount)", "bias \(f.bias)"]
        parts.append(f.hasSubnormals ? "subnormals" : "no subnormals")
        if !f.hasZero { parts.append("no zero") }
        parts.append(f.signedness.rawValue)
        parts.append("specials \(f.specials.rawValue)")
        return "\(f.canonicalSpelling) (\(f.genericSpelling)): " + parts.joined(separator: ", ")
    }

    // MARK: CSV

    /// The decode table as RFC 4180 CSV (CRLF line ends): `code,hex,class,value,value_hex`, one
    /// record per code. `value` is the exact decimal value (`nan`, `-nan`, `inf`, `-inf`, `-0`
    /// spelled out); `value_hex` the same value as a C hexadecimal literal.
    public func decodeCSV() -> String {
        var table = CSVTable(header: ["code", "hex", "class", "value", "value_hex"])
        table.rows.reserveCapacity(decodeTable.count)
        for e in decodeTable {
            table.rows.append([String(e.code), hexCode(e.code), e.codeClass.rawValue, Self.exactDecimal(e.value), Self.hexFloat(e.value)])
        }
        return table.rendered()
    }

    /// The thresholds as RFC 4180 CSV (CRLF line ends) with columns
    /// `side,kind,lower,upper,threshold,threshold_hex,tie,code_below,code_above`.
    ///
    /// The first six records give the special inputs: `side` is `positive` or `negative`, `kind`
    /// is `nan`, `infinity` or `zero`, and both code columns hold the result. Then come the
    /// thresholds of the positive side, then of the negative side (on `|x|`), ascending: `kind` is
    /// `midpoint` or `overflow`, `lower`/`upper` the grid magnitudes either side, `threshold` the
    /// midpoint (exact decimal and C hexadecimal), `tie` `lower` or `upper`, and the codes below
    /// and above. An input of magnitude `a` encodes as `code_below` of the first threshold row of
    /// its side with `a < threshold`, or `a == threshold` and `tie == lower`; past every row, as
    /// the last row's `code_above`.
    public func thresholdsCSV() -> String {
        let headers = ["side", "kind", "lower", "upper", "threshold", "threshold_hex", "tie", "code_below", "code_above"]
        var table = CSVTable(header: headers)
        let special: [(String, String, UInt64)] = [
            ("positive", "nan", specials.nan), ("negative", "nan", specials.negativeNaN),
            ("positive", "infinity", specials.infinity), ("negative", "infinity", specials.negativeInfinity),
            ("positive", "zero", specials.zero), ("negative", "zero", specials.negativeZero),
        ]
        for (side, kind, code) in special {
            table.rows.append([side, kind, "", "", "", "", "", hexCode(code), hexCode(code)])
        }
        for (name, side) in [("positive", positive), ("negative", negative)] {
            for t in side.thresholds {
                table.rows.append([
                    name, t.kind.rawValue, Self.exactDecimal(t.lower), Self.exactDecimal(t.upper), Self.exactDecimal(t.value),
                    Self.hexFloat(t.value), t.tie.rawValue, hexCode(t.codeBelow), hexCode(t.codeAbove),
                ])
            }
        }
        return table.rendered()
    }

    // MARK: C

    /// A self-contained C99 header: `exmy_<id>_decode[]` (exact hexadecimal literals; `float` when
    /// every value is a binary32, else `double`), the threshold arrays of each side
    /// (`exmy_<id>_pos_threshold[]` as `double`, `exmy_<id>_pos_tie_up[]`, `exmy_<id>_pos_code[]`,
    /// and `neg_…` likewise; the negative side shares the positive thresholds unless they differ),
    /// and `static inline exmy_<id>_encode(double)`, which rounds to nearest even with overflow
    /// rule none by binary search over the thresholds. Only `<math.h>` macros (`isnan`, `isinf`,
    /// `signbit`, `NAN`, `INFINITY`) and `<stdint.h>` are used; no libm functions.
    public func cHeader() -> String {
        let id = identifier
        let macro = "EXMY_" + id.uppercased()
        let codeType = format.bitWidth <= 8 ? "uint8_t" : "uint16_t"
        let valueType = valuesFitBinary32 ? "float" : "double"
        let suffix = valuesFitBinary32 ? "f" : ""
        let sharedThresholds = negative.thresholds.map(\.value) == positive.thresholds.map(\.value)
            && negative.thresholds.map(\.tie) == positive.thresholds.map(\.tie)
        var out = """
            /*
             * exmy_\(id).h: decode table and round-to-nearest-even encoder for \(format.canonicalSpelling).
             * Generated by ExMy (HardwareExport); do not edit. Semantics: ExMy docs/semantics.md.
             *
             * Format: \(formatSummary).
             * Encoder: round to nearest, ties to even, from the exact double input; overflow rule none:
             * past the overflow threshold the result is +-infinity where the format has it, else NaN
             * where it has NaN, else +-greatest finite.
             */
            #ifndef \(macro)_H
            #define \(macro)_H

            #include <math.h>
            #include <stdint.h>

            #if defined(__GNUC__)
            #define \(macro)_UNUSED __attribute__((unused))
            #else
            #define \(macro)_UNUSED
            #endif

            #define \(macro)_BITS \(format.bitWidth)
            #define \(macro)_CODE_COUNT \(decodeTable.count)
            #define \(macro)_POS_THRESHOLD_COUNT \(positive.thresholds.count)
            #define \(macro)_NEG_THRESHOLD_COUNT \(negative.thresholds.count)


            """
        out += "/* The exact value of every code: NaN codes NAN (with their sign), infinities INFINITY. */\n"
        out += "static const \(valueType) exmy_\(id)_decode[\(decodeTable.count)] \(macro)_UNUSED = {\n"
        for e in decodeTable {
            out += "    \(Self.hexFloat(e.value, suffix: suffix)), /* \(hexCode(e.code)) \(e.codeClass.rawValue) */\n"
        }
        out += "};\n\n"
        out += """
            /*
             * Thresholds on |x|. Entry i of <side>_threshold is the midpoint between two adjacent grid
             * magnitudes; the last entry is the overflow threshold (between the greatest finite magnitude
             * and the next grid point). |x| encodes as <side>_code[i] for the least i with
             * |x| < threshold[i], or |x| == threshold[i] and tie_up[i] == 0 (the lower neighbour is
             * even); past every threshold as <side>_code[count].
             */

            """
        func thresholdArrays(_ side: Side, _ name: String) {
            out += "static const double exmy_\(id)_\(name)_threshold[\(side.thresholds.count)] \(macro)_UNUSED = {\n"
            for t in side.thresholds {
                out += "    \(Self.hexFloat(t.value)), /* \(t.kind.rawValue): \(Self.hexFloat(t.lower)) | \(Self.hexFloat(t.upper)), tie to \(t.tie.rawValue) */\n"
            }
            out += "};\n"
            out += "static const uint8_t exmy_\(id)_\(name)_tie_up[\(side.thresholds.count)] \(macro)_UNUSED = {\n"
            out += Self.wrapped(side.thresholds.map { $0.tie == .upper ? "1" : "0" }, perLine: 32)
            out += "};\n"
        }
        func codeArray(_ side: Side, _ name: String) {
            let codes = side.thresholds.map(\.codeBelow) + [side.thresholds[side.thresholds.count - 1].codeAbove]
            out += "static const \(codeType) exmy_\(id)_\(name)_code[\(codes.count)] \(macro)_UNUSED = {\n"
            out += Self.wrapped(codes.map(hexCode), perLine: 12)
            out += "};\n"
        }
        thresholdArrays(positive, "pos")
        codeArray(positive, "pos")
        if sharedThresholds {
            out += "/* Negative inputs use the positive thresholds. */\n"
        } else {
            thresholdArrays(negative, "neg")
        }
        codeArray(negative, "neg")
        let negThreshold = sharedThresholds ? "pos" : "neg"
        out += """

            /* Encodes x: round to nearest, ties to even; overflow rule none. */
            static inline \(codeType) exmy_\(id)_encode(double x)
            {
                const double *threshold;
                const uint8_t *tie_up;
                const \(codeType) *code;
                unsigned lo = 0, hi;
                double a;
                if (isnan(x)) return signbit(x) ? \(hexCode(specials.negativeNaN)) : \(hexCode(specials.nan));
                if (isinf(x)) return x < 0 ? \(hexCode(specials.negativeInfinity)) : \(hexCode(specials.infinity));
                if (x == 0) return signbit(x) ? \(hexCode(specials.negativeZero)) : \(hexCode(specials.zero));
                if (x < 0) {
                    a = -x;
                    threshold = exmy_\(id)_\(negThreshold)_threshold;
                    tie_up = exmy_\(id)_\(negThreshold)_tie_up;
                    code = exmy_\(id)_neg_code;
                    hi = \(macro)_NEG_THRESHOLD_COUNT;
                } else {
                    a = x;
                    threshold = exmy_\(id)_pos_threshold;
                    tie_up = exmy_\(id)_pos_tie_up;
                    code = exmy_\(id)_pos_code;
                    hi = \(macro)_POS_THRESHOLD_COUNT;
                }
                while (lo < hi) {
                    unsigned mid = lo + (hi - lo) / 2;
                    if (a < threshold[mid] || (a == threshold[mid] && !tie_up[mid])) hi = mid;
                    else lo = mid + 1;
                }
                return code[lo];
            }

            #endif /* \(macro)_H */

            """
        return out
    }

    static func wrapped(_ items: [String], perLine: Int) -> String {
        var out = ""
        var i = 0
        while i < items.count {
            let line = items[i..<min(items.count, i + perLine)]
            out += "    " + line.joined(separator: ", ") + ",\n"
            i += perLine
        }
        return out
    }

    // MARK: SystemVerilog

    /// Whether the SystemVerilog modules carry binary32 (`true`) or binary64 bit patterns.
    public var systemVerilogUsesBinary32: Bool { valuesFitBinary32 && thresholdsFitBinary32 }

    /// The IEEE bit pattern of `v` at the SystemVerilog width, as hex digits (NaN canonical quiet,
    /// with its sign).
    func svPattern(_ v: Double) -> String {
        if systemVerilogUsesBinary32 {
            let bits: UInt32 = v.isNaN ? (v.sign == .minus ? 0xFFC0_0000 : 0x7FC0_0000) : Float(v).bitPattern
            let hex = String(bits, radix: 16, uppercase: true)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }
        let bits: UInt64 = v.isNaN ? (v.sign == .minus ? 0xFFF8_0000_0000_0000 : 0x7FF8_0000_0000_0000) : v.bitPattern
        let hex = String(bits, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Two SystemVerilog modules. `exmy_<id>_decode` maps `code` to `value`, the IEEE bit pattern
    /// of its exact value (binary32 when every value and threshold of the format is a binary32,
    /// else binary64; see ``systemVerilogUsesBinary32``) with one `case` item per code.
    /// `exmy_<id>_encode` maps such a bit pattern to its code under round to nearest even and
    /// overflow rule none: NaN, ±∞ and ±0 first, then a chain of comparisons of the magnitude bits
    /// with each threshold's bit pattern (non-negative IEEE patterns order as unsigned integers);
    /// `<=` where a tie goes to the lower neighbour, `<` where it goes up.
    public func systemVerilog() -> String {
        let id = identifier
        let k = format.bitWidth
        let w = systemVerilogUsesBinary32 ? 32 : 64
        let infPattern = systemVerilogUsesBinary32 ? "7F800000" : "7FF0000000000000"
        let zeroPattern = String(repeating: "0", count: w / 4)
        func code(_ c: UInt64) -> String { "\(k)'h" + String(hexCode(c).dropFirst(2)) }
        var out = """
            // exmy_\(id).sv: decode and round-to-nearest-even encode for \(format.canonicalSpelling).
            // Generated by ExMy (HardwareExport); do not edit. Semantics: ExMy docs/semantics.md.
            // Format: \(formatSummary).
            // Values are IEEE 754 binary\(w) bit patterns\(systemVerilogUsesBinary32 ? " (every value and threshold of this format is exact in binary32)" : "").
            // Encoder: round to nearest, ties to even; overflow rule none (+-infinity where the format has it,
            // else NaN where it has NaN, else +-greatest finite).

            module exmy_\(id)_decode (
                input  logic [\(k - 1):0] code,
                output logic [\(w - 1):0] value
            );
                always_comb begin
                    case (code)

            """
        for e in decodeTable {
            out += "            \(code(e.code)): value = \(w)'h\(svPattern(e.value)); // \(Self.exactDecimal(e.value)) (\(e.codeClass.rawValue))\n"
        }
        out += """
                        default: value = \(w)'h\(svPattern(.nan));
                    endcase
                end
            endmodule

            module exmy_\(id)_encode (
                input  logic [\(w - 1):0] value,
                output logic [\(k - 1):0] code
            );
                // Non-negative IEEE bit patterns order like unsigned integers: compare the magnitude bits.
                logic sign;
                logic [\(w - 2):0] mag;
                assign sign = value[\(w - 1)];
                assign mag = value[\(w - 2):0];
                always_comb begin
                    if (mag > \(w - 1)'h\(infPattern)) code = sign ? \(code(specials.negativeNaN)) : \(code(specials.nan)); // NaN input
                    else if (mag == \(w - 1)'h\(infPattern)) code = sign ? \(code(specials.negativeInfinity)) : \(code(specials.infinity)); // infinity input
                    else if (mag == \(w - 1)'h\(zeroPattern)) code = sign ? \(code(specials.negativeZero)) : \(code(specials.zero)); // zero input

            """
        for (name, side, opening) in [("positive", positive, "else if (!sign) begin"), ("negative", negative, "else begin")] {
            out += "        \(opening) // \(name) inputs, on the magnitude\n"
            for (i, t) in side.thresholds.enumerated() {
                let op = t.tie == .lower ? "<=" : "< "
                let keyword = i == 0 ? "if     " : "else if"
                out += "            \(keyword) (mag \(op) \(w - 1)'h\(svPattern(t.value))) code = \(code(t.codeBelow)); // \(t.kind.rawValue) \(Self.exactDecimal(t.value)), tie to \(t.tie.rawValue)\n"
            }
            out += "            else code = \(code(side.thresholds[side.thresholds.count - 1].codeAbove)); // past the overflow threshold\n"
            out += "        end\n"
        }
        out += """
                end
            endmodule

            """
        return out
    }
}
