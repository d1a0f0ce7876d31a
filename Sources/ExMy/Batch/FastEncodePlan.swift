/// Which (format, rule) pairs the vector kernels handle, and their parameters.
///
/// Eligible: formats of at most 32 bits with `M ≤ 21` and `−126 ≤ emin ≤ 100` (every catalog
/// format up to TF32 except FP32 itself; MXINT8 and E8M0 included), sign-magnitude, unsigned or two's
/// complement, with or without subnormals, with a zero (not E8M0). Rules:
/// ties-to-even (every eligible format); every other deterministic rule and the stochastic variants
/// A (`N ≤ 23 − M`), B (`N ≤ 22 − M`) and C (`N ≤ 21 − M`), `N ≤ 32`, when `M ≥ 1`. Everything
/// else goes through the scalar engine element by element (still no allocation per element).
struct FastEncodePlan: Sendable {
    enum Kernel: Sendable { case nearestEven, general, stochastic }
    enum Sign: Sendable { case signMagnitude, noNegativeZero, unsigned, twosComplement }

    let kernel: Kernel
    let sign: Sign
    let tinyGeneral: Bool
    /// Bytes of the natural code type (1, 2 or 4).
    let codeBytes: Int
    let params: KernelParameters
    /// N for the stochastic kernel.
    let randomBits: Int
    // Flag scans.
    let lowMask: UInt32
    let scanMagic: Float
    let tinyAlwaysInexact: Bool
    let tinyNonzeroLimit: Int32

    init?(format f: FloatFormat, rounding rule: RoundingRule) {
        let m = f.significandBitCount, k = f.bitWidth, emin = f.leastNormalExponent
        guard k <= 32, m <= 21, emin >= -126, emin <= 100 else { return nil }
        // Formats without zero (E8M0) go through the scalar engine.
        if !f.hasZero { return nil }
        let sh = 23 - m

        var kernel: Kernel
        var randomBits = 0
        switch rule {
        case .toNearestOrEven: kernel = .nearestEven
        case .toNearestOrAwayFromZero, .toNearestOrZero, .towardZero, .up, .down, .awayFromZero, .toOdd:
            guard m >= 1 else { return nil }
            kernel = .general
        case .stochasticA(let n), .stochasticB(let n), .stochasticC(let n):
            guard m >= 1, n >= 1, n <= 32 else { return nil }
            let limit: Int
            switch rule {
            case .stochasticA: limit = sh
            case .stochasticB: limit = sh - 1
            default: limit = sh - 2
            }
            guard n <= limit else { return nil }
            kernel = .stochastic
            randomBits = n
        case .stochastic:
            return nil
        }

        var p = KernelParameters()
        p.sh = UInt32(sh)
        let off = UInt32(bitPattern: Int32(truncatingIfNeeded: (127 - f.bias) << m))
        p.off = off
        p.tinyBits = Self.bits(exponent: emin)
        // The greatest magnitude a kernel may handle: the greatest finite value (the positive one,
        // the smaller, for two's complement), or the greatest Float below it.
        let greatest = f.greatestFiniteMagnitude
        var limit = Float(greatest)
        if Double(limit) > greatest { limit = limit.nextDown }
        if limit.isInfinite { limit = .greatestFiniteMagnitude }
        p.special = Int32(bitPattern: limit.bitPattern)
        p.signShift = Int32(32 - k)
        p.signBit = f.signedness == .signMagnitude ? Int32(truncatingIfNeeded: UInt32(1) << UInt32(k - 1)) : 0
        p.codeMask = k == 32 ? .max : (UInt32(1) << UInt32(k)) - 1

        let tinyGeneral = !f.hasSubnormals
        p.tinyShift = f.hasSubnormals ? 0 : UInt32(m)
        // Nearest-even kernel.
        p.c0 = m > 0 ? (UInt32(1) << UInt32(sh - 1)) - 1 : UInt32(1) << UInt32(sh - 1)
        p.lsbAnd = m > 0 ? 1 : 0
        let magic = Self.float(exponent: f.hasSubnormals ? emin - m + 23 : emin + 23)
        p.magic = magic
        p.magicBits = magic.bitPattern
        // General kernel.
        let tinyAdd = Self.float(exponent: f.hasSubnormals ? emin : emin + m)
        p.tinyAdd = tinyAdd
        p.tinyBase = f.hasSubnormals ? tinyAdd.bitPattern &- (off &<< UInt32(sh)) : tinyAdd.bitPattern
        let half = UInt32(1) << UInt32(sh - 1), full1 = (UInt32(1) << UInt32(sh)) - 1
        p.sL = UInt32(sh)
        p.stickyBit = 1
        switch rule {
        case .toNearestOrEven: p.g0 = half - 1; p.gL = 1
        case .toNearestOrAwayFromZero: p.g0 = half
        case .toNearestOrZero: p.g0 = half - 1
        case .towardZero: break
        case .up: p.g0 = full1; p.gN = 0 &- full1
        case .down: p.gN = full1
        case .awayFromZero: p.g0 = full1
        case .toOdd: p.g0 = full1; p.gL = 0 &- full1
        case .stochasticA(let n):
            p.sR = UInt32(sh - n); p.stickyBit = 0
        case .stochasticB(let n):
            p.sR = UInt32(sh - n); p.g0 = UInt32(1) << UInt32(sh - n - 1); p.stickyBit = 0
        case .stochasticC(let n):
            p.sR = UInt32(sh - n); p.sL = UInt32(sh - n)
            p.g0 = (UInt32(1) << UInt32(sh - n - 1)) - 1; p.gL = 1
        case .stochastic: break
        }

        self.kernel = kernel
        switch f.signedness {
        case .signMagnitude: self.sign = f.hasNegativeZero ? .signMagnitude : .noNegativeZero
        case .unsigned: self.sign = .unsigned
        case .twosComplement: self.sign = .twosComplement
        }
        self.tinyGeneral = tinyGeneral
        self.codeBytes = k <= 8 ? 1 : (k <= 16 ? 2 : 4)
        self.params = p
        self.randomBits = randomBits
        self.lowMask = full1
        self.scanMagic = Self.float(exponent: emin - m + 23)
        self.tinyAlwaysInexact = !f.hasSubnormals
        self.tinyNonzeroLimit = p.tinyBits &- 1
    }

    static func float(exponent e: Int) -> Float { Float(sign: .plus, exponent: e, significand: 1) }
    static func bits(exponent e: Int) -> Int32 { Int32(bitPattern: float(exponent: e).bitPattern) }

    // MARK: Dispatch

    /// Runs the kernel on `n` lanes.
    func run<C: BatchCode>(_ src: UnsafePointer<Int32>, _ dst: UnsafeMutablePointer<C>, _ n: Int, _ random: UnsafePointer<UInt32>?) -> EncodeKernels.Summary {
        switch sign {
        case .signMagnitude: return run(src, dst, n, random, SignMagnitudeMode.self)
        case .noNegativeZero: return run(src, dst, n, random, SignMagnitudeNoNegativeZeroMode.self)
        case .unsigned: return run(src, dst, n, random, UnsignedMode.self)
        case .twosComplement: return run(src, dst, n, random, TwosComplementMode.self)
        }
    }

    private func run<C: BatchCode, S: EncodeSignMode>(
        _ src: UnsafePointer<Int32>, _ dst: UnsafeMutablePointer<C>, _ n: Int, _ random: UnsafePointer<UInt32>?, _: S.Type
    ) -> EncodeKernels.Summary {
        if tinyGeneral { return run(src, dst, n, random, S.self, GeneralTiny.self) }
        return run(src, dst, n, random, S.self, SubnormalTiny.self)
    }

    private func run<C: BatchCode, S: EncodeSignMode, T: EncodeTinyMode>(
        _ src: UnsafePointer<Int32>, _ dst: UnsafeMutablePointer<C>, _ n: Int, _ random: UnsafePointer<UInt32>?,
        _: S.Type, _: T.Type
    ) -> EncodeKernels.Summary {
        switch kernel {
        case .nearestEven: return EncodeKernels.nearestEven(src, dst, n, params, S.self, T.self)
        case .general: return EncodeKernels.general(src, dst, n, params, nil, S.self, T.self)
        case .stochastic: return EncodeKernels.general(src, dst, n, params, random, S.self, T.self)
        }
    }

    /// Whether the lane with bits `x` is special (exactly the kernels' criterion).
    @inline(__always)
    func isSpecial(_ x: Int32) -> Bool {
        let a = x & 0x7FFF_FFFF
        switch sign {
        case .signMagnitude: return SignMagnitudeMode.special(x, a, params) < 0
        case .noNegativeZero: return SignMagnitudeNoNegativeZeroMode.special(x, a, params) < 0
        case .unsigned: return UnsignedMode.special(x, a, params) < 0
        case .twosComplement: return TwosComplementMode.special(x, a, params) < 0
        }
    }

    // MARK: Flag scans (exactness does not depend on the rule)

    /// Whether some non-special lane is inexact. Scans in groups of 256 and stops at the first hit.
    func anyInexact(_ src: UnsafePointer<Int32>, _ n: Int) -> Bool {
        switch sign {
        case .signMagnitude: return scan(src, n, tinyOnly: false, SignMagnitudeMode.self)
        case .noNegativeZero: return scan(src, n, tinyOnly: false, SignMagnitudeNoNegativeZeroMode.self)
        case .unsigned: return scan(src, n, tinyOnly: false, UnsignedMode.self)
        case .twosComplement: return scan(src, n, tinyOnly: false, TwosComplementMode.self)
        }
    }

    /// Whether some lane is tiny and nonzero (a cheap first test before ``anyTinyInexact(_:_:)``).
    func anyTinyNonzero(_ src: UnsafePointer<Int32>, _ n: Int) -> Bool {
        var acc: Int32 = 0
        let limit = tinyNonzeroLimit
        var i = 0
        while i < n {
            // a − 1 < bits(2^emin) − 1, unsigned: true for 0 < a < 2^emin.
            let a = src[i] & 0x7FFF_FFFF
            acc |= (a &- 1) < limit && a != 0 ? 1 : 0
            i &+= 1
        }
        return acc != 0
    }

    /// Whether some non-special tiny lane is inexact (underflow).
    func anyTinyInexact(_ src: UnsafePointer<Int32>, _ n: Int) -> Bool {
        switch sign {
        case .signMagnitude: return scan(src, n, tinyOnly: true, SignMagnitudeMode.self)
        case .noNegativeZero: return scan(src, n, tinyOnly: true, SignMagnitudeNoNegativeZeroMode.self)
        case .unsigned: return scan(src, n, tinyOnly: true, UnsignedMode.self)
        case .twosComplement: return scan(src, n, tinyOnly: true, TwosComplementMode.self)
        }
    }

    private func scan<S: EncodeSignMode>(_ src: UnsafePointer<Int32>, _ n: Int, tinyOnly: Bool, _: S.Type) -> Bool {
        var start = 0
        while start < n {
            let count = min(256, n - start)
            let found: Bool
            if tinyAlwaysInexact {
                found = Self.scanGroup(src + start, count, params, lowMask, scanMagic, tinyOnly, true, S.self)
            } else {
                found = Self.scanGroup(src + start, count, params, lowMask, scanMagic, tinyOnly, false, S.self)
            }
            if found { return true }
            start += count
        }
        return false
    }

    @inline(__always)
    private static func scanGroup<S: EncodeSignMode>(
        _ src: UnsafePointer<Int32>, _ n: Int, _ p: KernelParameters, _ lowMask: UInt32, _ magic: Float,
        _ tinyOnly: Bool, _ tinyAlwaysInexact: Bool, _: S.Type
    ) -> Bool {
        var acc: UInt32 = 0
        let tinyBits = p.tinyBits
        var i = 0
        while i < n {
            let x = src[i]
            let a = x & 0x7FFF_FFFF
            let ua = UInt32(bitPattern: a)
            let tiny = a < tinyBits
            let ordinary = S.special(x, a, p) >= 0
            let tinyInexact: UInt32
            if tinyAlwaysInexact {
                tinyInexact = ua
            } else {
                let s = Float(bitPattern: ua) + magic
                tinyInexact = (s - magic).bitPattern ^ ua
            }
            let inexact = tiny ? tinyInexact : (tinyOnly ? 0 : ua & lowMask)
            acc |= ordinary ? inexact : 0
            i &+= 1
        }
        return acc != 0
    }
}
