#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import CMPFR

/// Everything the oracle derives from a format once: the MPFR emulation parameters (precision,
/// emin, whether to subnormalize), the code layout, and the extremes (computed with MPFR by decoding
/// the extreme codes).
///
/// A class so that the per-call lookup hands out a reference instead of copying the fields; built
/// once per format and thread, never mutated afterwards, never shared across threads.
final class Plan {
    let format: ReferenceFormat
    /// Why the format is rejected; `nil` when valid. Every other field is meaningful only when valid.
    var problem: String?

    // Layout.
    var e = 0, m = 0, k = 0
    var signed = true
    var twos = false
    /// Least normal exponent `emin` (`1 − bias`, or `−bias` without zero).
    var emin = 0
    /// Exponent of the grid's quantum below 2^emin (and of the whole grid when E = 0): `emin − M`.
    var quantumExponent = 0
    var hasZero = true
    var hasNaN = false
    var nanHasSign = false
    var hasInfinity = false
    var hasNegativeZero = false

    /// Ties-to-even and round-to-odd read the parity of the code (`M = 0` with
    /// ``ReferenceFormat/Parity/evenCode``), not MPFR's parity of the significand.
    var codeParity = false

    // MPFR emulation: precision, emin, subnormalize.
    var precision = 1
    var mpfrEmin = 0
    var subnormalize = false

    // Extremes (exact Doubles).
    var greatestFinite = Double.nan
    /// Magnitude of the most negative value (greater than `greatestFinite` for two's complement).
    var mostNegativeMagnitude = Double.nan
    var leastNonzero = Double.nan
    var leastNormal = Double.nan

    /// Derives the plan; uses `w.code` and sets this thread's range to the wide one on return.
    private init(format: ReferenceFormat) { self.format = format }

    static func make(_ f: ReferenceFormat, in w: Workspace? = nil) -> Plan {
        let p = Plan(format: f)
        if let problem = p.layout() {
            p.problem = problem
            return p
        }
        let w = w ?? Workspace.current
        let saved = SavedRange()
        defer { saved.restore() }
        p.problem = p.extremes(w)
        return p
    }

    /// Fills the layout and emulation fields; returns a problem or nil.
    private func layout() -> String? {
        let f = format
        e = f.exponentBits
        m = f.significandBits
        guard (0...11).contains(e) else { return "exponentBits \(e) is outside 0…11" }
        guard (0...52).contains(m) else { return "significandBits \(m) is outside 0…52" }
        k = f.bitWidth
        guard (1...64).contains(k) else { return "bitWidth \(k) is outside 1…64" }
        guard abs(f.bias) <= 1 << 16 else {
            return "bias \(f.bias) puts the format outside the Double range"
        }
        signed = f.signedness != .unsigned
        twos = f.signedness == .twosComplement
        if twos {
            guard e == 0, f.specials == .none, f.hasSubnormals else {
                return "twosComplement needs exponentBits 0, specials none and hasSubnormals"
            }
        }
        hasZero = f.hasSubnormals || f.hasZero
        if e == 0 && !f.hasSubnormals && f.hasZero {
            return "exponentBits 0 without subnormals has no nonzero value; enable hasSubnormals"
        }
        switch f.specials {
        case .ieee:
            guard e >= 1 else { return "specials ieee needs exponentBits ≥ 1" }
            hasNaN = m >= 1
            nanHasSign = signed
            hasInfinity = true
        case .fn:
            hasNaN = true
            nanHasSign = signed
        case .fnuz:
            guard f.signedness == .signMagnitude else { return "specials fnuz needs signMagnitude" }
            hasNaN = true
        case .none:
            break
        case .p3109Finite:
            hasNaN = true
        case .p3109Extended:
            hasNaN = true
            hasInfinity = true
        }
        hasNegativeZero = f.signedness == .signMagnitude && hasZero
            && (f.specials == .ieee || f.specials == .fn || f.specials == .none)
        codeParity = m == 0 && f.parity == .evenCode
        emin = hasZero ? 1 - f.bias : -f.bias
        quantumExponent = emin - m
        guard quantumExponent >= -1074 else {
            return "the format's quantum 2^\(quantumExponent) is below 2^-1074: raise bias or lower it"
        }
        // MPFR keeps significands in [0.5, 1): the least positive MPFR number is 2^(emin_mpfr − 1).
        if e == 0 {
            // Fixed point: multiples of 2^(emin − M) everywhere. Precision 53 with the subnormal
            // emulation gives exactly that grid for every Double input (a Double ≥ 2^52 quanta is
            // already a multiple of the quantum).
            precision = 53
            mpfrEmin = quantumExponent + 1
            subnormalize = true
        } else if f.hasSubnormals {
            precision = m + 1
            mpfrEmin = emin - precision + 2
            subnormalize = true
        } else {
            // Flush (and no-zero) formats: least positive MPFR number 2^emin, no subnormalize.
            precision = m + 1
            mpfrEmin = emin + 1
            subnormalize = false
        }
        return nil
    }

    /// Computes the extremes with MPFR (wide range must be active); returns a problem or nil.
    private func extremes(_ w: Workspace) -> String? {
        let allOnes: UInt64 = (1 << UInt64(e + m)) &- 1  // E + M ≤ 63
        let maxCode: UInt64
        if twos {
            maxCode = (1 << UInt64(m)) &- 1
        } else {
            switch format.specials {
            case .ieee: maxCode = (((1 << UInt64(e)) - 1) << UInt64(m)) &- 1
            case .fn: maxCode = allOnes &- 1
            case .fnuz, .none: maxCode = allOnes
            case .p3109Finite: maxCode = signed ? allOnes : allOnes &- 1
            case .p3109Extended: maxCode = signed ? allOnes &- 1 : allOnes &- 2
            }
        }
        guard maxCode <= allOnes, case .finite(false) = decode(maxCode, into: w.code),
              mpfr_sgn_shim(w.code) > 0
        else { return "the format has no positive finite value" }
        guard mpfr_cmp_ui_2exp(w.code, 1, 1024) < 0 else {
            return "greatestFiniteMagnitude is not a finite Double: raise bias"
        }
        greatestFinite = mpfr_get_d(w.code, MPFR_RNDN)
        mostNegativeMagnitude = greatestFinite
        if twos {
            // The most negative code 2^(K−1) = 2^M.
            guard case .finite(true) = decode(1 << UInt64(m), into: w.code) else {
                return "internal: two's-complement decode"
            }
            mostNegativeMagnitude = mpfr_get_d(w.code, MPFR_RNDN)  // the register holds |value|
        }
        // Least positive code: the first subnormal, the first normal, or code 0 without zero.
        let leastCode: UInt64 = !hasZero ? 0 : (format.hasSubnormals ? 1 : 1 << UInt64(m))
        guard leastCode <= allOnes, case .finite(false) = decode(leastCode, into: w.code),
              mpfr_sgn_shim(w.code) > 0, mpfr_cmp_d(w.code, greatestFinite) <= 0
        else { return "the format's least positive code is not a finite value" }
        leastNonzero = mpfr_get_d(w.code, MPFR_RNDN)
        mpfr_set_ui_2exp(w.code, 1, emin, MPFR_RNDN)
        leastNormal = mpfr_get_d(w.code, MPFR_RNDN)
        return nil
    }

    enum Decoded: Equatable {
        case nan(negative: Bool)
        case infinity(negative: Bool)
        /// The magnitude is in the register.
        case finite(negative: Bool)
    }

    /// Decodes `code` (low K bits) per semantics §2–3 into `v` with `mpfr_set_ui_2exp` /
    /// `mpfr_set_si_2exp` (wide range must be active; the layout must be valid).
    func decode(_ rawCode: UInt64, into v: MP) -> Decoded {
        let c = k == 64 ? rawCode : rawCode & ((1 << UInt64(k)) - 1)
        if twos {
            let i = Int64(bitPattern: c << UInt64(64 - k)) >> Int64(64 - k)
            mpfr_set_si_2exp(v, Int(i), quantumExponent, MPFR_RNDN)
            let negative = i < 0
            if negative { mpfr_neg(v, v, MPFR_RNDN) }
            return .finite(negative: negative)
        }
        let magnitudeBits = UInt64(e + m)
        let allOnes: UInt64 = (1 << magnitudeBits) - 1
        let negative = signed && (c >> magnitudeBits) & 1 == 1
        let mag = c & allOnes
        let field = mag >> UInt64(m)
        let fraction = mag & ((1 << UInt64(m)) - 1)
        switch format.specials {
        case .ieee:
            if field == (1 << UInt64(e)) - 1 {
                return fraction != 0 ? .nan(negative: negative) : .infinity(negative: negative)
            }
        case .fn:
            if mag == allOnes { return .nan(negative: negative) }
        case .fnuz:
            if c == 1 << UInt64(k - 1) { return .nan(negative: false) }
        case .none:
            break
        case .p3109Finite, .p3109Extended:
            if signed ? c == 1 << UInt64(k - 1) : c == allOnes { return .nan(negative: false) }
            if format.specials == .p3109Extended {
                if signed && mag == allOnes { return .infinity(negative: negative) }
                if !signed && c == allOnes - 1 { return .infinity(negative: false) }
            }
        }
        let significand: UInt64
        let exponent: Int
        if field >= 1 {
            significand = (1 << UInt64(m)) + fraction
            exponent = Int(field) - format.bias - m
        } else if format.hasSubnormals {
            significand = fraction
            exponent = 1 - format.bias - m
        } else if hasZero {
            significand = 0  // zero, or a non-canonical code that decodes as zero
            exponent = 0
        } else {
            significand = (1 << UInt64(m)) + fraction
            exponent = -format.bias - m
        }
        mpfr_set_ui_2exp(v, UInt(significand), exponent, MPFR_RNDN)
        // The sign multiplies the value; zero keeps it only where −0 exists.
        if significand == 0 && !hasNegativeZero { return .finite(negative: false) }
        return .finite(negative: negative)
    }
}
#endif
