import Foundation
import Testing
@testable import ExMy

struct TypedValueTests {
    @Test func layoutIsTheCode() {
        #expect(MemoryLayout<Float8E4M3FN>.size == 1)
        #expect(MemoryLayout<BFloat16>.size == 2)
        #expect(Float8E4M3FN(0.3).bitPattern == 0x2A)  // 0.3 → 0.3125 = 1.010·2^-2 (0 0101 010)
    }

    @Test func equalityAndHashing() {
        let p = Float8E4M3FN(0.0), n = Float8E4M3FN(-0.0)
        #expect(p.bitPattern == 0 && n.bitPattern == 0x80)
        #expect(p == n)
        #expect(p.hashValue == n.hashValue)
        let notANumber = Float8E4M3FN(bitPattern: 0x7F)  // a NaN code (comparing `.nan` draws a compiler warning)
        #expect(notANumber != notANumber)
        #expect(Set([p, n]).count == 1)
        #expect(Float8E4M3FN(1) < Float8E4M3FN(2))
        #expect(!(notANumber < Float8E4M3FN(2)))
    }

    @Test func totalOrder() {
        let values: [Float8E4M3FN] = [.init(bitPattern: 0xFF), .init(-448.0), .init(-1.0), .init(-0.0), .init(0.0), .init(1.0), .init(448.0), .init(bitPattern: 0x7F)]
        for i in values.indices { for j in values.indices {
            #expect(values[i].isTotallyOrdered(belowOrEqualTo: values[j]) == (i <= j), "\(i) \(j)")
        } }
    }

    @Test func fieldsRoundTrip() {
        for code in 0...255 {
            let x = Float8E5M2(bitPattern: UInt8(code))
            let y = Float8E5M2(sign: x.sign, exponentBitPattern: x.exponentBitPattern, significandBitPattern: x.significandBitPattern)
            #expect(y.bitPattern == x.bitPattern)
        }
        let v = Float8E4M3FN(-6.5)  // −1.625·2^2
        #expect(v.sign == .minus && v.exponent == 2 && v.significand.doubleValue == 1.625)
        #expect(v.exponentBitPattern == 9 && v.significandBitPattern == 5)
    }

    @Test func neighboursMatchTheSortedValueList() {
        // nextUp/nextDown against the sorted list of all finite values (from decode of every code).
        func check<F: ExMyFormat>(_: F.Type) {
            let all = (0..<(1 << F.format.bitWidth)).map { ExMy<F>(bitPattern: F.BitPattern($0)) }
            let finite = all.filter { $0.isFinite && $0.isCanonical }
            let sorted = Array(Set(finite.map(\.doubleValue))).sorted()
            for x in finite {
                let v = x.doubleValue
                let i = sorted.firstIndex(of: v)!
                if i + 1 < sorted.count { #expect(x.nextUp.doubleValue == sorted[i + 1], "\(F.format) nextUp \(v)") }
                if i > 0 { #expect(x.nextDown.doubleValue == sorted[i - 1], "\(F.format) nextDown \(v)") }
            }
        }
        check(ExMyFormats.E4M3FN.self); check(ExMyFormats.E5M2.self); check(ExMyFormats.E2M1FN.self)
        check(ExMyFormats.E4M3FNUZ.self); check(ExMyFormats.E8M0FNU.self); check(ExMyFormats.MXINT8.self)
        check(ExMyFormats.UE4M3.self); check(ExMyFormats.Binary8P4SE.self)
        #expect(Float8E5M2.greatestFiniteMagnitude.nextUp.isInfinite)
        #expect(Float8E4M3FN.greatestFiniteMagnitude.nextUp.isNaN)
        #expect(Float4E2M1FN.greatestFiniteMagnitude.nextUp == Float4E2M1FN.greatestFiniteMagnitude)
    }

    @Test func descriptionRoundTripsEveryCode() {
        func check<F: ExMyFormat>(_: F.Type) {
            for code in 0..<(1 << F.format.bitWidth) {
                let x = ExMy<F>(bitPattern: F.BitPattern(code))
                guard x.isCanonical else { continue }
                let back = ExMy<F>(x.description)
                #expect(back != nil)
                if x.isNaN { #expect(back!.isNaN) } else { #expect(back!.bitPattern == x.bitPattern || (x.isZero && back!.isZero && x.sign == back!.sign), "\(F.format) \(x.description)") }
            }
        }
        check(ExMyFormats.E4M3FN.self); check(ExMyFormats.E5M2.self); check(ExMyFormats.E3M2FN.self)
        check(ExMyFormats.E8M0FNU.self); check(ExMyFormats.Binary16.self); check(ExMyFormats.MXINT8.self)
        #expect(Float8E4M3FN(0.3).description == "0.3")
        // Shortest round-trip: every number in [432, 464] rounds to 448, so two digits suffice.
        #expect(Float8E4M3FN(448).description == "4.5e2")
        #expect(Float8E4M3FN(448).debugDescription == "4.5e2 = 448 (0x7E e4m3fn)")
        #expect(Float8E5M2(-Double.infinity).description == "-inf")
        #expect(Float8E4M3FN("abc") == nil)
        #expect(Float8E4M3FN("") == nil)
        #expect(Float8E4M3FN("1.5x") == nil)
    }

    @Test func literalsAndConversions() {
        let a: Float8E4M3FN = 2.5
        let b: Float8E4M3FN = 3
        #expect(a.doubleValue == 2.5 && b.doubleValue == 3)
        #expect(Float4E2M1FN(Float8E4M3FN(2.5)).doubleValue == 2)  // ties to even: 2.5 → 2
        #expect(Float4E2M1FN(Float8E4M3FN(2.5), rounding: .toNearestOrAwayFromZero).doubleValue == 3)
        #expect(Float8E4M3FN(1000).isNaN)  // OCP non-saturating
        #expect(Float8E4M3FN(1000.0, rounding: .toNearestOrEven, overflow: .saturateFinite).doubleValue == 448)
        #expect(Float8E4M3FN(UInt64.max).isNaN)
        #expect(BFloat16(Int64.max).doubleValue == 0x1p63)
        #expect(ExMyBinary32(Int64.max).doubleValue == 0x1p63)
        // A 128-bit integer just above a bfloat16 tie rounds up thanks to the sticky bit.
        let big = (Int128(1) << 100) + (Int128(1) << 92) + 1  // 1.00000001·2^100 + tiny
        #expect(BFloat16(big).doubleValue == 0x1.02p100)
        #expect(Float8E4M3FN(exactly: 0.3) == nil)
        #expect(Float8E4M3FN(exactly: 0.3125)?.bitPattern == 0x2A)
    }

    @Test func codableRoundTrip() throws {
        let values = (0...255).map { Float8E4M3FN(bitPattern: UInt8($0)) }
        let data = try JSONEncoder().encode(values)
        let back = try JSONDecoder().decode([Float8E4M3FN].self, from: data)
        #expect(back.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Float4E2M1FN.self, from: Data("200".utf8)) }
        let format = try JSONDecoder().decode(FloatFormat.self, from: JSONEncoder().encode(FloatFormat.e3m2fn))
        #expect(format == .e3m2fn)
    }

    /// Half, bfloat16 and single as ExMy against the toolchain's own conversions.
    @Test func hardwareFormatsAgreeWithTheToolchain() {
        // Every Float16 pattern decodes to the same value; every Float16 value re-encodes to its code.
        for bits in 0...0xFFFF {
            let h = Float16(bitPattern: UInt16(bits))
            let x = ExMyBinary16(bitPattern: UInt16(bits))
            if h.isNaN { #expect(x.isNaN); continue }
            #expect(x.doubleValue == Double(h) && x.sign == h.sign)
            #expect(ExMyBinary16(Double(h)).bitPattern == UInt16(bits))
        }
        // Every bfloat16 pattern against Float's value of the same upper bits.
        for bits in 0...0xFFFF {
            let f = Float(bitPattern: UInt32(bits) << 16)
            let x = BFloat16(bitPattern: UInt16(bits))
            if f.isNaN { #expect(x.isNaN); continue }
            #expect(x.doubleValue == Double(f))
        }
        // Random Doubles and Floats rounded by the toolchain (round to nearest even) and by ExMy.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200_000 {
            let d = Double(bitPattern: rng.next())
            if d.isNaN { continue }
            #expect(ExMyBinary16(d).doubleValue == Double(Float16(d)), "\(d)")
            #expect(ExMyBinary32(d).doubleValue == Double(Float(d)), "\(d)")
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if f.isNaN { continue }
            #expect(ExMyBinary16(f).doubleValue == Double(Float16(f)), "\(f)")
        }
    }
}
