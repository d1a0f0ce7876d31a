import Foundation
import Testing
import ExMy
@testable import ExMyAnalysis

/// One scheme and one seed round element `i` alike in `exmy analyze` (``Quantizer``, through the
/// batch encoder) and `exmy dot` (``QuantizedVector``, through the scalar engine): both draw element
/// `i`'s random bits from the ``CounterRandom`` stream of the seed at index `i`.
@Suite struct StochasticAgreementTests {
    /// 1000 values with plenty of inexact quotients in every scheme below.
    let values: [Float] = (0..<1000).map { (i: Int) -> Float in
        let t = Double(i)
        return Float(sin(t * 0.731) * 3 + cos(t * 0.113))
    }

    func scheme(_ name: String, element: FloatFormat? = nil, _ rule: RoundingRule) throws -> QuantizationScheme {
        var s = try QuantizationScheme(parsing: name, element: element, block: name == "absmax" ? 32 : nil)
        s.rounding = rule
        return s
    }

    @Test(arguments: [
        ("absmax", FloatFormat.e2m1fn, RoundingRule.stochasticA(bits: 8)),
        ("mxfp4", nil, .stochastic),
        ("nvfp4", nil, .stochasticB(bits: 4)),
        ("per-tensor", .e4m3fn, .stochasticC(bits: 12)),
    ] as [(String, FloatFormat?, RoundingRule)])
    func analyzeAndDotAgree(name: String, element: FloatFormat?, rule: RoundingRule) throws {
        let s = try scheme(name, element: element, rule)
        let tensor = try Tensor(name: "v", values: values, shape: [1, values.count])
        let groups = try Quantizer.groupScales(tensor, s)
        var nearest = s
        nearest.rounding = .toNearestOrEven
        let rne = try Quantizer.quantize(tensor, nearest, keepOutput: true, threads: 1).output
        for seed: UInt64 in [0, 7, 0xDEAD_BEEF] {
            let analyzed = try Quantizer.quantize(tensor, s, seed: seed, keepOutput: true, threads: 1).output
            let dot = try QuantizedVector(quantizing: values, as: .scheme(s), seed: seed)
            let dotValues = values.indices.map { i in Float(dot.elements[i] * groups.scales[groups.layout.group(of: i)]) }
            #expect(dotValues == analyzed, "\(name) seed \(seed)")
            // The test can fail: stochastic rounding moved some elements off round-to-nearest.
            #expect(zip(analyzed, rne).contains { $0 != $1 }, "\(name) seed \(seed)")
        }
    }

    /// A plain format (`--scheme none`): element `i` of `exmy dot`'s input is `exmy encode`'s code `i`.
    @Test func dotFormatInputsFollowTheEncoderStream() throws {
        let seed: UInt64 = 99
        let dot = try QuantizedVector(quantizing: values, as: .format(.e2m1fn, .stochasticA(bits: 6), .saturateFinite), seed: seed)
        let encoder = try BatchEncoder(.e2m1fn, rounding: .stochasticA(bits: 6), overflow: .saturateFinite)
        var codes = [UInt8](repeating: 0, count: values.count)
        _ = try values.withUnsafeBufferPointer { v in
            try codes.withUnsafeMutableBufferPointer { c in try encoder.encode(v, into: c, options: BatchOptions(threads: 1, seed: seed)) }
        }
        #expect(dot.elements == codes.map { FloatFormat.e2m1fn.decode(UInt64($0)) })
    }
}
