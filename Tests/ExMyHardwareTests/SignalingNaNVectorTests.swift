import ExMy
import ExMyHardware
import Testing

/// With signaling NaNs modelled, the boundary operands of formats whose operands are not
/// enumerated include signaling NaNs; they raise invalid and give the quiet NaN.
struct SignalingNaNVectorTests {
    @Test(arguments: ["f32_add", "f32_mulAdd", "f64_sqrt", "f32_to_f16", "f32_lt", "f32_min"])
    func boundaryOperandsIncludeSignalingNaNs(_ name: String) throws {
        let function = try VectorFunction(parsing: name)
        let f = function.operandFormat
        let sNaN: UInt64 = f.bitWidth == 32 ? 0x7F80_0001 : 0x7FF0_0000_0000_0001
        let negativeSNaN: UInt64 = sNaN | (1 << UInt64(f.bitWidth - 1))
        #expect(f.isSignalingNaN(sNaN) && f.isSignalingNaN(negativeSNaN))
        var withSignaling = 0, without = 0
        let on = try VectorModel(function, VectorSettings(options: .softFloat))
        try VectorGenerator(on, count: 5000).generate { v in
            guard v.operands.contains(sNaN) || v.operands.contains(negativeSNaN) else { return }
            withSignaling += 1
            // Every operation but min and max (which still return NaN) raises invalid on a signaling NaN.
            #expect(v.expected.flags.contains(.invalid), "\(name) \(v.operands)")
        }
        let off = try VectorModel(function, VectorSettings())
        try VectorGenerator(off, count: 5000).generate { v in
            if v.operands.contains(where: { f.isSignalingNaN($0) }) { without += 1 }
        }
        #expect(withSignaling >= 2 && without == 0, "\(name): \(withSignaling) with, \(without) without")
    }
}
