import Dispatch
import ExMy

/// Operands of a batched `D = A·B + C`, as codes: A is `batch × m × k`, B `batch × k × n`, C and D
/// `batch × m × n` (row-major); block scales A `batch × m × (k / block)`, B `batch × (k / block) × n`.
public struct MatrixUnitOperands: Sendable {
    /// The number of independent products in the batch (at least 1).
    public var batch: Int
    /// The rows of A, C and D (at least 1).
    public var m: Int
    /// The columns of B, C and D (at least 1).
    public var n: Int
    /// The reduction length: columns of A, rows of B (at least 1; a multiple of the scale block
    /// for block-scaled units).
    public var k: Int
    /// A's codes in the unit's ``MatrixUnit/aFormat``, `batch × m × k` row-major.
    public var a: [UInt64]
    /// B's codes in the unit's ``MatrixUnit/bFormat``, `batch × k × n` row-major.
    public var b: [UInt64]
    /// C's codes in the unit's ``MatrixUnit/accumulatorFormat``, `batch × m × n` row-major.
    public var c: [UInt64]
    /// A's block-scale codes in ``MatrixUnit/BlockScale/format``, `batch × m × (k / block)`;
    /// `nil` for a unit without block scales.
    public var scaleA: [UInt64]?
    /// B's block-scale codes in ``MatrixUnit/BlockScale/format``, `batch × (k / block) × n`;
    /// `nil` for a unit without block scales.
    public var scaleB: [UInt64]?

    /// Collects the operands as given; ``MatrixUnitKernel/multiply(_:threads:)`` checks the sizes
    /// and the presence of scales against its unit and throws ``MatrixUnitError`` on a mismatch.
    public init(batch: Int = 1, m: Int, n: Int, k: Int, a: [UInt64], b: [UInt64], c: [UInt64], scaleA: [UInt64]? = nil, scaleB: [UInt64]? = nil) {
        self.batch = batch
        self.m = m
        self.n = n
        self.k = k
        self.a = a
        self.b = b
        self.c = c
        self.scaleA = scaleA
        self.scaleB = scaleB
    }
}

/// A pointer wrapper for the worker closures (each worker writes its own rows).
private struct SendablePointer<T>: @unchecked Sendable { let p: UnsafeMutablePointer<T> }
private struct SendableBuffer<T>: @unchecked Sendable { let p: UnsafeBufferPointer<T> }

extension MatrixUnitKernel {
    /// The largest number of elements any one operand may have (2^32): refuses absurd sizes before
    /// allocating.
    public static let maxElements = 1 << 32

    /// `D = A·B + C` with the unit's arithmetic, every dot product a chain of the unit's groups along
    /// K; returns D's codes in the accumulator format. Rows are spread over `threads` workers
    /// (default: all cores); the result never depends on the thread count.
    ///
    /// - Throws: ``MatrixUnitError`` for shape mismatches, missing or unexpected scales, K not a
    ///   multiple of the scale block, a thread count below 1.
    ///
    /// The NVIDIA fused-group models run a batched, vectorised kernel (MatrixUnit+Batch.swift) that
    /// gives the same bits as the scalar model, which computes every element the kernel does not
    /// take (NaN and ±∞ operands, possible overflows) and every other pipeline.
    public func multiply(_ x: MatrixUnitOperands, threads: Int? = nil) throws -> [UInt64] {
        try multiply(x, threads: threads, path: .automatic)
    }

    /// Which code computes ``multiply(_:threads:)``: the tests compare the paths.
    package enum MultiplyPath: Sendable, Equatable {
        /// The batched kernel where the model is within its bounds (with the C instance this CPU
        /// selects), else the scalar model.
        case automatic
        /// The scalar model for every dot product (the reference).
        case scalar
        /// The batched kernel with the given C instance (capped at what this CPU runs) where the
        /// model is within its bounds, else the scalar model.
        case batched(EncodeLoops)
    }

    /// Whether ``multiply(_:threads:)`` takes the batched kernel for this model.
    package var hasBatchedPath: Bool { FusedGroupPlan(unit) != nil }

    package func multiply(_ x: MatrixUnitOperands, threads: Int?, path: MultiplyPath) throws -> [UInt64] {
        let (batch, m, n, k) = (x.batch, x.m, x.n, x.k)
        if let threads, threads < 1 { throw MatrixUnitError("the thread count must be at least 1, not \(threads)") }
        guard batch >= 1, m >= 1, n >= 1, k >= 1 else { throw MatrixUnitError("batch, M, N and K must be at least 1 (got \(batch), \(m), \(n), \(k))") }
        for (label, count) in [("A", batch.multipliedReportingOverflow(by: m).partialValue.multipliedReportingOverflow(by: k)),
                               ("B", batch.multipliedReportingOverflow(by: k).partialValue.multipliedReportingOverflow(by: n)),
                               ("C", batch.multipliedReportingOverflow(by: m).partialValue.multipliedReportingOverflow(by: n))] {
            guard !count.overflow, count.partialValue <= Self.maxElements else { throw MatrixUnitError("\(label) would have more than 2^32 elements") }
        }
        guard x.a.count == batch * m * k else { throw MatrixUnitError("A has \(x.a.count) elements, expected \(batch)×\(m)×\(k)") }
        guard x.b.count == batch * k * n else { throw MatrixUnitError("B has \(x.b.count) elements, expected \(batch)×\(k)×\(n)") }
        guard x.c.count == batch * m * n else { throw MatrixUnitError("C has \(x.c.count) elements, expected \(batch)×\(m)×\(n)") }
        var blocks = 0
        if let s = unit.blockScale {
            guard let sa = x.scaleA, let sb = x.scaleB else { throw MatrixUnitError("\(unit.name) is block-scaled: give the scales of A and B") }
            guard k % s.blockSize == 0 else { throw MatrixUnitError("K = \(k) is not a multiple of the scale block \(s.blockSize)") }
            if let sub = s.subBlockSize, case .fusedGroup(let g) = unit.pipeline, g.groupSize % sub != 0 {
                throw MatrixUnitError("the group size must be a multiple of the sub-block \(sub)")
            }
            blocks = k / s.blockSize
            guard sa.count == batch * m * blocks else { throw MatrixUnitError("the scales of A have \(sa.count) elements, expected \(batch)×\(m)×\(blocks)") }
            guard sb.count == batch * blocks * n else { throw MatrixUnitError("the scales of B have \(sb.count) elements, expected \(batch)×\(blocks)×\(n)") }
        } else if x.scaleA != nil || x.scaleB != nil {
            throw MatrixUnitError("\(unit.name) takes no block scales")
        }
        let rows = batch * m
        let workers = max(1, min(threads ?? ProcessInfoCores.count, rows))
        if path != .scalar, let plan = FusedGroupPlan(unit) {
            var loops = EncodeLoops.selected
            if case .batched(let l) = path { loops = l.available }
            return batchedFusedGroup(x, plan: plan, workers: workers, loops: loops)
        }
        var d = [UInt64](repeating: 0, count: batch * m * n)
        let emptyScales: [UInt64] = [0]
        let sa = x.scaleA ?? emptyScales, sb = x.scaleB ?? emptyScales
        // B transposed once (batch × n × k): every dot product then reads both operands with stride 1.
        var bt = [UInt64](repeating: 0, count: x.b.count)
        for t in 0..<batch {
            for r in 0..<k {
                for j in 0..<n { bt[t * k * n + j * k + r] = x.b[t * k * n + r * n + j] }
            }
        }
        d.withUnsafeMutableBufferPointer { dBuffer in
            let out = SendablePointer(p: dBuffer.baseAddress!)
            x.a.withUnsafeBufferPointer { aAll in
                bt.withUnsafeBufferPointer { bAll in
                    sa.withUnsafeBufferPointer { saAll in
                        sb.withUnsafeBufferPointer { sbAll in
                            let aS = SendableBuffer(p: aAll), bS = SendableBuffer(p: bAll), saS = SendableBuffer(p: saAll), sbS = SendableBuffer(p: sbAll)
                            let c = x.c
                            let blocks = blocks
                            let work: @Sendable (Int) -> Void = { w in
                                let aAll = aS.p, bAll = bS.p, saAll = saS.p, sbAll = sbS.p
                                var row = w
                                while row < rows {
                                    let t = row / m
                                    let aRow = UnsafeBufferPointer(rebasing: aAll[(row * k)..<(row * k + k)])
                                    for j in 0..<n {
                                        let bColumn = bAll.baseAddress! + t * k * n + j * k
                                        let cIndex = row * n + j
                                        let scaleA = blocks > 0 ? saAll.baseAddress! + row * blocks : nil
                                        let scaleB = blocks > 0 ? sbAll.baseAddress! + t * blocks * n + j : nil
                                        out.p[cIndex] = self.dot(a: aRow, b: bColumn, bStride: 1, c: c[cIndex], scaleA: scaleA, scaleB: scaleB, scaleBStride: n)
                                    }
                                    row += workers
                                }
                            }
                            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                        }
                    }
                }
            }
        }
        return d
    }
}

/// The number of active cores.
enum ProcessInfoCores {
    static var count: Int {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
