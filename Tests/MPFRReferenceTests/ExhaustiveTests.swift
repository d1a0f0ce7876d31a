#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MPFRReference
import Testing

/// Every binary32 input into binary16 and bfloat16 against independent conversions. Opt-in:
/// `EXMY_MPFR_EXHAUSTIVE=1` (every input; about 2 × 2^32 conversions, run it in release) or
/// `EXMY_MPFR_EXHAUSTIVE=k` (every k-th input).
@Suite struct ExhaustiveTests {
    static let stride: UInt64? = getenv("EXMY_MPFR_EXHAUSTIVE").flatMap { UInt64(String(cString: $0)) }

    /// Mismatch count over inputs `start, start + step, …` below 2^32.
    static func sweep(start: UInt64, step: UInt64) -> Int {
        var bad = 0
        var bits = start
        while bits < 1 << 32 {
            defer { bits += step }
            let f = Float(bitPattern: UInt32(bits))
            if f.isNaN { continue }
            let x = Double(f)
            let h = Double(Float16(f))
            let result16 = MPFRReference.convert(x, to: F.binary16, rounding: .nearestEven, overflow: .none)
            if result16.value.bitPattern != h.bitPattern { bad += 1 }
            if f.isFinite {
                let b = UInt32(bits)
                let rounded = (b &+ 0x7FFF &+ ((b >> 16) & 1)) >> 16
                let expected = Double(Float(bitPattern: rounded << 16))
                let resultB = MPFRReference.convert(x, to: F.bfloat16, rounding: .nearestEven,
                                                    overflow: .none)
                if resultB.value.bitPattern != expected.bitPattern { bad += 1 }
            }
        }
        return bad
    }

    @Test(.enabled(if: stride != nil)) func everyFloatIntoBinary16AndBfloat16() async {
        let step = max(1, Self.stride ?? 1)
        let lanes: UInt64 = 2
        let bad = await withTaskGroup(of: Int.self) { group in
            for lane in 0..<lanes {
                group.addTask { Self.sweep(start: lane * step, step: lanes * step) }
            }
            return await group.reduce(0, +)
        }
        #expect(bad == 0)
    }
}
#endif
