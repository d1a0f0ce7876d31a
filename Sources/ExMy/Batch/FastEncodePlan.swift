internal import CExMyKernels

/// The run-time parameters of every encode kernel, derived from the format and the rule by
/// ``FastEncodePlan``: the C struct `ExMyKernelParameters` (Sources/CExMyKernels/include, which
/// documents each field; EncodeBody.h has the arithmetic that reads them).
typealias KernelParameters = ExMyKernelParameters

/// Which (format, rule) pairs the vector kernels handle, and their parameters.
///
/// Eligible: formats of at most 32 bits with `M ≤ 21` and `−126 ≤ emin ≤ 100`, sign-magnitude,
/// unsigned or two's complement, with or without subnormals; unsigned formats may also have no
/// zero or `emin = −127` (E8M0, P3109 `binary8p1u*`: their lanes below 2^−126 go to the scalar
/// engine). That is every catalog format, P3109 formats of up to 16 bits, and FP32 itself (for
/// `Float`, `Float16` and bfloat16 inputs its code is the input's bits). Rules: ties-to-even (with
/// `M = 0` and ties to the even code only where `127 − bias` is even: not the P3109 `binaryKp1`
/// formats, which the scalar engine rounds), toward
/// zero, nearest-away, nearest-zero, up, down, away, to odd (not with `M = 0`), and the stochastic
/// variants A (`N ≤ 23 − M`), B (`N ≤ 22 − M`) and C (`N ≤ 21 − M`), `N ≤ 32`. Exact-probability
/// stochastic rounding and wider formats go through the scalar engine element by element (still
/// no allocation per element).
///
/// The kernels are the C loops of `CExMyKernels` (EncodeBody.h): one set serves every eligible
/// format, which enters only through these parameters. Every lane that a kernel does not handle
/// exactly is *special*; the driver (``BatchEncoder``) re-encodes exactly those elements with the
/// scalar engine, so every code is the scalar engine's.
struct FastEncodePlan: Sendable {
    enum Kernel: Sendable { case nearestEven, general, truncate, stochasticAB, stochasticC, identity }
    enum Sign: Sendable { case signMagnitude, noNegativeZero, unsigned, twosComplement }

    let kernel: Kernel
    let sign: Sign
    let tinyGeneral: Bool
    /// Bytes of the natural code type (1, 2 or 4).
    let codeBytes: Int
    let params: KernelParameters
    /// N for the stochastic kernels.
    let randomBits: Int
    /// Whether the kernel gives the scalar engine's codes on `Double` inputs narrowed to odd
    /// (`exmy_simd_widen_double`): the odd bit stands for all dropped bits, so a rule may read the lane's
    /// bits only down to one place above it. Every deterministic rule and stochastic C do
    /// (`N ≤ 21 − M`); stochastic A reads N bits below the rounding position (exact for
    /// `N ≤ 22 − M`) and B reads N + 1 (exact for `N ≤ 21 − M`). The rest of those `Double` jobs go
    /// through the scalar engine.
    let acceptsNarrowedDoubles: Bool
    // Flag scans.
    let lowMask: UInt32
    let scanMagic: Float
    let tinyAlwaysInexact: Bool
    let tinyNonzeroLimit: Int32
    /// Which instance of the C loops runs (``EncodeLoops``); the identity kernel is a Swift copy loop.
    var loops: EncodeLoops

    init?(format f: FloatFormat, rounding rule: RoundingRule) {
        let m = f.significandBitCount, k = f.bitWidth, emin = f.leastNormalExponent
        // The binary32 layout itself: a Float is its own code (NaN, ±∞ and Double inputs excepted).
        if m == 23, k == 32, emin == -126, f.signedness == .signMagnitude, f.specials == .ieee, f.hasSubnormals {
            self = FastEncodePlan(identity: f)
            return
        }
        guard k <= 32, m <= 21, emin >= -127, emin <= 100 else { return nil }
        // Below 2^-126 a Float is subnormal, and the integer path needs a normal one: formats whose
        // grid reaches below 2^-126 (E8M0, P3109 binary8p1u*) and formats without zero leave those
        // lanes, zero included, to the scalar engine. Only unsigned formats are like that.
        let lowSpecial: Int32
        if emin < -126 || !f.hasZero {
            guard f.signedness == .unsigned else { return nil }
            lowSpecial = max(Self.bits(exponent: emin), emin < -126 ? 0x0080_0000 : 0)
        } else {
            lowSpecial = 0
        }
        let sh = 23 - m

        var kernel: Kernel
        var randomBits = 0
        // Bits below the rounding position the rule reads from a lane (stochastic A and B).
        var bitsRead = 0
        // With M = 0 and ties to the even code (P3109), the nearest-even kernel reads the parity of
        // the Float exponent field, which is the parity of the code when `off` (127 − bias) is even.
        // Otherwise (every P3109 binaryKp1 format: the bias is a power of two) the scalar engine
        // rounds.
        let codeParity = m == 0 && f.tieBreak == .evenCode
        let offIsEven = (127 - f.bias) & 1 == 0
        switch rule {
        case .toNearestOrEven:
            if codeParity && !offIsEven { return nil }
            kernel = .nearestEven
        case .towardZero:
            kernel = .truncate
        case .toNearestOrAwayFromZero, .toNearestOrZero, .up, .down, .awayFromZero:
            kernel = .general
        case .toOdd:
            // With M = 0 every normal value is odd: the lsb term would read the exponent's parity.
            guard m >= 1 else { return nil }
            kernel = .general
        case .stochasticA(let n), .stochasticB(let n), .stochasticC(let n):
            guard n >= 1, n <= 32 else { return nil }
            let limit: Int
            switch rule {
            case .stochasticA: limit = sh
            case .stochasticB: limit = sh - 1
            default: limit = sh - 2
            }
            guard n <= limit else { return nil }
            if case .stochasticC = rule { kernel = .stochasticC } else { kernel = .stochasticAB }
            if case .stochasticA = rule { bitsRead = n }
            if case .stochasticB = rule { bitsRead = n + 1 }
            randomBits = n
        case .stochastic:
            return nil
        }

        var p = KernelParameters()
        p.sh = UInt32(sh)
        let off = UInt32(bitPattern: Int32(truncatingIfNeeded: (127 - f.bias) << m))
        p.off = off
        p.tinyBits = Self.bits(exponent: emin)
        p.lowSpecial = lowSpecial
        // The greatest magnitude a kernel may handle: the greatest finite value (the positive one,
        // the smaller, for two's complement), or the greatest Float below it; at most the greatest
        // Float below FLT_MAX, because a Double beyond FLT_MAX reaches the kernels narrowed to
        // ±FLT_MAX with the odd bit (`exmy_simd_widen_double`), which must be special.
        let greatest = f.greatestFiniteMagnitude
        var limit = Float(greatest)
        if Double(limit) > greatest { limit = limit.nextDown }
        limit = min(limit, Float.greatestFiniteMagnitude.nextDown)
        p.special = Int32(bitPattern: limit.bitPattern)
        p.signShift = Int32(32 - k)
        p.signBit = f.signedness == .signMagnitude ? Int32(truncatingIfNeeded: UInt32(1) << UInt32(k - 1)) : 0
        p.codeMask = k == 32 ? .max : (UInt32(1) << UInt32(k)) - 1

        let tinyGeneral = !f.hasSubnormals
        p.tinyShift = f.hasSubnormals ? 0 : UInt32(m)
        // Nearest-even kernel.
        // With M = 0 and even-significand ties every normal value is odd: ties go up (c0 = half).
        let lsbTerm = m > 0 || codeParity
        p.c0 = lsbTerm ? (UInt32(1) << UInt32(sh - 1)) - 1 : UInt32(1) << UInt32(sh - 1)
        p.lsbAnd = lsbTerm ? 1 : 0
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
        self.acceptsNarrowedDoubles = bitsRead <= sh - 1
        self.lowMask = full1
        self.scanMagic = Self.float(exponent: emin - m + 23)
        self.tinyAlwaysInexact = !f.hasSubnormals
        self.tinyNonzeroLimit = p.tinyBits &- 1
        self.loops = EncodeLoops.selected
    }

    /// The binary32 layout: codes are the input bits; NaN and ±∞ lanes are special.
    private init(identity f: FloatFormat) {
        var p = KernelParameters()
        p.special = Int32(bitPattern: Float.greatestFiniteMagnitude.bitPattern)
        p.tinyBits = Self.bits(exponent: -126)
        self.kernel = .identity
        self.sign = .signMagnitude
        self.tinyGeneral = false
        self.codeBytes = 4
        self.params = p
        self.randomBits = 0
        // A Double must be rounded, and this kernel only copies bits.
        self.acceptsNarrowedDoubles = false
        self.lowMask = 0
        self.scanMagic = Self.float(exponent: -126)
        self.tinyAlwaysInexact = false
        self.tinyNonzeroLimit = p.tinyBits &- 1
        self.loops = .portable
    }

    static func float(exponent e: Int) -> Float { Float(sign: .plus, exponent: e, significand: 1) }
    static func bits(exponent e: Int) -> Int32 { Int32(bitPattern: float(exponent: e).bitPattern) }

    // MARK: Dispatch (the loops are C: `CExMyKernels`, instance `loops.isa`)

    /// What a kernel saw in a block: the driver fixes special lanes and scans for flags.
    struct Summary {
        /// Sign bit set iff some lane is special.
        var special: Int32
        var hasSpecial: Bool { special < 0 }
    }

    /// Runs the kernel on `n` lanes into codes of type `C` (the natural code type, or a wider one
    /// for the identity kernel). `streaming` asks for non-temporal stores (``StreamingStores``;
    /// honoured by the x86 instances).
    func run<C: BatchCode>(_ src: UnsafePointer<Int32>, _ dst: UnsafeMutablePointer<C>, _ n: Int, _ random: ExMyCounterRandom?, streaming: Bool = false) -> Summary {
        if kernel == .identity { return Self.identity(src, dst, n, params) }
        return runC(src, UnsafeMutableRawPointer(dst), n, random, codeLayout: Int32(MemoryLayout<C>.size), streaming: streaming)
    }

    /// Runs the kernel on `n` lanes of a 4-bit format into packed codes (two per byte, the first in
    /// the low nibble) at `dst`; lane 0 starts a byte.
    func runPacked4(_ src: UnsafePointer<Int32>, _ dst: UnsafeMutableRawPointer, _ n: Int, _ random: ExMyCounterRandom?, streaming: Bool = false) -> Summary {
        precondition(kernel != .identity && codeBytes == 1, "packed kernels are byte-code kernels")
        return runC(src, dst, n, random, codeLayout: Int32(EXMY_CODES_PACKED4), streaming: streaming)
    }

    /// `codeLayout`: the code bytes (1, 2, 4) or `EXMY_CODES_PACKED4`. The stochastic kernels compute
    /// their random bits from the counter run `random` in their loop.
    private func runC(_ src: UnsafePointer<Int32>, _ dst: UnsafeMutableRawPointer, _ n: Int, _ random: ExMyCounterRandom?, codeLayout: Int32, streaming: Bool) -> Summary {
        guard let k = kernelCode else { preconditionFailure("the identity kernel has no C form") }
        precondition(random != nil || (kernel != .stochasticAB && kernel != .stochasticC), "stochastic kernels need their random run")
        let nt: Int32 = streaming ? 1 : 0
        let special = withUnsafePointer(to: params) { p in
            if let random {
                return withUnsafePointer(to: random) { exmy_simd_encode(loops.isa, p, k, signCode, tinyGeneral ? 1 : 0, codeLayout, src, dst, n, $0, nt) }
            }
            return exmy_simd_encode(loops.isa, p, k, signCode, tinyGeneral ? 1 : 0, codeLayout, src, dst, n, nil, nt)
        }
        return Summary(special: special)
    }

    /// The kernel as the C loops name it (nil for the identity kernel, which has no C form).
    var kernelCode: Int32? {
        switch kernel {
        case .nearestEven: return Int32(EXMY_KERNEL_NEAREST_EVEN)
        case .general: return Int32(EXMY_KERNEL_GENERAL)
        case .truncate: return Int32(EXMY_KERNEL_TRUNCATE)
        case .stochasticAB: return Int32(EXMY_KERNEL_STOCHASTIC_AB)
        case .stochasticC: return Int32(EXMY_KERNEL_STOCHASTIC_C)
        case .identity: return nil
        }
    }

    /// The sign encoding as the C loops name it.
    var signCode: Int32 {
        switch sign {
        case .signMagnitude: return Int32(EXMY_SIGN_MAGNITUDE)
        case .noNegativeZero: return Int32(EXMY_SIGN_NO_NEGATIVE_ZERO)
        case .unsigned: return Int32(EXMY_SIGN_UNSIGNED)
        case .twosComplement: return Int32(EXMY_SIGN_TWOS_COMPLEMENT)
        }
    }

    /// The binary32 layout: the code is the input's bits (NaN and ±∞ are special lanes). A copy,
    /// widened to the code type.
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

    /// Whether the lane with bits `x` is special (exactly the kernels' criterion).
    @inline(__always)
    func isSpecial(_ x: Int32) -> Bool {
        withUnsafePointer(to: params) { exmy_lane_special($0, signCode, x) < 0 }
    }

    // MARK: Flag scans (exactness does not depend on the rule)

    /// Whether some non-special lane is inexact. Scans in groups of 256 and stops at the first hit.
    func anyInexact(_ src: UnsafePointer<Int32>, _ n: Int) -> Bool { scan(src, n, tinyOnly: false) }

    /// Whether some lane is tiny and nonzero (a cheap first test before ``anyTinyInexact(_:_:)``).
    func anyTinyNonzero(_ src: UnsafePointer<Int32>, _ n: Int) -> Bool {
        exmy_simd_any_tiny_nonzero(scanISA, src, n, tinyNonzeroLimit) != 0
    }

    /// Whether some non-special tiny lane is inexact (underflow).
    func anyTinyInexact(_ src: UnsafePointer<Int32>, _ n: Int) -> Bool { scan(src, n, tinyOnly: true) }

    private func scan(_ src: UnsafePointer<Int32>, _ n: Int, tinyOnly: Bool) -> Bool {
        withUnsafePointer(to: params) {
            exmy_simd_scan_inexact(scanISA, $0, signCode, tinyOnly ? 1 : 0, tinyAlwaysInexact ? 1 : 0, lowMask, scanMagic, src, n) != 0
        }
    }

    /// The instance the scans run: the plan's, or for the identity kernel (whose plan says
    /// `.portable`) the selected one.
    private var scanISA: Int32 { kernel == .identity ? EncodeLoops.selected.isa : loops.isa }
}
