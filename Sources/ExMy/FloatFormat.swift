/// A runtime description of a small binary floating-point format.
///
/// A format is fixed by its exponent width `E`, significand width `M` (trailing bits, the implicit
/// leading bit not counted), exponent `bias`, whether it has subnormals, whether it has a zero,
/// its ``Signedness`` and its ``SpecialValueEncoding``. Every other property is derived.
///
/// ```swift
/// let e4m3 = try FloatFormat(exponentBitCount: 4, significandBitCount: 3, specials: .fn)
/// e4m3.greatestFiniteMagnitude   // 448.0
/// let custom = try FloatFormat(parsing: "e3m3:bias=5,subnormals=off")
/// ```
///
/// Limits: `0 ≤ E ≤ 11`, `0 ≤ M ≤ 52`, `1 ≤ E + M + signBit ≤ 64`, and every finite value must be
/// exactly representable as a `Double` (this bounds the bias). Invalid descriptions throw a
/// ``FormatError`` that says what is wrong and how to fix it. The exact meaning of every code is in
/// `docs/semantics.md`.
public struct FloatFormat: Hashable, Sendable {
    /// Number of exponent bits, `E`.
    public let exponentBitCount: Int
    /// Number of trailing significand bits, `M` (the implicit leading bit is not counted).
    public let significandBitCount: Int
    /// The exponent bias.
    public let bias: Int
    /// Whether exponent field 0 holds subnormal values (gradual underflow).
    public let hasSubnormals: Bool
    /// Whether the format has a zero. Only formats without subnormals may lack one (E8M0): their
    /// exponent field 0 is then an ordinary normal binade.
    public let hasZero: Bool
    /// How the sign is encoded.
    public let signedness: Signedness
    /// Where NaN and infinity codes live.
    public let specials: SpecialValueEncoding
    /// Which neighbour is *even* for ties-to-even and round-to-odd. Matters only with `M = 0`
    /// (see ``TieBreak``); for `M ≥ 1` it is always ``TieBreak/defaultValue(for:)`` of the specials.
    /// Part of the format's identity.
    public let tieBreak: TieBreak
    /// The catalog name, when the format was made from the catalog or parsed from a catalog name.
    /// Not part of the format's identity: two descriptions with equal knobs are equal.
    public let name: String?

    // Derived layout, computed once at initialisation and used by every conversion.
    /// Total width in bits, `K`.
    public let bitWidth: Int
    /// Exponent of the least normal binade (`2^leastNormalExponent` is the least normal value).
    public let leastNormalExponent: Int
    /// The largest finite magnitude code (magnitude = code without its sign bit): the code of
    /// ``greatestFiniteMagnitude``.
    public let maxMagnitudeCode: UInt64
    /// For two's complement: the largest magnitude of a negative value, in quanta; otherwise equal
    /// to `maxMagnitudeCode`.
    @usableFromInline let maxNegativeMagnitudeCode: UInt64
    /// floor(log2(greatestFiniteMagnitude)), and the same for the negative side.
    @usableFromInline let maxExponent: Int
    @usableFromInline let maxNegativeExponent: Int
    /// Mask of the magnitude bits, `2^(E+M) − 1`.
    @usableFromInline let magnitudeMask: UInt64
    /// Mask of all code bits, `2^K − 1`.
    public let codeMask: UInt64
    /// The sign bit (0 for unsigned and two's-complement formats).
    @usableFromInline let signBit: UInt64

    /// Creates a format description, validating every knob.
    ///
    /// - Parameters:
    ///   - exponentBitCount: `E`, 0 … 11.
    ///   - significandBitCount: `M`, 0 … 52.
    ///   - bias: the exponent bias; `nil` selects the IEEE default `2^(E−1) − 1` (0 when `E` is 0).
    ///   - hasSubnormals: whether exponent field 0 holds subnormals.
    ///   - hasZero: whether the format has a zero (must be `true` when `hasSubnormals` is).
    ///   - signedness: sign bit, unsigned, or two's complement.
    ///   - specials: the NaN/∞ encoding.
    ///   - tieBreak: which neighbour counts as even when `M = 0`; `nil` selects
    ///     ``TieBreak/defaultValue(for:)`` (even code for the P3109 specials, even significand
    ///     otherwise). Must be `nil` when `M ≥ 1`, where both readings agree.
    ///   - name: an optional display name.
    /// - Throws: ``FormatError`` naming the offending knob and a fix.
    public init(
        exponentBitCount: Int,
        significandBitCount: Int,
        bias: Int? = nil,
        hasSubnormals: Bool = true,
        hasZero: Bool = true,
        signedness: Signedness = .signMagnitude,
        specials: SpecialValueEncoding = .ieee,
        tieBreak: TieBreak? = nil,
        name: String? = nil
    ) throws {
        let e = exponentBitCount, m = significandBitCount
        guard (0...11).contains(e) else {
            throw FormatError("exponent bits E = \(e) is out of range: ExMy supports 0 ≤ E ≤ 11 (every value must fit in a Double)")
        }
        guard (0...52).contains(m) else {
            throw FormatError("significand bits M = \(m) is out of range: ExMy supports 0 ≤ M ≤ 52 (every value must fit in a Double)")
        }
        let signBits = signedness == .unsigned ? 0 : 1
        let k = e + m + signBits
        guard k <= 64 else {
            throw FormatError("the format is \(k) bits wide; ExMy supports at most 64 bits (E + M + sign bit ≤ 64)")
        }
        guard k >= 1 else { throw FormatError("a format needs at least one bit: E = 0 and M = 0 are only valid with a sign bit") }
        let b = bias ?? (e == 0 ? 0 : (1 << (e - 1)) - 1)
        guard (-4096...4096).contains(b) else {
            throw FormatError("bias \(b) is out of range: with E = \(e) the values would not fit in a Double; choose a bias in -4096…4096 (IEEE default is \(e == 0 ? 0 : (1 << (e - 1)) - 1))")
        }
        if let t = tieBreak, m >= 1 {
            throw FormatError("ties=\(t.rawValue) matters only for formats with M = 0: with M = \(m) the even code and the even significand are the same neighbour; drop the option")
        }
        if hasSubnormals && !hasZero {
            throw FormatError("a format with subnormals always has a zero (exponent field 0, significand 0); use hasZero: true, or turn subnormals off for an E8M0-style format without zero")
        }
        if e == 0 && !hasSubnormals && hasZero {
            throw FormatError("with E = 0 and no subnormals the only finite value would be zero; turn subnormals on (fixed point) or set hasZero: false")
        }
        if !hasZero && signedness == .signMagnitude && [.fnuz, .p3109Finite, .p3109Extended].contains(specials) {
            throw FormatError("specials \(specials.rawValue) put NaN at the code of −0, but without a zero that code is the negative least value; use specials fn, ieee or none with zero=off")
        }
        switch signedness {
        case .twosComplement:
            guard m >= 1 else {
                throw FormatError("two's complement needs M ≥ 1 (with M = 0 the only values are 0 and −1 quantum); use e0m1 or more")
            }
            guard e == 0, specials == .none, hasSubnormals else {
                throw FormatError("two's complement is an integer encoding: it needs E = 0, subnormals on and specials none (as MXINT8: e0m7:twos-complement,bias=0,specials=none)")
            }
        case .unsigned:
            if specials == .fnuz {
                throw FormatError("fnuz puts NaN at the code of −0, which an unsigned format does not have; use specials fn (NaN at all ones) or p3109-finite")
            }
        case .signMagnitude: break
        }
        let magnitudeBits = e + m
        let magnitudeMask: UInt64 = magnitudeBits == 64 ? .max : (1 << UInt64(magnitudeBits)) - 1
        let allOnes = magnitudeMask
        var maxCode: UInt64
        switch specials {
        case .ieee:
            guard e >= 2 else {
                throw FormatError("IEEE specials take the whole top exponent field, so E = \(e) leaves no normal numbers; use E ≥ 2 or specials fn/none")
            }
            guard m >= 1 else {
                throw FormatError("IEEE specials need M ≥ 1 to encode NaN (with M = 0 the top exponent field holds only ∞); use specials fn, p3109-extended or none")
            }
            maxCode = (UInt64((1 << e) - 1) << UInt64(m)) - 1
        case .fn:
            guard allOnes >= 1 else { throw FormatError("specials fn reserve the all-ones code for NaN, leaving no finite nonzero value; use specials none") }
            maxCode = allOnes - 1
        case .fnuz, .none:
            maxCode = allOnes
        case .p3109Finite:
            maxCode = signedness == .unsigned ? allOnes - 1 : allOnes
        case .p3109Extended:
            let reserved: UInt64 = signedness == .unsigned ? 2 : 1
            guard allOnes > reserved else { throw FormatError("P3109 extended specials leave no finite nonzero value in so few bits; use p3109-finite") }
            maxCode = allOnes - reserved
        }
        if signedness == .unsigned && specials == .p3109Finite && allOnes < 1 {
            throw FormatError("this format has no finite nonzero value")
        }
        // Least normal exponent: field 1 normally, field 0 in a format without zero.
        let emin = hasZero ? 1 - b : -b
        // Check that at least one nonzero finite value exists.
        let leastNonzeroCode: UInt64 = hasZero ? (hasSubnormals ? 1 : UInt64(1) << UInt64(m)) : 0
        if e == 0 && hasSubnormals {
            if maxCode < 1 && signedness != .twosComplement {
                throw FormatError("with E = 0 and M = 0 the only value is zero; add significand bits")
            }
        } else if maxCode < leastNonzeroCode {
            throw FormatError("this description has no finite nonzero value; add exponent or significand bits, or change the specials")
        }
        // The extreme binade exponents; all values must be exact Doubles.
        // floor(log2(greatestFiniteMagnitude)): a top code in field 0 is subnormal (or fixed point).
        let maxField = Int(maxCode >> UInt64(m))
        let maxExp = (maxField == 0 && hasZero)
            ? emin - m + (63 - max(maxCode, 1).leadingZeroBitCount)
            : maxField - b
        let quantumMin = emin - m
        guard quantumMin >= -1074 else {
            throw FormatError("the least value 2^\(quantumMin) is below the least Double 2^-1074; increase E or decrease the bias (bias \(b))")
        }
        guard maxExp <= 1023 else {
            throw FormatError("the greatest value is about 2^\(maxExp), beyond Double's range; decrease E or increase the bias (bias \(b))")
        }
        self.exponentBitCount = e
        self.significandBitCount = m
        self.bias = b
        self.hasSubnormals = hasSubnormals
        self.hasZero = hasZero
        self.signedness = signedness
        self.specials = specials
        self.tieBreak = tieBreak ?? TieBreak.defaultValue(for: specials)
        self.name = name
        self.bitWidth = k
        self.leastNormalExponent = emin
        self.maxMagnitudeCode = maxCode
        self.magnitudeMask = magnitudeMask
        self.codeMask = k == 64 ? .max : (1 << UInt64(k)) - 1
        self.signBit = signedness == .signMagnitude ? UInt64(1) << UInt64(k - 1) : 0
        self.maxExponent = maxExp
        if signedness == .twosComplement {
            self.maxNegativeMagnitudeCode = maxCode + 1
            self.maxNegativeExponent = emin
        } else {
            self.maxNegativeMagnitudeCode = maxCode
            self.maxNegativeExponent = maxExp
        }
    }

    public static func == (lhs: FloatFormat, rhs: FloatFormat) -> Bool {
        lhs.exponentBitCount == rhs.exponentBitCount && lhs.significandBitCount == rhs.significandBitCount
            && lhs.bias == rhs.bias && lhs.hasSubnormals == rhs.hasSubnormals && lhs.hasZero == rhs.hasZero
            && lhs.signedness == rhs.signedness && lhs.specials == rhs.specials && lhs.tieBreak == rhs.tieBreak
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(exponentBitCount)
        hasher.combine(significandBitCount)
        hasher.combine(bias)
        hasher.combine(hasSubnormals)
        hasher.combine(hasZero)
        hasher.combine(signedness)
        hasher.combine(specials)
        hasher.combine(tieBreak)
    }

    /// A copy of this format carrying a display name.
    public func named(_ name: String?) -> FloatFormat {
        // The knobs were validated when `self` was made; re-validation cannot fail.
        (try? FloatFormat(
            exponentBitCount: exponentBitCount, significandBitCount: significandBitCount, bias: bias,
            hasSubnormals: hasSubnormals, hasZero: hasZero, signedness: signedness, specials: specials,
            tieBreak: significandBitCount == 0 ? tieBreak : nil, name: name
        )) ?? self
    }
}
