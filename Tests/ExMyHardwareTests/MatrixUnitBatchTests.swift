import ExMy
import ExMyHardware
import Foundation
import Testing

/// The batched fused-group kernel (MatrixUnit+Batch.swift, CExMyKernels/FusedGroupKernels.c) against
/// the scalar model, which is the reference (itself checked against MMA-Sim by the fixture): every
/// preset the kernel takes, every C instance this CPU runs, seeded random and adversarial operands,
/// shapes that are not multiples of the kernel's 8 lanes or of the group size.
struct MatrixUnitBatchTests {
    /// The C instances this CPU runs.
    static let instances: [EncodeLoops] = EncodeLoops.allCases.filter { $0.available == $0 }

    /// How operands are drawn.
    enum Style: CaseIterable {
        case finite, specials, cancellation, spread, zeros, tiny, extremeC, overflow
    }

    struct Draw {
        var g: SplitMix64
        let unit: MatrixUnit

        mutating func below(_ n: Int) -> Int { Int(g.next() % UInt64(n)) }

        /// A finite code of `f` (any, uniformly among finite ones).
        mutating func finite(_ f: FloatFormat) -> UInt64 {
            while true {
                let code = g.next() % f.codeCount
                if f.decode(code).isFinite { return code }
            }
        }

        mutating func signed(_ f: FloatFormat, magnitudeCode: UInt64) -> UInt64 {
            let sign = f.signedness == .signMagnitude && g.next() & 1 == 1 ? UInt64(1) << UInt64(f.bitWidth - 1) : 0
            return magnitudeCode | sign
        }

        /// A code of the smallest binades (subnormals, zero, the least normal binade).
        mutating func tiny(_ f: FloatFormat) -> UInt64 {
            signed(f, magnitudeCode: g.next() % (UInt64(1) << UInt64(f.significandBitCount + 1)))
        }

        /// A code of the largest binade.
        mutating func big(_ f: FloatFormat) -> UInt64 {
            let span = UInt64(1) << UInt64(f.significandBitCount)
            return signed(f, magnitudeCode: f.maxMagnitudeCode - g.next() % min(span, f.maxMagnitudeCode))
        }

        mutating func special(_ f: FloatFormat) -> UInt64? {
            let codes = f.canonicalNaNCodes + f.infinityCodes
            return codes.isEmpty ? nil : codes[below(codes.count)]
        }

        mutating func element(_ f: FloatFormat, _ style: Style) -> UInt64 {
            switch style {
            case .finite, .cancellation, .extremeC: return finite(f)
            case .specials: return below(97) == 0 ? (special(f) ?? finite(f)) : finite(f)
            case .spread: return below(2) == 0 ? big(f) : tiny(f)
            case .zeros: return below(3) != 0 ? f.encodeZero(negative: g.next() & 1 == 1, overflow: .none).code : finite(f)
            case .tiny: return tiny(f)
            case .overflow: return below(4) == 0 ? finite(f) : big(f)
            }
        }

        mutating func c(_ style: Style) -> UInt64 {
            let acc = unit.accumulatorFormat
            switch style {
            case .extremeC, .overflow, .specials:
                let top = acc.maxMagnitudeCode
                let sign = UInt64(1) << UInt64(acc.bitWidth - 1)
                let picks: [UInt64] = [0, sign, 1, sign | 1, top, top | sign, top - 1, UInt64(1) << UInt64(acc.significandBitCount),
                                       acc.encode(1.0).code, acc.encode(-0x1p-20).code, acc.encode(1.0e4).code]
                    + (style == .specials ? acc.canonicalNaNCodes + acc.infinityCodes : [])
                return below(3) == 0 ? finite(acc) : picks[below(picks.count)]
            case .zeros: return below(2) == 0 ? 0 : UInt64(1) << UInt64(acc.bitWidth - 1)
            default: return below(4) == 0 ? 0 : finite(acc)
            }
        }
    }

    static func operands(_ unit: MatrixUnit, _ style: Style, seed: UInt64, batch: Int = 1, m: Int, n: Int, k: Int) -> MatrixUnitOperands {
        var d = Draw(g: SplitMix64(seed: seed), unit: unit)
        var a = (0..<(batch * m * k)).map { _ in d.element(unit.aFormat, style) }
        var b = (0..<(batch * k * n)).map { _ in d.element(unit.bFormat, style) }
        if style == .cancellation, unit.aFormat.signedness == .signMagnitude {
            // Pairs of products that cancel exactly (a, b) and (−a, b), plus a few that do not.
            let signA = UInt64(1) << UInt64(unit.aFormat.bitWidth - 1)
            for t in 0..<batch {
                for row in 0..<m {
                    for i in stride(from: 1, to: k, by: 2) where d.below(8) != 0 { a[(t * m + row) * k + i] = a[(t * m + row) * k + i - 1] ^ signA }
                }
                for i in stride(from: 1, to: k, by: 2) {
                    for j in 0..<n { b[(t * k + i) * n + j] = b[(t * k + i - 1) * n + j] }
                }
            }
        }
        let c = (0..<(batch * m * n)).map { _ in d.c(style) }
        var scaleA: [UInt64]?, scaleB: [UInt64]?
        if let s = unit.blockScale {
            let blocks = k / s.blockSize
            func scaleCode() -> UInt64 {
                switch d.below(16) {
                case 0: return s.format.canonicalNaNCodes.first ?? 127
                case 1: return 0
                case 2: return s.format.maxMagnitudeCode
                default: return UInt64(127 - 12 + d.below(25))
                }
            }
            scaleA = (0..<(batch * m * blocks)).map { _ in style == .specials || style == .extremeC ? scaleCode() : UInt64(120 + d.below(15)) }
            scaleB = (0..<(batch * blocks * n)).map { _ in style == .specials || style == .extremeC ? scaleCode() : UInt64(120 + d.below(15)) }
        }
        return MatrixUnitOperands(batch: batch, m: m, n: n, k: k, a: a, b: b, c: c, scaleA: scaleA, scaleB: scaleB)
    }

    /// K for a test: not a multiple of L (a partial last group) unless block scales fix it.
    static func testK(_ unit: MatrixUnit) -> Int {
        guard case .fusedGroup(let g) = unit.pipeline else { return 16 }
        if let s = unit.blockScale { return 2 * max(s.blockSize, g.groupSize) }
        return 2 * g.groupSize + 5
    }

    static func compare(_ kernel: MatrixUnitKernel, _ x: MatrixUnitOperands, _ label: String) throws {
        let reference = try kernel.multiply(x, threads: 1, path: .scalar)
        for loops in instances {
            let d = try kernel.multiply(x, threads: 2, path: .batched(loops))
            var shown = 0
            for e in 0..<d.count where d[e] != reference[e] {
                shown += 1
                if shown <= 3 {
                    Issue.record("\(kernel.unit.name) \(label) \(loops.name) element \(e): batched 0x\(String(d[e], radix: 16)), scalar 0x\(String(reference[e], radix: 16))")
                }
            }
            #expect(shown == 0, "\(kernel.unit.name) \(label) \(loops.name): \(shown) of \(d.count) elements differ")
        }
    }

    @Test func everyFusedGroupPresetTakesTheBatchedPathExceptSubBlockSums() throws {
        for p in MatrixUnit.presets {
            guard case .fusedGroup = p.pipeline else {
                #expect(try !MatrixUnitKernel(p).hasBatchedPath, "\(p.name)")
                continue
            }
            let subBlocks = p.blockScale?.subBlockSize != nil
            #expect(try MatrixUnitKernel(p).hasBatchedPath == !subBlocks, "\(p.name)")
        }
    }

    @Test func batchedEqualsScalarOnEveryPresetAndStyle() throws {
        var seed: UInt64 = 19
        for p in MatrixUnit.presets {
            let kernel = try MatrixUnitKernel(p)
            guard kernel.hasBatchedPath else { continue }
            let k = Self.testK(p)
            for style in Style.allCases {
                seed += 1
                try Self.compare(kernel, Self.operands(p, style, seed: seed, m: 3, n: 19, k: k), "\(style)")
            }
        }
    }

    @Test func batchesAndShapes() throws {
        // Batches, one column, fewer columns than lanes, K of one element, K below one group.
        let hopper = try MatrixUnitKernel(try MatrixUnit.preset(named: "hopper-wgmma-e4m3-f32"))
        let volta = try MatrixUnitKernel(try MatrixUnit.preset(named: "volta-mma-f16-f16"))
        var seed: UInt64 = 1000
        for kernel in [hopper, volta] {
            for (batch, m, n, k) in [(3, 2, 9, 33), (1, 1, 1, 1), (2, 5, 1, 7), (1, 37, 3, 64), (1, 2, 8, 3), (2, 33, 17, 40)] {
                seed += 1
                try Self.compare(kernel, Self.operands(kernel.unit, .finite, seed: seed, batch: batch, m: m, n: n, k: k), "\(batch)×\(m)×\(n)×\(k)")
            }
        }
    }

    @Test func designerModelsWithinAndBeyondTheBounds() throws {
        // "What if my unit kept F = 20": in the kernel's bounds, compared; F = 40 with L = 64 and FP16
        // inputs is beyond them (terms above 2^31) and takes the scalar model.
        var unit = try MatrixUnit.preset(named: "hopper-wgmma-e4m3-f32")
        unit.pipeline = .fusedGroup(.init(groupSize: 24, fractionBits: 20, zeroExponent: -140, outputGrid: .fp32, rounding: .toNearestOrEven))
        let f20 = try MatrixUnitKernel(unit)
        #expect(f20.hasBatchedPath)
        for (i, style) in Style.allCases.enumerated() {
            try Self.compare(f20, Self.operands(unit, style, seed: 500 + UInt64(i), m: 4, n: 11, k: 53), "F=20 \(style)")
        }
        var wide = try MatrixUnit.preset(named: "hopper-wgmma-f16-f32")
        wide.pipeline = .fusedGroup(.init(groupSize: 64, fractionBits: 40, zeroExponent: -133, outputGrid: .fp32, rounding: .towardZero))
        #expect(try !MatrixUnitKernel(wide).hasBatchedPath)
    }

    @Test func fixtureThroughOneBatchedCallPerPreset() throws {
        // The MMA-Sim fixture's cases of each preset and K as one batched product (batch × 1×1×K),
        // on every instance: the same bits as MMA-Sim.
        var groups: [String: [MatrixUnitTests.Case]] = [:]
        for t in MatrixUnitTests.cases { groups["\(t.preset)|\(t.a.count)|\(t.sa?.count ?? 0)", default: []].append(t) }
        var compared = 0
        for (_, cases) in groups.sorted(by: { $0.key < $1.key }) {
            let kernel = try MatrixUnitKernel(try MatrixUnit.preset(named: cases[0].preset))
            guard kernel.hasBatchedPath else { continue }
            let k = cases[0].a.count
            let scaled = (cases[0].sa?.count ?? 0) > 0
            let x = MatrixUnitOperands(
                batch: cases.count, m: 1, n: 1, k: k, a: cases.flatMap(\.a), b: cases.flatMap(\.b), c: cases.map(\.c),
                scaleA: scaled ? cases.flatMap { $0.sa ?? [] } : nil, scaleB: scaled ? cases.flatMap { $0.sb ?? [] } : nil)
            for loops in Self.instances {
                let d = try kernel.multiply(x, threads: 2, path: .batched(loops))
                for (e, t) in cases.enumerated() {
                    var same = d[e] == t.d
                    if !same && t.anyNaN {
                        let acc = kernel.unit.accumulatorFormat
                        same = acc.decode(d[e]).isNaN && acc.decode(t.d).isNaN
                    }
                    #expect(same, "\(t.preset) \(t.kind) \(loops.name): exmy 0x\(String(d[e], radix: 16)), mmasim 0x\(String(t.d, radix: 16))")
                    compared += 1
                }
            }
        }
        #expect(compared >= 400)
    }
}

extension MatrixUnitBatchTests {
    /// A thread count below 1 is an error, as in every other threaded API of the package.
    @Test func threadCountBelowOneIsAnError() throws {
        let kernel = try MatrixUnitKernel(try MatrixUnit.preset(named: "hopper-wgmma-e4m3-f32"))
        let x = MatrixUnitOperands(m: 1, n: 1, k: 32, a: [UInt64](repeating: 0x38, count: 32), b: [UInt64](repeating: 0x38, count: 32), c: [0])
        for t in [0, -1] { #expect(throws: MatrixUnitError.self) { _ = try kernel.multiply(x, threads: t) } }
        #expect(try kernel.multiply(x, threads: 1) == [UInt64(Float(32).bitPattern)])
    }
}
