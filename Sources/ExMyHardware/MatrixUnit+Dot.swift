import ExMy
import ExMyAnalysis

/// One operand split for the alignment: `(−1)^negative · significand · 2^(exponent − fractionBits)`,
/// with `exponent` the format-level exponent (subnormals at the least normal exponent, a zero at the
/// model's zero exponent) — MMA-Sim's `extract_significand_exponent`.
@usableFromInline
struct UnitOperand: Sendable {
    @usableFromInline enum Kind: UInt8, Sendable { case finite, infinity, nan }
    @usableFromInline var significand: UInt64
    @usableFromInline var exponent: Int32
    @usableFromInline var negative: Bool
    @usableFromInline var kind: Kind

    @inlinable init(significand: UInt64, exponent: Int32, negative: Bool, kind: Kind) {
        self.significand = significand
        self.exponent = exponent
        self.negative = negative
        self.kind = kind
    }

    /// Splits the exact value `x` of an element of `format` (every ExMy value is an exact `Double`).
    @inlinable
    init(_ x: Double, format: FloatFormat, zeroExponent: Int) {
        if x.isNaN { self.init(significand: 0, exponent: 0, negative: false, kind: .nan); return }
        if x.isInfinite { self.init(significand: 0, exponent: 0, negative: x < 0, kind: .infinity); return }
        if x == 0 { self.init(significand: 0, exponent: Int32(zeroExponent), negative: x.sign == .minus, kind: .finite); return }
        let e = max(Int(x.exponent), format.leastNormalExponent)
        let m = format.significandBitCount
        // |x| · 2^(M − e) is an integer below 2^(M+1): exact in Double and in UInt64.
        let s = Double(sign: .plus, exponent: m - e, significand: x.magnitude)
        self.init(significand: UInt64(s), exponent: Int32(e), negative: x < 0, kind: .finite)
    }

    @inlinable var value: Double {
        switch kind {
        case .nan: return .nan
        case .infinity: return negative ? -.infinity : .infinity
        case .finite: return 0  // not used for finite operands
        }
    }
}

/// Storage of a decode table, freed with its last user.
@usableFromInline
final class OperandTable: @unchecked Sendable {
    let operands: UnsafeMutableBufferPointer<UnitOperand>
    let values: UnsafeMutableBufferPointer<Double>
    init(count: Int) {
        operands = .allocate(capacity: count)
        values = .allocate(capacity: count)
    }
    deinit {
        operands.deallocate()
        values.deallocate()
    }
}

/// A decoded view of a format's codes: a table for formats of at most 16 bits, else decoded on use.
/// The table is read through plain pointers (no reference counting in the inner loops); `storage`
/// keeps it alive.
@usableFromInline
struct OperandDecoder: @unchecked Sendable {
    @usableFromInline let format: FloatFormat
    @usableFromInline let zeroExponent: Int
    let storage: OperandTable?
    @usableFromInline let table: UnsafePointer<UnitOperand>?
    @usableFromInline let values: UnsafePointer<Double>?
    @usableFromInline let mask: UInt64

    init(_ format: FloatFormat, zeroExponent: Int) {
        self.format = format
        self.zeroExponent = zeroExponent
        mask = format.codeMask
        if format.bitWidth <= 16 {
            let n = Int(format.codeCount)
            let t = OperandTable(count: n)
            for code in 0..<n {
                let x = format.decode(UInt64(code))
                t.values[code] = x
                t.operands[code] = UnitOperand(x, format: format, zeroExponent: zeroExponent)
            }
            storage = t
            table = UnsafePointer(t.operands.baseAddress)
            values = UnsafePointer(t.values.baseAddress)
        } else {
            storage = nil
            table = nil
            values = nil
        }
    }

    @inlinable func operand(_ code: UInt64) -> UnitOperand {
        if let table { return table[Int(code & mask)] }
        return UnitOperand(format.decode(code & mask), format: format, zeroExponent: zeroExponent)
    }

    @inlinable func value(_ code: UInt64) -> Double {
        if let values { return values[Int(code & mask)] }
        return format.decode(code & mask)
    }
}

/// The decoders and constants of one model, built once and shared by every dot product.
public struct MatrixUnitKernel: Sendable {
    /// The model this kernel was built for (validated by ``init(_:)``).
    public let unit: MatrixUnit
    let a: OperandDecoder
    let b: OperandDecoder
    let scale: OperandDecoder?
    /// The zero exponent of the fused pipelines (−126 elsewhere too: AMD's pipelines use MMA-Sim's convention).
    let zeroExponent: Int
    /// The code of the accumulator format's NaN that the pipeline produces.
    let nanCode: UInt64

    /// Validates `unit` and builds its tables.
    public init(_ unit: MatrixUnit) throws {
        try unit.validate()
        self.unit = unit
        var z = -126
        if case .fusedGroup(let g) = unit.pipeline { z = g.zeroExponent }
        zeroExponent = z
        a = OperandDecoder(unit.aFormat, zeroExponent: z)
        b = OperandDecoder(unit.bFormat, zeroExponent: z)
        scale = unit.blockScale.map { OperandDecoder($0.format, zeroExponent: z) }
        let acc = unit.accumulatorFormat
        switch unit.pipeline {
        case .fusedGroup:
            // NVIDIA: the positive NaN with every significand bit set (0x7FFF_FFFF, 0x7FFF).
            nanCode = (acc.codeMask >> 1)
        default:
            nanCode = acc.encodeNaN(negative: false).code
        }
    }

    /// The code of `Σ a_i·b_i + c` for one row of A (codes `a`, stride 1), one column of B (codes
    /// `b`, element `i` at `b[i * bStride]`) and the accumulator code `c`, K = `a.count`, as the unit
    /// computes it: a chain of instructions (groups), each one's result the next one's C.
    ///
    /// Block scales: `scaleA[j]`, `scaleB[j * scaleBStride]` for block `j` (codes of the scale format).
    public func dot(
        a: UnsafeBufferPointer<UInt64>, b: UnsafePointer<UInt64>, bStride: Int, c: UInt64,
        scaleA: UnsafePointer<UInt64>? = nil, scaleB: UnsafePointer<UInt64>? = nil, scaleBStride: Int = 1
    ) -> UInt64 {
        let k = a.count
        switch unit.pipeline {
        case .fusedGroup(let g):
            var acc = c
            var start = 0
            repeat {
                let end = min(k, start + g.groupSize)
                acc = fusedGroup(g, a: a, b: b, bStride: bStride, range: start..<end, c: acc, scaleA: scaleA, scaleB: scaleB, scaleBStride: scaleBStride)
                start = end
            } while start < k
            return acc
        case .sequentialFMA(let rule):
            return sequentialFMA(rule, a: a, b: b, bStride: bStride, c: c)
        case .pairwiseFP32(let n, let flush):
            return pairwise(groupSize: n, flush: flush, a: a, b: b, bStride: bStride, c: c)
        case .fusedRoundDown(let n, let interleaved):
            var acc = c
            var start = 0
            repeat {
                let end = min(k, start + n)
                acc = fusedRoundDown(a: a, b: b, bStride: bStride, range: start..<end, c: acc, interleaved: interleaved)
                start = end
            } while start < k
            return acc
        case .exact(let rule, let groupSize):
            var acc = c
            var start = 0
            let n = groupSize ?? k
            repeat {
                let end = min(k, start + n)
                acc = exact(rule, a: a, b: b, bStride: bStride, c: acc, range: start..<end, scaleA: scaleA, scaleB: scaleB, scaleBStride: scaleBStride)
                start = end
            } while start < k
            return acc
        }
    }

    // MARK: - NVIDIA fused group

    /// One fused group (MMA-Sim `nv_fused_dot_add` / `nv_fused_dot_add_with_block_scale`).
    func fusedGroup(
        _ g: MatrixUnit.Pipeline.FusedGroup, a: UnsafeBufferPointer<UInt64>, b: UnsafePointer<UInt64>, bStride: Int,
        range: Range<Int>, c: UInt64, scaleA: UnsafePointer<UInt64>?, scaleB: UnsafePointer<UInt64>?, scaleBStride: Int
    ) -> UInt64 {
        let acc = unit.accumulatorFormat
        let cValue = acc.decode(c)
        let cOp = UnitOperand(cValue, format: acc, zeroExponent: zeroExponent)
        let ma = unit.aFormat.significandBitCount, mb = unit.bFormat.significandBitCount
        let block = unit.blockScale
        // 1. Specials, as IEEE arithmetic on the exact products and C would give them.
        var sawNaN = cOp.kind == .nan
        var posInf = cOp.kind == .infinity && !cOp.negative
        var negInf = cOp.kind == .infinity && cOp.negative
        var scaleA0 = UnitOperand(significand: 1, exponent: 0, negative: false, kind: .finite)
        var scaleB0 = scaleA0
        var scaleFraction = 0
        if let block, let scale, let scaleA, let scaleB {
            scaleFraction = block.format.significandBitCount
            for i in range {
                let j = i / block.blockSize
                let sa = scale.operand(scaleA[j]), sb = scale.operand(scaleB[j * scaleBStride])
                if sa.kind != .finite || sb.kind != .finite { sawNaN = true }
            }
            if sawNaN { return nanCode }
            _ = scaleA0; _ = scaleB0
        }
        for i in range {
            let x = self.a.operand(a[i]), y = self.b.operand(b[i * bStride])
            if x.kind == .nan || y.kind == .nan { sawNaN = true; continue }
            if x.kind == .infinity || y.kind == .infinity {
                if (x.kind == .finite && x.significand == 0) || (y.kind == .finite && y.significand == 0) { sawNaN = true; continue }
                if x.negative != y.negative { negInf = true } else { posInf = true }
            }
        }
        if sawNaN || (posInf && negInf) { return nanCode }
        if posInf || negInf { return acc.infinityCode(negative: negInf) ?? nanCode }
        // 2. The terms: (negative, significand, fraction bits, alignment exponent).
        var maxExponent = cOp.significand == 0 ? g.zeroExponent : Int(cOp.exponent)
        if let block, let sub = block.subBlockSize, let scale, let scaleA, let scaleB {
            // kind::mxf4nvf4: each sub-block's exact sum times its scales is one term.
            let ua = unit.aFormat.leastNormalExponent - ma, ub = unit.bFormat.leastNormalExponent - mb
            var terms: [(Bool, UInt64, Int, Int)] = [(cOp.negative, cOp.significand, acc.significandBitCount, maxExponent)]
            var s0 = range.lowerBound
            while s0 < range.upperBound {
                let s1 = min(range.upperBound, s0 + sub)
                var sum: Int64 = 0  // units of 2^(ua + ub)
                var allZero = true
                for i in s0..<s1 {
                    let x = self.a.operand(a[i]), y = self.b.operand(b[i * bStride])
                    if x.significand != 0 && y.significand != 0 { allZero = false }
                    let p = Int64(x.significand * y.significand) << Int64(Int(x.exponent) - ma - ua + Int(y.exponent) - mb - ub)
                    sum += x.negative != y.negative ? -p : p
                }
                let j = s0 / block.blockSize
                let sa = scale.operand(scaleA[j]), sb = scale.operand(scaleB[j * scaleBStride])
                // e_zero when every product of the sub-block is zero or a scale is zero (not when
                // nonzero products cancel).
                let e = allZero || sa.significand == 0 || sb.significand == 0 ? g.zeroExponent : Int(sa.exponent) + Int(sb.exponent)
                terms.append((sum < 0, sum.magnitude * sa.significand * sb.significand, -(ua + ub) + 2 * scaleFraction, e))
                maxExponent = max(maxExponent, e)
                s0 = s1
            }
            var total: Int128 = 0
            for t in terms { total += Self.aligned(negative: t.0, significand: t.1, fraction: t.2, exponent: t.3, max: maxExponent, f: g.fractionBits) }
            return roundOut(total, exponent: maxExponent - g.fractionBits, grid: g.outputGrid, rule: g.rounding)
        }
        var scaleExponent = 0
        if let block, let scale, let scaleA, let scaleB {
            // kind::mxf8f6f4: one scale pair per block; the scales' exponents add to the products'.
            let j = range.lowerBound / block.blockSize
            let sa = scale.operand(scaleA[j]), sb = scale.operand(scaleB[j * scaleBStride])
            scaleA0 = sa
            scaleB0 = sb
            scaleExponent = Int(sa.exponent) + Int(sb.exponent)
        }
        let scaleSignificand = scaleA0.significand * scaleB0.significand
        // A zero term (a zero product, a zero C) enters with the exponent e_zero.
        let cExponent = cOp.significand == 0 ? g.zeroExponent : Int(cOp.exponent)
        maxExponent = cExponent
        for i in range {
            let x = self.a.operand(a[i]), y = self.b.operand(b[i * bStride])
            let e = x.significand == 0 || y.significand == 0 ? g.zeroExponent : Int(x.exponent) + Int(y.exponent) + scaleExponent
            maxExponent = max(maxExponent, e)
        }
        var total = Self.aligned(negative: cOp.negative, significand: cOp.significand, fraction: acc.significandBitCount, exponent: cExponent, max: maxExponent, f: g.fractionBits)
        let productFraction = ma + mb + 2 * scaleFraction
        for i in range {
            let x = self.a.operand(a[i]), y = self.b.operand(b[i * bStride])
            total += Self.aligned(
                negative: x.negative != y.negative, significand: x.significand * y.significand * scaleSignificand,
                fraction: productFraction, exponent: Int(x.exponent) + Int(y.exponent) + scaleExponent, max: maxExponent, f: g.fractionBits)
        }
        return roundOut(total, exponent: maxExponent - g.fractionBits, grid: g.outputGrid, rule: g.rounding)
    }

    /// `±trunc(significand · 2^(f + exponent − max − fraction))`: a term aligned to the group's
    /// largest exponent and truncated (toward zero) to `f` fraction bits below it.
    static func aligned(negative: Bool, significand: UInt64, fraction: Int, exponent: Int, max: Int, f: Int) -> Int128 {
        if significand == 0 { return 0 }
        let shift = f + exponent - max - fraction
        let magnitude: Int128
        if shift >= 0 {
            magnitude = Int128(significand) << shift  // shift ≤ f + 2 < 64, significand < 2^56
        } else if shift > -64 {
            magnitude = Int128(significand >> UInt64(-shift))
        } else {
            magnitude = 0
        }
        return negative ? -magnitude : magnitude
    }

    /// The accumulator code of `total · 2^exponent` rounded onto `grid` with `rule`: +0 for an exact
    /// zero, ±∞ on overflow whatever the rule (MMA-Sim: the float conversion after the truncation).
    func roundOut(_ total: Int128, exponent: Int, grid: FloatFormat, rule: RoundingRule) -> UInt64 {
        let acc = unit.accumulatorFormat
        if total == 0 { return acc.encodeZero(negative: false, overflow: .none).code }
        let (significand, shift) = Self.roundedToOdd64(total.magnitude)
        var unused = SystemRandomNumberGenerator()
        let r = grid.encode(negative: total < 0, significand: significand, exponent: exponent + shift, rounding: rule, overflow: .none, random: &unused)
        if r.status.contains(.overflow) { return acc.infinityCode(negative: total < 0) ?? nanCode }
        let value = grid.decode(r.code)
        if value == 0 { return acc.encodeZero(negative: false, overflow: .none).code }  // an underflow to −0 reads +0
        if grid == acc { return r.code }
        return acc.encode(value).code  // the grid's values are exact in the accumulator
    }

    /// A nonzero 128-bit magnitude as a 64-bit significand and a left shift, rounded to odd (the lost
    /// bits are ORed into bit 0, so any later rounding to fewer than 63 bits is unaffected).
    static func roundedToOdd64(_ x: UInt128) -> (UInt64, Int) {
        let high = UInt64(truncatingIfNeeded: x >> 64)
        if high == 0 { return (UInt64(truncatingIfNeeded: x), 0) }
        let shift = 64 - high.leadingZeroBitCount
        let kept = UInt64(truncatingIfNeeded: x >> shift)
        let lost = x & ((UInt128(1) << shift) - 1)
        return (kept | (lost != 0 ? 1 : 0), shift)
    }

    // MARK: - AMD

    /// `acc = round(acc + a_i·b_i)` for each product in turn, one rounding each (fmaf on FP32).
    func sequentialFMA(_ rule: RoundingRule, a: UnsafeBufferPointer<UInt64>, b: UnsafePointer<UInt64>, bStride: Int, c: UInt64) -> UInt64 {
        let acc = unit.accumulatorFormat
        var code = c
        for i in 0..<a.count {
            code = acc.fusedMultiplyAdd(self.a.value(a[i]), self.b.value(b[i * bStride]), acc.decode(code), rounding: rule, overflow: .none).code
        }
        return code
    }

    /// CDNA1/CDNA2 FP16/BF16: products and a balanced tree of FP32 additions per group.
    func pairwise(groupSize: Int, flush: Bool, a: UnsafeBufferPointer<UInt64>, b: UnsafePointer<UInt64>, bStride: Int, c: UInt64) -> UInt64 {
        let acc = unit.accumulatorFormat  // FP32
        func input(_ x: Double, _ f: FloatFormat) -> Float {
            // CDNA2 flushes subnormal inputs to +0 (MMA-Sim `flush_denormal`, sign not kept).
            if flush && x != 0 && x.magnitude < f.leastNormalMagnitude { return 0 }
            return Float(x)
        }
        func flushed(_ x: Float) -> Float { flush && x.magnitude < Float.leastNormalMagnitude ? x * 0 : x }
        func tree(_ lo: Int, _ hi: Int) -> Float {
            if hi - lo == 1 {
                let x = input(self.a.value(a[lo]), unit.aFormat), y = input(self.b.value(b[lo * bStride]), unit.bFormat)
                return flushed(x * y)  // one FP32 rounding (exact for FP16; BF16 may underflow or overflow)
            }
            let m = (hi - lo) / 2
            let l = tree(lo, lo + m), r = tree(lo + m, hi)
            return flushed(l + r)
        }
        var sum = input(acc.decode(c), acc)
        var start = 0
        while start < a.count {
            let end = min(a.count, start + groupSize)
            sum = flushed(sum + tree(start, end))
            start = end
        }
        return UInt64(sum.bitPattern)
    }

    /// CDNA3 FP16/BF16/XF32/FP8: MMA-Sim `amd_fused_dot_rd_add`, one group.
    func fusedRoundDown(a: UnsafeBufferPointer<UInt64>, b: UnsafePointer<UInt64>, bStride: Int, range: Range<Int>, c: UInt64, interleaved: Bool) -> UInt64 {
        let acc = unit.accumulatorFormat  // FP32
        let cValue = acc.decode(c)
        // Specials: IEEE arithmetic on the exact products; without `interleaved`, a finite product of
        // magnitude ≥ 2^128 counts as an infinity of its sign.
        var sawNaN = false, posInf = false, negInf = false
        var productExponent = Int.min  // the largest exponent of a finite nonzero product
        for i in range {
            let x = self.a.value(a[i]), y = self.b.value(b[i * bStride])
            let p = x * y  // exact or ±∞/NaN: inputs have M ≤ 26
            if p.isNaN { sawNaN = true } else if p.isInfinite || (!interleaved && p.magnitude >= 0x1p128) {
                if p < 0 { negInf = true } else { posInf = true }
            } else if p != 0 {
                productExponent = max(productExponent, Int(self.a.operand(a[i]).exponent) + Int(self.b.operand(b[i * bStride]).exponent))
            }
        }
        // A NaN or infinite C. With `interleaved`, MMA-Sim gives it the exponent −1 (frexp's) and drops
        // it, as any C more than 25 binades below the products, when the products' exponent exceeds 24: the
        // result is then the products' sum alone (a departure from IEEE 754 that MMA-Sim models).
        var cDropped = false
        if cValue.isNaN || cValue.isInfinite {
            if interleaved && productExponent > 24 {
                cDropped = true
            } else if cValue.isNaN {
                sawNaN = true
            } else if cValue < 0 {
                negInf = true
            } else {
                posInf = true
            }
        }
        if sawNaN || (posInf && negInf) { return acc.encodeNaN(negative: false).code }
        if posInf || negInf { return acc.infinityCode(negative: negInf) ?? acc.encodeNaN(negative: false).code }
        let ma = unit.aFormat.significandBitCount, mb = unit.bFormat.significandBitCount
        let f = 24, f2 = 31
        let zeroProduct = -999  // MMA-Sim: a zero product never sets the group's exponent
        // Σ trunc(products) with 24 fraction bits below their largest exponent: (sum, exponent).
        func fusedSum(_ indices: StrideTo<Int>) -> (Int128, Int) {
            var e = zeroProduct
            for i in indices {
                let x = self.a.operand(a[i]), y = self.b.operand(b[i * bStride])
                if x.significand != 0 && y.significand != 0 { e = max(e, Int(x.exponent) + Int(y.exponent)) }
            }
            var s: Int128 = 0
            for i in indices {
                let x = self.a.operand(a[i]), y = self.b.operand(b[i * bStride])
                s += Self.aligned(negative: x.negative != y.negative, significand: x.significand * y.significand, fraction: ma + mb,
                                  exponent: Int(x.exponent) + Int(y.exponent), max: e, f: f)
            }
            return (s, e)
        }
        // floor(s · 2^(bits − fromBits + e − m)): s in units 2^(e − fromBits) to units 2^(m − bits).
        func floorTo(_ s: Int128, from fromBits: Int, exponent e: Int, bits: Int, max m: Int) -> Int128 {
            let shift = bits - fromBits + e - m
            if shift >= 0 { return s << shift }
            if shift <= -127 { return s < 0 ? -1 : 0 }
            return s >> (-shift)  // arithmetic shift: floor
        }
        var s: Int128, e: Int
        if interleaved {
            let (s0, e0) = fusedSum(stride(from: range.lowerBound, to: range.upperBound, by: 2))
            let (s1, e1) = fusedSum(stride(from: range.lowerBound + 1, to: range.upperBound, by: 2))
            e = max(e0, e1)
            s = floorTo(s0, from: f, exponent: e0, bits: f, max: e) + floorTo(s1, from: f, exponent: e1, bits: f, max: e)
        } else {
            (s, e) = fusedSum(stride(from: range.lowerBound, to: range.upperBound, by: 1))
        }
        // C enters with its own exponent (−126 for a zero), rounded down to 24 fraction bits below
        // the larger exponent; the product sum rounded down to F2 + 1 = 32.
        let cOp = cDropped
            ? UnitOperand(significand: 0, exponent: -1, negative: false, kind: .finite)
            : UnitOperand(cValue, format: acc, zeroExponent: acc.leastNormalExponent)
        let m = max(e, Int(cOp.exponent))
        let sum32 = floorTo(s, from: f, exponent: e, bits: f2 + 1, max: m)
        let cSigned = cOp.negative ? -Int128(cOp.significand) : Int128(cOp.significand)
        var c24: Int128 = 0
        if !interleaved || Int(cOp.exponent) >= m - f - 1 {
            c24 = floorTo(cSigned, from: acc.significandBitCount, exponent: Int(cOp.exponent), bits: f, max: m)
        }
        var total = sum32 + (c24 << (f2 + 1 - f))  // units of 2^(m − 32)
        if total == 0 { return acc.encodeZero(negative: false, overflow: .none).code }
        // Normalise (exponent at least −126) and round down to F2 = 31 fraction bits.
        let top = 127 - total.magnitude.leadingZeroBitCount  // floor(log2 |total|)
        let normalized = max(m - 32 + top, acc.leastNormalExponent)
        var unitExponent = m - 32
        let drop = (normalized - f2) - unitExponent
        if drop > 0 {
            total = drop >= 127 ? (total < 0 ? -1 : 0) : total >> drop
            unitExponent += drop
        }
        if total == 0 { return acc.encodeZero(negative: false, overflow: .none).code }
        let (significand, shift) = Self.roundedToOdd64(total.magnitude)
        var unused = SystemRandomNumberGenerator()
        return acc.encode(negative: total < 0, significand: significand, exponent: unitExponent + shift, rounding: .toNearestOrEven, overflow: .none, random: &unused).code
    }

    // MARK: - Exact reference

    func exact(
        _ rule: RoundingRule, a: UnsafeBufferPointer<UInt64>, b: UnsafePointer<UInt64>, bStride: Int, c: UInt64,
        range: Range<Int>, scaleA: UnsafePointer<UInt64>?, scaleB: UnsafePointer<UInt64>?, scaleBStride: Int
    ) -> UInt64 {
        let acc = unit.accumulatorFormat
        var sum = ExactAccumulator()
        sum.add(acc.decode(c))
        for i in range {
            var x = self.a.value(a[i]), y = self.b.value(b[i * bStride])
            if let block = unit.blockScale, let scale, let scaleA, let scaleB {
                let j = i / block.blockSize
                var sa = scale.value(scaleA[j]), sb = scale.value(scaleB[j * scaleBStride])
                if block.format.signedness == .signMagnitude { sa = sa.magnitude; sb = sb.magnitude }
                x *= sa  // exact: a power of two (E8M0) or a 4-bit significand times an FP4/FP8 element
                y *= sb
            }
            sum.addProduct(x, y)
        }
        var unused = SystemRandomNumberGenerator()
        return sum.rounded(into: acc, rule: rule, overflow: .none, random: &unused).code
    }
}
