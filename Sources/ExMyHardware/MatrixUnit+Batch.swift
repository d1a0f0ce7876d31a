internal import CExMyKernels
import Dispatch
import ExMy

/// The batched path of ``MatrixUnitKernel/multiply(_:threads:)`` for the fused-group pipeline (the
/// NVIDIA presets): the C kernel `exmy_fused_group_rows` (CExMyKernels/FusedGroupKernels.c),
/// vectorised over columns of B, with the scalar model (``MatrixUnitKernel/dot(a:b:bStride:c:scaleA:scaleB:scaleBStride:)``)
/// as the reference for everything the kernel does not take.
///
/// A plan exists only for models within the kernel's bounds, each checked here; a model outside
/// them runs the scalar model on every dot product, never a kernel that could give other bits:
/// - the accumulator is FP32 or FP16 (codes fit 32-bit lanes); the output grid has the
///   accumulator's exponent range, subnormals and at most its precision (FP32, E8M13, FP16);
///   rounding toward zero or to nearest even;
/// - block scales, if any, enter per product (no sub-block sums: `kind::mxf8f6f4`, not
///   `kind::mxf4nvf4`) and are powers of two (scale format with M = 0, e.g. E8M0); a scale that is
///   not a finite power of two sends its row or column to the scalar model;
/// - `pre = F − M_a − M_b ≥ 0` (products are integers `|s_a·s_b|·2^pre`), and the greatest term
///   `(2^(M_a+1) − 1)(2^(M_b+1) − 1)·2^pre` is below 2^31 (32-bit lanes; every preset: ≤ 2^27);
/// - `chunk = ⌊(2^31 − 1) / term bound⌋` terms (at most L) are summed in 32-bit lanes, and
///   `L · term bound + 2^(max(F, M_acc) + 1) < 2^52` bounds a group's sum with C (64-bit lanes,
///   exact as a `Double` where the kernel takes its exponent);
/// - e_zero is at most the accumulator's least normal exponent (C is in every group, so its
///   exponent or e_zero is already in the maximum: the kernel's zero products need no exponent),
///   and every exponent is within ±2^14 (the zero marker −2^24 stays far below).
///
/// Per element, the scalar model computes instead: rows of A and columns of B with a NaN or ±∞
/// (or a scale that is not a finite power of two), C elements that are NaN, ±∞ or not a code of the
/// accumulator, and dot products where some group's result reached the grid's top binade (a
/// possible overflow; the kernel flags it).
struct FusedGroupPlan {
    var parameters: ExMyFusedGroupParameters
    /// F − M_a − M_b: B's significands are packed times 2^pre.
    var pre: Int
    /// Whether the model has block scales (powers of two: their exponents enter the kernel).
    var hasScales: Bool

    init?(_ unit: MatrixUnit) {
        guard case .fusedGroup(let g) = unit.pipeline else { return nil }
        let acc = unit.accumulatorFormat, grid = g.outputGrid
        guard acc == .fp32 || acc == .fp16 else { return nil }
        guard grid == acc || (grid.specials == .ieee && grid.signedness == .signMagnitude && grid.hasSubnormals
                              && grid.exponentBitCount == acc.exponentBitCount && grid.bias == acc.bias
                              && grid.leastNormalExponent == acc.leastNormalExponent && grid.significandBitCount <= acc.significandBitCount)
        else { return nil }
        let nearestEven: Bool
        switch g.rounding {
        case .towardZero: nearestEven = false
        case .toNearestOrEven: nearestEven = true
        default: return nil
        }
        if let s = unit.blockScale {
            guard s.subBlockSize == nil, s.format.significandBitCount == 0, s.blockSize >= 1 else { return nil }
            guard Self.exponentsFit(s.format) else { return nil }
        }
        guard Self.exponentsFit(unit.aFormat), Self.exponentsFit(unit.bFormat) else { return nil }
        let ma = unit.aFormat.significandBitCount, mb = unit.bFormat.significandBitCount, macc = acc.significandBitCount
        let f = g.fractionBits, l = g.groupSize
        let pre = f - ma - mb
        guard pre >= 0, ma <= 26, mb <= 26, f <= 48 else { return nil }
        let termBound = ((1 << (ma + 1)) - 1) * ((1 << (mb + 1)) - 1)
        guard termBound < (1 << 31) >> pre else { return nil }
        let term = termBound << pre
        let chunk = min(l, Int(Int32.max) / term)
        guard chunk >= 1 else { return nil }
        let (groupBound, o1) = l.multipliedReportingOverflow(by: term)
        guard !o1, groupBound + (1 << (max(f, macc) + 1)) < 1 << 52 else { return nil }
        guard g.zeroExponent <= acc.leastNormalExponent, abs(g.zeroExponent) < 1 << 14 else { return nil }
        let gridMax = Int(grid.greatestFiniteMagnitude.exponent)
        parameters = ExMyFusedGroupParameters(
            groupSize: Int32(l), fractionBits: Int32(f), zeroExponent: Int32(g.zeroExponent), chunk: Int32(chunk),
            accBits: Int32(acc.bitWidth), accSignificandBits: Int32(macc), accMinExponent: Int32(acc.leastNormalExponent),
            gridSignificandBits: Int32(grid.significandBitCount), gridMaxExponent: Int32(gridMax), nearestEven: nearestEven ? 1 : 0,
            blockSize: Int32(unit.blockScale?.blockSize ?? 0))
        self.pre = pre
        hasScales = unit.blockScale != nil
    }

    /// Whether every finite exponent of `format` (least normal … greatest) is within ±2^14.
    static func exponentsFit(_ format: FloatFormat) -> Bool {
        let top = format.greatestFiniteMagnitude.exponent
        return abs(format.leastNormalExponent) < 1 << 14 && top.magnitude < 1 << 14
    }
}

/// A pointer wrapper for the worker closures (each worker writes its own rows).
private struct SendableRaw<T>: @unchecked Sendable { let p: UnsafeMutablePointer<T> }

extension MatrixUnitKernel {
    /// Rows of A per call of the C kernel: B's packed column block (K × 8 lanes × 8 bytes) stays in
    /// the core's L2 cache while these rows pass, and all of B is read once per chunk.
    static let batchRows = 32

    /// The batched fused-group product with `plan`, `loops` the C instance; nil-free: every element
    /// the kernel does not take is computed by the scalar model. Shapes are checked by the caller.
    func batchedFusedGroup(_ x: MatrixUnitOperands, plan: FusedGroupPlan, workers: Int, loops: EncodeLoops) -> [UInt64] {
        let (batch, m, n, k) = (x.batch, x.m, x.n, x.k)
        let lanes = Int(EXMY_FUSED_GROUP_LANES)
        let zeroMarker = Int32(EXMY_FG_ZERO_EXPONENT)
        let acc = unit.accumulatorFormat
        let blocks = plan.hasScales ? k / Int(plan.parameters.blockSize) : 0
        // A: signed significand and exponent per element; rows with a NaN or ±∞ go to the scalar model.
        var aSig = [Int32](repeating: 0, count: batch * m * k), aExp = aSig
        var rowSpecial = [Bool](repeating: false, count: batch * m)
        for row in 0..<(batch * m) {
            for i in 0..<k {
                let o = a.operand(x.a[row * k + i])
                if o.kind != .finite { rowSpecial[row] = true; aExp[row * k + i] = zeroMarker; continue }
                aSig[row * k + i] = o.negative ? -Int32(o.significand) : Int32(o.significand)
                aExp[row * k + i] = o.significand == 0 ? zeroMarker : o.exponent
            }
        }
        // B packed: per batch, per block of `lanes` columns, per k: the lanes' significands · 2^pre, then exponents.
        let columnBlocks = (n + lanes - 1) / lanes
        let packedPerBatch = columnBlocks * k * 2 * lanes
        var bPacked = [Int32](repeating: 0, count: batch * packedPerBatch)
        var columnSpecial = [Bool](repeating: false, count: batch * n)
        for t in 0..<batch {
            for i in 0..<k {
                for j in 0..<n {
                    let o = b.operand(x.b[t * k * n + i * n + j])
                    let at = t * packedPerBatch + ((j / lanes) * k + i) * 2 * lanes + j % lanes
                    bPacked[at + lanes] = zeroMarker
                    if o.kind != .finite { columnSpecial[t * n + j] = true; continue }
                    let s = Int32(o.significand << UInt64(plan.pre))
                    bPacked[at] = o.negative ? -s : s
                    if o.significand != 0 { bPacked[at + lanes] = o.exponent }
                }
                for j in n..<(columnBlocks * lanes) { bPacked[t * packedPerBatch + ((j / lanes) * k + i) * 2 * lanes + j % lanes + lanes] = zeroMarker }
            }
        }
        // Scales: exponents; a scale that is not a finite power of two sends its row or column to the scalar model.
        var aScale = [Int32](repeating: 0, count: max(1, batch * m * blocks))
        var bScale = [Int32](repeating: 0, count: max(1, batch * columnBlocks * blocks * lanes))
        if let scale, let sa = x.scaleA, let sb = x.scaleB, blocks > 0 {
            for row in 0..<(batch * m) {
                for j in 0..<blocks {
                    let o = scale.operand(sa[row * blocks + j])
                    if o.kind != .finite || o.significand != 1 { rowSpecial[row] = true } else { aScale[row * blocks + j] = o.exponent }
                }
            }
            for t in 0..<batch {
                for j in 0..<blocks {
                    for col in 0..<n {
                        let o = scale.operand(sb[t * blocks * n + j * n + col])
                        if o.kind != .finite || o.significand != 1 { columnSpecial[t * n + col] = true; continue }
                        bScale[((t * columnBlocks + col / lanes) * blocks + j) * lanes + col % lanes] = o.exponent
                    }
                }
            }
        }
        // C: codes of the accumulator; a NaN, ±∞ or out-of-range code goes to the scalar model.
        var flags = [UInt8](repeating: 0, count: batch * m * n)
        var c32 = [UInt32](repeating: 0, count: batch * m * n)
        for e in 0..<(batch * m * n) {
            let code = x.c[e]
            if code > acc.codeMask || !acc.decode(code).isFinite { flags[e] = 1; continue }
            c32[e] = UInt32(code)
        }
        var d32 = [UInt32](repeating: 0, count: batch * m * n)
        // The kernel, on chunks of rows spread over the workers.
        let chunksPerBatch = (m + Self.batchRows - 1) / Self.batchRows
        let tasks = batch * chunksPerBatch
        var parameters = plan.parameters
        let isa = loops.isa
        withUnsafePointer(to: &parameters) { pp in
            let params = SendableRaw(p: UnsafeMutablePointer(mutating: pp))
            aSig.withUnsafeMutableBufferPointer { aSigB in
                aExp.withUnsafeMutableBufferPointer { aExpB in
                    bPacked.withUnsafeMutableBufferPointer { bB in
                        aScale.withUnsafeMutableBufferPointer { asB in
                            bScale.withUnsafeMutableBufferPointer { bsB in
                                c32.withUnsafeMutableBufferPointer { cB in
                                    d32.withUnsafeMutableBufferPointer { dB in
                                        flags.withUnsafeMutableBufferPointer { fB in
                                            let aS = SendableRaw(p: aSigB.baseAddress!), aE = SendableRaw(p: aExpB.baseAddress!)
                                            let bP = SendableRaw(p: bB.baseAddress!), sA = SendableRaw(p: asB.baseAddress!), sB = SendableRaw(p: bsB.baseAddress!)
                                            let cP = SendableRaw(p: cB.baseAddress!), dP = SendableRaw(p: dB.baseAddress!), fP = SendableRaw(p: fB.baseAddress!)
                                            let hasScales = blocks > 0
                                            let work: @Sendable (Int) -> Void = { w in
                                                var task = w
                                                while task < tasks {
                                                    let t = task / chunksPerBatch, r0 = (task % chunksPerBatch) * Self.batchRows
                                                    let rows = min(Self.batchRows, m - r0)
                                                    let row = t * m + r0
                                                    _ = exmy_fused_group_rows(
                                                        isa, params.p, rows, n, k, aS.p + row * k, aE.p + row * k, bP.p + t * packedPerBatch,
                                                        hasScales ? sA.p + row * blocks : nil, blocks,
                                                        hasScales ? sB.p + t * columnBlocks * blocks * lanes : nil,
                                                        cP.p + row * n, dP.p + row * n, fP.p + row * n)
                                                    task += workers
                                                }
                                            }
                                            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // The elements the kernel did not take: the scalar model.
        var d = d32.map { UInt64($0) }
        let emptyScales: [UInt64] = [0]
        let sa = x.scaleA ?? emptyScales, sb = x.scaleB ?? emptyScales
        x.a.withUnsafeBufferPointer { aAll in
            x.b.withUnsafeBufferPointer { bAll in
                sa.withUnsafeBufferPointer { saAll in
                    sb.withUnsafeBufferPointer { sbAll in
                        for row in 0..<(batch * m) {
                            let t = row / m
                            for j in 0..<n where rowSpecial[row] || columnSpecial[t * n + j] || flags[row * n + j] != 0 {
                                let aRow = UnsafeBufferPointer(rebasing: aAll[(row * k)..<(row * k + k)])
                                d[row * n + j] = dot(
                                    a: aRow, b: bAll.baseAddress! + t * k * n + j, bStride: n, c: x.c[row * n + j],
                                    scaleA: blocks > 0 ? saAll.baseAddress! + row * blocks : nil,
                                    scaleB: blocks > 0 ? sbAll.baseAddress! + t * blocks * n + j : nil, scaleBStride: n)
                            }
                        }
                    }
                }
            }
        }
        return d
    }
}
