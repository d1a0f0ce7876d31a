internal import CExMyKernels

/// The arithmetic decoder of codes of at most 8 bits into `Float` and `Double` (C compiled for AVX2 and
/// AVX-512, `DecodeKernels.c`), for one format and one copy of the kernel: its parameters, derived from the format and then *checked*
/// against the format's decode table on all 256 byte values.
///
/// The kernel builds a value from a code's bits (normal magnitudes by an integer add to the shifted
/// bits, subnormal ones as `Float(m) · 2^(emin − M)`), and takes the table's value for the
/// *exception* lanes: magnitudes at or above `exceptionMagnitude` (NaN and ±∞ sit at the top of the
/// magnitude range) and the single code `exceptionCode` (FNUZ's NaN at −0, E8M0's 2^−127). The
/// exceptions are found by running the kernel without them and comparing with the table; the plan
/// exists only if, with them, the kernel reproduces the table bit for bit for every byte. A lane
/// depends on its byte alone, so that check covers every input the decoder can be given (the
/// table itself comes from the scalar engine, `FloatFormat.decode`).
///
/// The same kernel decodes into `Double` by widening each lane's `Float` in hardware; that form is
/// used only if it too reproduces the format's `Double` table on all 256 bytes (``decodesDoubles``).
///
/// Formats without a plan (two's complement, exceptions that are not of that shape, a CPU without
/// AVX2, `EXMY_KERNELS=portable`) decode through the table, element by element.
struct DecodePlan: Sendable {
    let parameters: ExMyDecodeParameters
    /// The copy of the kernel that passed the check and runs (`.avx2` or `.avx512`).
    let loops: EncodeLoops
    /// Whether the `Double` form passed its check too (else `Double`s take the table path).
    let decodesDoubles: Bool

    /// The plan for `loops` (``EncodeLoops/selected`` unless the tests choose), or nil where those
    /// loops are the portable instance (the decoder has none) or the check fails. `table` holds the format's 256 `Float` values,
    /// `doubleTable` its 256 `Double` values.
    init?(format f: FloatFormat, table: UnsafePointer<Float>, doubleTable: UnsafePointer<Double>, loops: EncodeLoops = .selected) {
        let loops = loops.available
        guard loops != .portable, f.bitWidth <= 8, f.signedness != .twosComplement else { return nil }
        self.loops = loops
        let isa = loops.isa
        let k = f.bitWidth, m = f.significandBitCount
        let signed = f.signedness == .signMagnitude
        var p = ExMyDecodeParameters()
        p.codeMask = (1 << UInt32(k)) - 1
        p.magnitudeMask = signed ? (1 << UInt32(k - 1)) - 1 : p.codeMask
        p.signBit = signed ? 1 << UInt32(k - 1) : 0
        p.signShift = UInt32(32 - k)
        p.significandShift = UInt32(23 - m)
        p.normalAdd = UInt32(bitPattern: Int32(truncatingIfNeeded: (127 - f.bias) << 23))
        p.subnormalLimit = 1 << Int32(m)
        // Without subnormals an exponent field of 0 holds only zeros (and non-canonical codes, which
        // decode to zero); with M = 0 it holds only zero.
        p.subnormalScale = f.hasSubnormals && m > 0 ? Float(sign: .plus, exponent: f.leastNormalExponent - m, significand: 1) : 0
        p.exceptionMagnitude = .max
        p.exceptionCode = -1

        // The codes the arithmetic alone gets wrong, then the cheapest exception set covering them:
        // every magnitude from the least missed one up, or that with one code set apart.
        let missed = Self.mismatches(isa, p, table, expected: table).map { Int32($0) & Int32(p.codeMask) }
        if !missed.isEmpty {
            let magnitudes = missed.map { $0 & Int32(p.magnitudeMask) }
            let lowest = magnitudes.min()!
            let apart = missed[magnitudes.firstIndex(of: lowest)!]
            let restLowest = zip(missed, magnitudes).filter { $0.0 != apart }.map(\.1).min() ?? .max
            if restLowest > lowest {
                p.exceptionCode = apart
                p.exceptionMagnitude = restLowest
            } else {
                p.exceptionMagnitude = lowest
            }
            // At most an eighth of the magnitudes may be exceptions (else the table is as good).
            guard p.exceptionMagnitude > Int32(p.magnitudeMask) - Int32(p.magnitudeMask + 1) / 8 else { return nil }
        }
        guard Self.mismatches(isa, p, table, expected: table).isEmpty else { return nil }
        self.parameters = p
        self.decodesDoubles = Self.mismatches(isa, p, table, expected: doubleTable).isEmpty
    }

    /// The bytes whose values, decoded by the kernel into `T` (`Float` or `Double`), differ bit for
    /// bit from `expected`'s.
    private static func mismatches<T>(_ isa: Int32, _ p: ExMyDecodeParameters, _ table: UnsafePointer<Float>, expected: UnsafePointer<T>) -> [Int] {
        let size = MemoryLayout<T>.size
        let codes = (0..<256).map { UInt8($0) }
        let values = UnsafeMutableRawPointer.allocate(byteCount: 256 * size, alignment: 64)
        defer { values.deallocate() }
        codes.withUnsafeBufferPointer { src in
            withUnsafePointer(to: p) {
                if T.self == Double.self {
                    exmy_simd_decode_bytes_double(isa, $0, table, src.baseAddress, values.assumingMemoryBound(to: Double.self), 256, 0)
                } else {
                    exmy_simd_decode_bytes(isa, $0, table, src.baseAddress, values.assumingMemoryBound(to: Float.self), 256, 0)
                }
            }
        }
        return (0..<256).filter { code in
            let want = UnsafeRawPointer(expected + code)
            return (0..<size).contains { values.load(fromByteOffset: code * size + $0, as: UInt8.self) != want.load(fromByteOffset: $0, as: UInt8.self) }
        }
    }

    /// Decodes `n` FP4 codes packed two per byte from `src` (element 0 in the low nibble of
    /// `src[0]`) into `Float`s (`T` = `Float`) or `Double`s (only where ``decodesDoubles``).
    func decodePacked4<T>(_ table: UnsafePointer<Float>, _ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<T>, _ n: Int, streaming: Bool) {
        let wide = T.self == Double.self
        precondition(wide ? decodesDoubles : T.self == Float.self, "packed codes decode into Float, or Double where checked")
        withUnsafePointer(to: parameters) { exmy_simd_decode_packed4(loops.isa, $0, table, src, dst, n, wide ? 1 : 0, streaming ? 1 : 0) }
    }

    /// Decodes `n` one-byte codes into `Float`s (`T` = `Float`) or `Double`s (only where
    /// ``decodesDoubles``); `streaming` as in ``StreamingStores``.
    func decodeBytes<T>(_ table: UnsafePointer<Float>, _ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<T>, _ n: Int, streaming: Bool) {
        // A plan exists only for the x86 instances (`init` refuses `.portable`).
        let isa = loops.isa, nt: Int32 = streaming ? 1 : 0
        let raw = UnsafeMutableRawPointer(dst)
        withUnsafePointer(to: parameters) {
            if T.self == Double.self {
                precondition(decodesDoubles, "the Double form failed its check")
                exmy_simd_decode_bytes_double(isa, $0, table, src, raw.assumingMemoryBound(to: Double.self), n, nt)
            } else {
                precondition(T.self == Float.self, "one-byte codes decode into Float or Double")
                exmy_simd_decode_bytes(isa, $0, table, src, raw.assumingMemoryBound(to: Float.self), n, nt)
            }
        }
    }
}
