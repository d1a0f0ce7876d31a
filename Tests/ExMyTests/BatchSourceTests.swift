import Foundation
import Testing
@testable import ExMy

/// `Double`, `Float16` and bfloat16 inputs: each element rounds once from its exact value, as the
/// scalar engine rounds it.
struct BatchSourceTests {
    typealias S = BatchTestSupport

    static let formats: [FloatFormat] = [
        .e4m3fn, .e5m2, .e2m1fn, .e3m2fn, .e2m3fn, .e4m3fnuz, .ue4m3, .mxint8, .fp16, .bf16, .tf32, .fp32, .e8m0fnu,
        try! FloatFormat(parsing: "e3m3:bias=5,subnormals=off"),
    ]
    static let rules: [RoundingRule] = [.toNearestOrEven, .towardZero, .awayFromZero, .stochasticA(bits: 8), .stochasticB(bits: 6)]

    /// Doubles that a Float-first conversion would round twice: midpoints of each format nudged by
    /// one Double ulp, values between Float neighbours, Doubles outside Float's range.
    static func doubles(_ f: FloatFormat) -> [Double] {
        var out: [Double] = [-431.99999999999994, 431.99999999999994, 1e300, -1e300, 1e-300, .leastNonzeroMagnitude, -0.0, 0.0,
                             .infinity, -.infinity, .nan, -.nan, Double(bitPattern: 0x7FF0_0000_0000_0001),
                             Double(Float.greatestFiniteMagnitude) * 1.5, Double(Float.leastNonzeroMagnitude) / 3,
                             Double(Float.leastNormalMagnitude) * 0.75]
        for m in S.midpoints(f).prefix(4000) {
            let d = Double(m)
            out += [d, d.nextUp, d.nextDown, d + d.ulp * 1000, d * (1 + 0x1p-30)]
        }
        return out
    }

    @Test func doubleInputs() throws {
        for f in Self.formats {
            let inputs = Self.doubles(f)
            for rule in Self.rules {
                for overflow in [OverflowRule.none, .saturateFinite] {
                    let encoder = try BatchEncoder(f, rounding: rule, overflow: overflow, nanPolicy: .zero)
                    let expected = S.scalar(f, rule, overflow, inputs, seed: 11)
                    let got = try S.batchNatural(encoder, inputs, options: .init(seed: 11))
                    let mismatch = S.firstMismatch(got.codes, expected.codes, inputs)
                    #expect(mismatch == nil, "\(f) \(rule) \(overflow): \(mismatch ?? "")")
                    #expect(got.status == expected.status, "\(f) \(rule) \(overflow) flags")
                }
            }
        }
        // The double-rounding case: ml_dtypes' float32 step gives −448; one rounding gives −416.
        let (codes, _) = try BatchEncoder(.e4m3fn).encode([-431.99999999999994] as [Double], as: UInt8.self)
        #expect(codes == [0xFD])
    }

    #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
    @Test func float16Inputs() throws {
        let inputs: [Float16] = (0...0xFFFF).map { Float16(bitPattern: UInt16($0)) }
        let doubles = inputs.map { Double($0) }
        for k in stride(from: 0, to: inputs.count, by: 1) where !inputs[k].isNaN {
            #expect(S.float16Value(inputs[k].bitPattern) == doubles[k])
        }
        for f in Self.formats {
            for rule in S.long ? Self.rules : [.toNearestOrEven, .stochasticA(bits: 8)] {
                let encoder = try BatchEncoder(f, rounding: rule, overflow: .saturatePropagate, nanPolicy: .zero)
                let expected = S.scalar(f, rule, .saturatePropagate, doubles, seed: 2)
                let got = try S.batchNatural(encoder, inputs, options: .init(seed: 2))
                let mismatch = S.firstMismatch(got.codes, expected.codes, doubles)
                #expect(mismatch == nil, "\(f) \(rule): \(mismatch ?? "")")
                #expect(got.status == expected.status, "\(f) \(rule) flags")
            }
        }
    }
    #endif

    @Test func bfloat16Inputs() throws {
        let bits: [UInt16] = (0...0xFFFF).map { UInt16($0) }
        let doubles = bits.map { Double(Float(bitPattern: UInt32($0) << 16)) }
        for f in Self.formats {
            for rule in S.long ? Self.rules : [.toNearestOrEven, .towardZero] {
                let encoder = try BatchEncoder(f, rounding: rule, nanPolicy: .zero)
                let expected = S.scalar(f, rule, .none, doubles, seed: 4)
                let got = try S.onEveryLoops(encoder, "bfloat16") { e in
                    var codes = [UInt64](repeating: 0, count: bits.count)
                    let status = try bits.withUnsafeBufferPointer { src in
                        try codes.withUnsafeMutableBufferPointer { try e.encode(bfloat16Bits: src, into: $0, options: .init(seed: 4)) }
                    }
                    return S.Encoded(codes: codes, status: status)
                }
                let (codes, status) = (got.codes, got.status)
                let mismatch = S.firstMismatch(codes, expected.codes, doubles)
                #expect(mismatch == nil, "\(f) \(rule): \(mismatch ?? "")")
                #expect(status == expected.status)
            }
        }
    }

    /// Raw memory: a byte buffer holding Floats, and the alignment check.
    @Test func rawBuffers() throws {
        let values: [Float] = [0.3, -1.5, 448, 1e-3]
        let encoder = try BatchEncoder(.e4m3fn)
        let expected = try encoder.encode(values, as: UInt8.self).codes
        var bytes = [UInt8](repeating: 0, count: 4 * values.count + 1)
        values.withUnsafeBytes { src in for k in 0..<src.count { bytes[k + 1] = src[k] } }
        var out = [UInt8](repeating: 0, count: values.count)
        // Aligned view: works.
        try values.withUnsafeBytes { src in
            _ = try out.withUnsafeMutableBytes { try encoder.encode(raw: src, as: .float, into: $0, codeByteCount: 1) }
        }
        #expect(out == expected)
        // Misaligned by one byte: a clear error.
        let error = #expect(throws: BatchError.self) {
            try bytes.withUnsafeBytes { src in
                let view = UnsafeRawBufferPointer(rebasing: src[1...])
                _ = try out.withUnsafeMutableBytes { try encoder.encode(raw: view, as: .float, into: $0, codeByteCount: 1) }
            }
        }
        #expect(error?.kind == .misaligned)
    }
}
