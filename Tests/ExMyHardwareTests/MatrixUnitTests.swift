import ExMy
import ExMyHardware
import Foundation
import Testing

/// The matrix-unit models against MMA-Sim: `Fixtures/mmasim-cases.jsonl` holds dot products drawn by
/// `Tests/mmasim/check.py` (seed 2026: random, cancellation/spread, edge codes, chained K) with the
/// result bits that `mmasim` 2.1.1 (PyPI, with CPU PyTorch 2.13) computed for them — an oracle
/// independent of this code. The full check (≥ 10^5 … 10^6 cases per preset) is `Tests/mmasim/check.sh`.
struct MatrixUnitTests {
    struct Case {
        let preset: String, kind: String
        let a: [UInt64], b: [UInt64], c: UInt64, sa: [UInt64]?, sb: [UInt64]?, d: UInt64
        let anyNaN: Bool
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/mmasim-cases.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            func codes(_ key: String) -> [UInt64]? { (o[key] as? [NSNumber])?.map { $0.uint64Value } }
            return Case(
                preset: o["preset"] as? String ?? "", kind: o["kind"] as? String ?? "",
                a: codes("a") ?? [], b: codes("b") ?? [], c: (o["c"] as? NSNumber)?.uint64Value ?? 0,
                sa: codes("sa"), sb: codes("sb"), d: (o["d"] as? NSNumber)?.uint64Value ?? 0,
                anyNaN: o["nan_payload_free"] as? Bool ?? false)
        }
    }()

    @Test func fixtureCoversEveryCheckedPreset() throws {
        #expect(Self.cases.count >= 600)
        let covered = Set(Self.cases.map(\.preset))
        for p in MatrixUnit.presets where p.isCheckedAgainstMMASim {
            #expect(covered.contains(p.name), "no MMA-Sim fixture for \(p.name)")
        }
    }

    @Test func bitExactAgainstMMASimFixture() throws {
        var kernels: [String: MatrixUnitKernel] = [:]
        var mismatches = 0
        for t in Self.cases {
            let kernel: MatrixUnitKernel
            if let k = kernels[t.preset] { kernel = k } else { kernel = try MatrixUnitKernel(try MatrixUnit.preset(named: t.preset)); kernels[t.preset] = kernel }
            let k = t.a.count
            let blocks = t.sa?.count ?? 0
            let ops = MatrixUnitOperands(m: 1, n: 1, k: k, a: t.a, b: t.b, c: [t.c], scaleA: blocks > 0 ? t.sa : nil, scaleB: blocks > 0 ? t.sb : nil)
            let d = try kernel.multiply(ops, threads: 1)[0]
            var same = d == t.d
            if !same && t.anyNaN {
                let acc = kernel.unit.accumulatorFormat
                same = acc.decode(d).isNaN && acc.decode(t.d).isNaN
            }
            if !same {
                mismatches += 1
                Issue.record("\(t.preset) \(t.kind): exmy 0x\(String(d, radix: 16)), mmasim 0x\(String(t.d, radix: 16)); a \(t.a) b \(t.b) c \(t.c)")
                if mismatches > 10 { return }
            }
        }
    }

    /// Hand-made cases whose results follow from the papers' descriptions, not from this code.
    @Test func truncationToFFractionBits() throws {
        // Hopper FP8 (F = 13): 1 + 2^-14 loses the small product (it lies below 2^(0−13)); the
        // Blackwell model (F = 25) keeps it, and RZ into FP32 keeps 1 + 2^-14 exactly.
        let one = FloatFormat.e4m3fn.encode(1.0).code
        let tiny = FloatFormat.e4m3fn.encode(0x1p-7).code  // 2^-7 · 2^-7 = 2^-14
        var a = [UInt64](repeating: 0, count: 32), b = a
        a[0] = one; b[0] = one; a[1] = tiny; b[1] = tiny
        let hopper = try MatrixUnitKernel(try MatrixUnit.preset(named: "hopper-wgmma-e4m3-f32"))
        let blackwell = try MatrixUnitKernel(try MatrixUnit.preset(named: "blackwell-tcgen05-e4m3-f32"))
        let ops = MatrixUnitOperands(m: 1, n: 1, k: 32, a: a, b: b, c: [0])
        #expect(try hopper.multiply(ops)[0] == UInt64(Float(1).bitPattern))
        #expect(try blackwell.multiply(ops)[0] == UInt64(Float(1 + 0x1p-14).bitPattern))
        // The exact reference rounds 1 + 2^-14 once: also kept.
        let exact = try MatrixUnitKernel(try MatrixUnit.preset(named: "p3109-block-dot-e4m3"))
        #expect(try exact.multiply(ops)[0] == UInt64(Float(1 + 0x1p-14).bitPattern))
    }

    @Test func roundTowardZeroIntoFP32() throws {
        // C = 1 and one product −2^-25: the F = 25 grid keeps 1 − 2^-25 exactly, a midpoint of FP32;
        // RZ gives 1 − 2^-24 (0x3F7FFFFF) where nearest-even would give 1.
        let f16 = FloatFormat.fp16
        let ops = MatrixUnitOperands(m: 1, n: 1, k: 16,
                                     a: [f16.encode(-0x1p-12).code] + [UInt64](repeating: 0, count: 15),
                                     b: [f16.encode(0x1p-13).code] + [UInt64](repeating: 0, count: 15),
                                     c: [UInt64(Float(1).bitPattern)])
        let blackwell = try MatrixUnitKernel(try MatrixUnit.preset(named: "blackwell-tcgen05-f16-f32"))
        #expect(try blackwell.multiply(ops)[0] == 0x3F7F_FFFF)
    }

    @Test func badOperandsAreErrorsNotTraps() throws {
        let kernel = try MatrixUnitKernel(try MatrixUnit.preset(named: "blackwell-tcgen05-mxf8-e4m3"))
        #expect(throws: MatrixUnitError.self) { try kernel.multiply(MatrixUnitOperands(m: 1, n: 1, k: 32, a: [0], b: [0], c: [0])) }
        #expect(throws: MatrixUnitError.self) {
            try kernel.multiply(MatrixUnitOperands(m: 1, n: 1, k: 32, a: .init(repeating: 0, count: 32), b: .init(repeating: 0, count: 32), c: [0]))
        }
        #expect(throws: MatrixUnitError.self) {
            try kernel.multiply(MatrixUnitOperands(m: 1, n: 1, k: 16, a: .init(repeating: 0, count: 16), b: .init(repeating: 0, count: 16), c: [0], scaleA: [127], scaleB: [127]))
        }
        #expect(throws: MatrixUnitError.self) { try MatrixUnit.preset(named: "no-such-unit") }
        var unit = try MatrixUnit.preset(named: "hopper-wgmma-e4m3-f32")
        unit.pipeline = .fusedGroup(.init(groupSize: 32, fractionBits: 99, outputGrid: .fp32, rounding: .towardZero))
        #expect(throws: MatrixUnitError.self) { try MatrixUnitKernel(unit) }
        #expect(throws: MatrixUnitError.self) { try kernel.multiply(MatrixUnitOperands(m: 0, n: 1, k: 32, a: [], b: [], c: [])) }
    }

    @Test func threadsDoNotChangeTheResult() throws {
        let kernel = try MatrixUnitKernel(try MatrixUnit.preset(named: "hopper-wgmma-e4m3-f32"))
        var g = SystemRandomNumberGenerator()
        let (m, n, k) = (7, 5, 64)
        let a = (0..<(m * k)).map { _ in UInt64.random(in: 0..<256, using: &g) }
        let b = (0..<(k * n)).map { _ in UInt64.random(in: 0..<256, using: &g) }
        let c = (0..<(m * n)).map { _ in UInt64(Float.random(in: -1...1, using: &g).bitPattern) }
        let ops = MatrixUnitOperands(m: m, n: n, k: k, a: a, b: b, c: c)
        #expect(try kernel.multiply(ops, threads: 1) == kernel.multiply(ops, threads: 3))
    }
}
