internal import CExMyKernels

/// The vector kernels of the batch encoder: `Float` bit patterns in, codes out.
///
/// One set of kernels serves every eligible format: the format enters only through parameters
/// computed once per encoder (``FastEncodePlan``). The kernels are plain loops over `Int32`/`UInt32`
/// lanes, without branches, that the compiler vectorises (4 lanes with the default x86-64 target,
/// SSE2); `docs/performance.md` has the measurements that chose this over `SIMD` types. On CPUs with
/// AVX2 the same loops run as their C transcriptions in `CExMyKernels`, compiled for AVX2 (8 lanes)
/// and, from the same source, for AVX-512, and chosen at run time (``EncodeLoops``); these Swift
/// loops are the portable path.
///
/// Every lane that a kernel does not handle exactly is *special* (NaN, ±∞, a magnitude above the
/// greatest finite value, a negative value into an unsigned format, zero into a format without
/// zero): the kernel reports that the block has one, and the driver re-encodes exactly those
/// elements with the scalar engine (`FloatFormat.encode`), so every code is the scalar engine's.
///
/// ## How a magnitude `a` (the bits of `|x|`, a normal `Float` at or above `2^emin`) is rounded
/// With `sh = 23 − M` bits to drop, the code of a normal result is `(a >> sh) − off` with
/// `off = (127 − bias) << M`, and a rule rounds up by adding a constant before the shift: a carry
/// out of the dropped bits increments the code, carrying into the exponent field when the
/// significand overflows. Ties-to-even adds `2^(sh−1) − 1 + lsb`; toward zero adds 0; stochastic
/// variant A with `N` random bits `R` adds `R << (sh − N)` (a carry happens iff
/// `⌊ν·2^N⌋ + R ≥ 2^N`), and so on (``FastEncodePlan``).
///
/// Below `2^emin` the grid is fixed-point. The nearest-even kernel rounds there with one `Float`
/// addition of a power of two `2^(emin − M + 23)`, whose quantum is exactly the subnormal quantum,
/// so the hardware's ties-to-even rounding is the format's. The general kernel needs the dropped
/// bits themselves: it computes `T = ⌊|x| / 2^(emin − 23)⌋` exactly (one addition, one subtraction,
/// one comparison), ORs a sticky bit for the bits below `T` where the rule needs it, and then rounds
/// `T` with the same integer add-and-shift as the normal lanes.
enum EncodeKernels {
    /// What a kernel saw in a block: the driver fixes special lanes and scans for flags.
    struct Summary {
        /// Sign bit set iff some lane is special.
        var special: Int32
        var hasSpecial: Bool { special < 0 }
    }
}

/// How a kernel puts the sign on a magnitude code and which lanes it must leave to the scalar engine.
protocol EncodeSignMode {
    /// Whether `code` reads the magnitude beyond its low bits (to test for zero).
    static var readsWholeMagnitude: Bool { get }
    /// The code of a lane with input bits `x` and rounded magnitude code `magnitude`.
    static func code(_ magnitude: UInt32, _ x: Int32, _ p: borrowing KernelParameters) -> UInt32
    /// A value whose sign bit is set iff the lane is special.
    static func special(_ x: Int32, _ a: Int32, _ p: borrowing KernelParameters) -> Int32
}

/// A sign bit above the magnitude, −0 kept (IEEE, FN, `none` formats).
enum SignMagnitudeMode: EncodeSignMode {
    static var readsWholeMagnitude: Bool { false }
    @inline(__always) static func code(_ m: UInt32, _ x: Int32, _ p: borrowing KernelParameters) -> UInt32 {
        m | UInt32(bitPattern: (x &>> p.signShift) & p.signBit)
    }
    @inline(__always) static func special(_ x: Int32, _ a: Int32, _ p: borrowing KernelParameters) -> Int32 {
        p.special &- a
    }
}

/// A sign bit, but no −0 (FNUZ, P3109): a zero magnitude stays +0.
enum SignMagnitudeNoNegativeZeroMode: EncodeSignMode {
    static var readsWholeMagnitude: Bool { true }
    @inline(__always) static func code(_ m: UInt32, _ x: Int32, _ p: borrowing KernelParameters) -> UInt32 {
        let sign = UInt32(bitPattern: (x &>> p.signShift) & p.signBit)
        return m | (m == 0 ? 0 : sign)
    }
    @inline(__always) static func special(_ x: Int32, _ a: Int32, _ p: borrowing KernelParameters) -> Int32 {
        p.special &- a
    }
}

/// No sign bit: every negative input goes to the scalar engine (and, for E8M0-like formats, every
/// input below `lowSpecial`).
enum UnsignedMode: EncodeSignMode {
    static var readsWholeMagnitude: Bool { false }
    @inline(__always) static func code(_ m: UInt32, _ x: Int32, _ p: borrowing KernelParameters) -> UInt32 { m }
    @inline(__always) static func special(_ x: Int32, _ a: Int32, _ p: borrowing KernelParameters) -> Int32 {
        // Negative for x > special, for negative x, and for x < lowSpecial (zero and Floats below
        // 2^−126 in the formats that leave them to the scalar engine).
        (p.special &- x) | (x &- p.lowSpecial)
    }
}

/// Two's complement (MXINT8): negative codes are `−magnitude` modulo `2^K`.
enum TwosComplementMode: EncodeSignMode {
    static var readsWholeMagnitude: Bool { false }
    @inline(__always) static func code(_ m: UInt32, _ x: Int32, _ p: borrowing KernelParameters) -> UInt32 {
        let negative = UInt32(bitPattern: x &>> 31)
        return ((m ^ negative) &- negative) & p.codeMask
    }
    @inline(__always) static func special(_ x: Int32, _ a: Int32, _ p: borrowing KernelParameters) -> Int32 {
        p.special &- a
    }
}

/// Which terms of the general kernel's rounding addend a rule uses.
protocol EncodeRuleShape {
    /// The lsb term (ties-to-even style decisions: stochastic C, to odd).
    static var lsb: Bool { get }
    /// The sign term (up, down).
    static var negative: Bool { get }
    /// The sticky bit of tiny lanes (rules that look at the bits below `T`).
    static var sticky: Bool { get }
    /// The random term (stochastic rules).
    static var random: Bool { get }
}
/// Nearest-away/zero, up, down, away, to odd.
enum FullShape: EncodeRuleShape {
    static var lsb: Bool { true }
    static var negative: Bool { true }
    static var sticky: Bool { true }
    static var random: Bool { false }
}
/// Toward zero: nothing is added.
enum TruncateShape: EncodeRuleShape {
    static var lsb: Bool { false }
    static var negative: Bool { false }
    static var sticky: Bool { false }
    static var random: Bool { false }
}
/// Stochastic A and B: a constant and the random bits.
enum StochasticABShape: EncodeRuleShape {
    static var lsb: Bool { false }
    static var negative: Bool { false }
    static var sticky: Bool { false }
    static var random: Bool { true }
}
/// Stochastic C: ties-to-even of `ν·2^N` needs the lsb and the sticky bit.
enum StochasticCShape: EncodeRuleShape {
    static var lsb: Bool { true }
    static var negative: Bool { false }
    static var sticky: Bool { true }
    static var random: Bool { true }
}

/// How tiny lanes (`|x| < 2^emin`) are coded: on the subnormal grid (the code is the count of
/// quanta), or flushed (`{0, 2^emin}`, code `n << M`).
protocol EncodeTinyMode { static var general: Bool { get } }
enum SubnormalTiny: EncodeTinyMode { static var general: Bool { false } }
enum GeneralTiny: EncodeTinyMode { static var general: Bool { true } }

/// The run-time parameters of every kernel, derived from the format and the rules by
/// ``FastEncodePlan``: the C struct `ExMyKernelParameters` (Sources/CExMyKernels/include), so that
/// the Swift loops here and their C transcriptions read one definition. Fields: `sh` (23 − M,
/// the bits dropped from a normal significand), `off` (`(127 − bias) << M`, wrapping), `tinyBits`
/// (bits of 2^emin), `special` (bits of the greatest magnitude a kernel may handle), `lowSpecial`
/// (unsigned formats: inputs below it are special too), `signShift` (32 − K), `signBit`, `codeMask`,
/// `tinyShift` (flushing: a tiny lane's 0/1 becomes 0/2^M); nearest-even: `c0`, `lsbAnd`, `magic`,
/// `magicBits`; general: `tinyAdd`, `tinyBase`, `stickyBit`, `g0`, `gL`, `sL`, `gN`, `sR` (see the
/// header for each).
typealias KernelParameters = ExMyKernelParameters

extension EncodeKernels {
    /// Round to nearest, ties to even.
    ///
    /// Normal lanes: `(a + c0 − (off << sh) + lsb) >> sh`. Tiny lanes: `|x| + 2^(emin − M + 23)`
    /// rounds onto the fixed-point grid, ties to even, in the `Float` adder. (A `Float` max of the two
    /// would save the comparison, but the optimiser turns it back into an integer select: measured.)
    @inline(never)
    static func nearestEven<S: EncodeSignMode, T: EncodeTinyMode, C: BatchCode>(
        _ src: UnsafePointer<Int32>, _ dst: UnsafeMutablePointer<C>, _ n: Int, _ p: KernelParameters,
        _: S.Type, _: T.Type
    ) -> Summary {
        var accSpecial: Int32 = 0
        let sh = p.sh, lsbAnd = p.lsbAnd, c0 = p.c0 &- (p.off &<< p.sh), tinyBits = p.tinyBits
        let magic = p.magic, magicBits = p.magicBits, tinyShift = p.tinyShift
        var i = 0
        while i < n {
            let x = src[i]
            let a = x & 0x7FFF_FFFF
            let ua = UInt32(bitPattern: a)
            let normal = (ua &+ c0 &+ ((ua &>> sh) & lsbAnd)) &>> sh
            var small = (Float(bitPattern: ua) + magic).bitPattern
            // The low 23 bits of `magicBits` are zero: codes of at most 16 bits need no subtraction.
            if C.bitWidth > 16 || S.readsWholeMagnitude { small &-= magicBits }
            if T.general { small = small &<< tinyShift }
            let magnitude = a < tinyBits ? small : normal
            dst[i] = C(truncatingIfNeeded: S.code(magnitude, x, p))
            accSpecial |= S.special(x, a, p)
            i &+= 1
        }
        return Summary(special: accSpecial)
    }

    /// The binary32 layout: the code is the input's bits (NaN and ±∞ are special lanes).
    @inline(never)
    static func identity<C: BatchCode>(_ src: UnsafePointer<Int32>, _ dst: UnsafeMutablePointer<C>, _ n: Int, _ p: KernelParameters) -> Summary {
        var accSpecial: Int32 = 0
        let special = p.special
        var i = 0
        while i < n {
            let x = src[i]
            dst[i] = C(truncatingIfNeeded: UInt32(bitPattern: x))
            accSpecial |= special &- (x & 0x7FFF_FFFF)
            i &+= 1
        }
        return Summary(special: accSpecial)
    }

    /// Every rule but ties-to-even: `add = g0 + (lsb ? gL : 0) + (negative ? gN : 0) + (R << sR)`
    /// before the shift, with the terms a rule does not use compiled out (``EncodeRuleShape``).
    @inline(never)
    static func general<S: EncodeSignMode, T: EncodeTinyMode, R: EncodeRuleShape, C: BatchCode>(
        _ src: UnsafePointer<Int32>, _ dst: UnsafeMutablePointer<C>, _ n: Int, _ p: KernelParameters,
        _ random: UnsafePointer<UInt32>?, _: S.Type, _: T.Type, _: R.Type
    ) -> Summary {
        // A dummy pointer that the loop never reads when the shape draws no random bits.
        generalLoop(src, dst, n, p, random ?? UnsafePointer(bitPattern: 16)!, S.self, T.self, R.self)
    }

    /// When flushing, a tiny lane's rounded `0`/`1` becomes the code `0`/`2^M`.
    @inline(__always)
    static func generalLoop<S: EncodeSignMode, T: EncodeTinyMode, R: EncodeRuleShape, C: BatchCode>(
        _ src: UnsafePointer<Int32>, _ dst: UnsafeMutablePointer<C>, _ n: Int, _ p: KernelParameters,
        _ random: UnsafePointer<UInt32>, _: S.Type, _: T.Type, _: R.Type
    ) -> Summary {
        var accSpecial: Int32 = 0
        let sh = p.sh, off = p.off, tinyBits = p.tinyBits, tinyShift = p.tinyShift
        let tinyAdd = p.tinyAdd, tinyBase = p.tinyBase, stickyBit = p.stickyBit
        let g0 = p.g0, gL = p.gL, sL = p.sL, gN = p.gN, sR = p.sR
        var i = 0
        while i < n {
            let x = src[i]
            let a = x & 0x7FFF_FFFF
            let ua = UInt32(bitPattern: a)
            // T for tiny lanes: ⌊|x| / quantum⌋ (+ off << sh), with a sticky bit below it.
            let fa = Float(bitPattern: ua)
            let s = fa + tinyAdd
            let r = (s - tinyAdd).bitPattern
            // Signed comparison (both are non-negative): SSE2 has no unsigned one.
            var small = s.bitPattern &- tinyBase &- (Int32(bitPattern: r) > a ? 1 : 0)
            if R.sticky { small |= r != ua ? stickyBit : 0 }
            let tiny = a < tinyBits
            let t = tiny ? small : ua
            var add = g0
            if R.lsb { add &+= (0 &- ((t &>> sL) & 1)) & gL }
            if R.negative { add &+= UInt32(bitPattern: x &>> 31) & gN }
            if R.random { add &+= random[i] &<< sR }
            let raw = (t &+ add) &>> sh
            let magnitude: UInt32
            if T.general {
                magnitude = tiny ? raw &<< tinyShift : raw &- off
            } else {
                magnitude = raw &- off
            }
            dst[i] = C(truncatingIfNeeded: S.code(magnitude, x, p))
            accSpecial |= S.special(x, a, p)
            i &+= 1
        }
        return Summary(special: accSpecial)
    }
}
