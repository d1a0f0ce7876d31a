import ExMy
@testable import ExMyHardware
import Testing

/// The report's "what your accumulator loses" study: its data, its exact reference, its plot.
@Suite struct MatrixUnitStudyTests {
    /// The MX scales of the study's operands follow OCP MX v1.0 §6.3, recomputed here from the
    /// data: the shared exponent is ⌊log2 amax⌋ − emax of the element format, per block of 32.
    @Test(arguments: ["blackwell-tcgen05-mxf8-e4m3", "blackwell-tcgen05-mxf4"])
    func mxScalesFollowTheSpec(_ name: String) throws {
        let unit = try MatrixUnit.preset(named: name)
        let block = try #require(unit.blockScale)
        var rng = SplitMix64(seed: 5)
        let data = MatrixUnitStudy.data(unit.aFormat, count: 1024, rng: &rng)
        let operand = try MatrixUnitStudy.operand(unit.aFormat, block, data)
        let scales = try #require(operand.scales)
        let emax = Int(unit.aFormat.greatestFiniteMagnitude.exponent)
        var distinct = Set<UInt64>()
        for j in 0..<(1024 / block.blockSize) {
            let amax = data[(j * block.blockSize)..<((j + 1) * block.blockSize)].map { Double($0.magnitude) }.max()!
            let shared = Int(amax.exponent) - emax
            // E8M0: code = exponent + 127.
            #expect(scales[j] == UInt64(shared + 127), "block \(j): amax \(amax)")
            distinct.insert(scales[j])
        }
        // The data's magnitude varies from block to block (the point of the study's data).
        #expect(distinct.count >= 5)
    }

    /// The exact reference rounds once into FP32: its error is at most half an FP32 ulp, 2^-24.
    @Test func exactReferenceIsWithinHalfAnULP() throws {
        let rows = try MatrixUnitStudy.errorVersusK(try MatrixUnit.preset(named: "p3109-block-dot-e4m3"), lengths: [256, 4096], trials: 3, seed: 7)
        #expect(rows.count == 2)
        for r in rows {
            #expect(r.trials == 3)
            #expect(r.maxRelativeError <= 0x1p-24, "K = \(r.k)")
        }
    }

    /// Hopper's FP8 path keeps 13 fraction bits (E8M13, toward zero): at K = 4096 it loses far more
    /// than one FP32 rounding (MMA-Sim, arXiv 2511.10909, §NVIDIA).
    @Test func hopperFP8LosesMoreThanOneRounding() throws {
        let rows = try MatrixUnitStudy.errorVersusK(try MatrixUnit.preset(named: "hopper-wgmma-e4m3-f32"), lengths: [4096], trials: 3, seed: 7)
        #expect(rows[0].meanRelativeError > 0x1p-20)
    }

    /// The plot has one line per unit, a point per length.
    @Test func plotHasOneLinePerUnit() throws {
        var rows: [MatrixUnitStudy.Row] = []
        for name in ["p3109-block-dot-e4m3", "blackwell-tcgen05-nvf4"] {
            rows += try MatrixUnitStudy.errorVersusK(try MatrixUnit.preset(named: name), lengths: [256, 1024], trials: 2, seed: 3)
        }
        let svg = MatrixUnitStudy.plot(rows).render()
        #expect(svg.contains("p3109-block-dot-e4m3"))
        #expect(svg.contains("blackwell-tcgen05-nvf4"))
        #expect(MatrixUnitStudy.plot(rows).series.count == 2)
        #expect(MatrixUnitStudy.plot(rows).series.allSatisfy { $0.points.count == 2 })
    }
}
