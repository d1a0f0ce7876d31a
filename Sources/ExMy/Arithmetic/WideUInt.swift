/// A 192-bit unsigned integer in three 64-bit words, for the exact integer arithmetic of the
/// arithmetic core: aligning two 128-bit significands (a 106-bit product and an addend) with room
/// for cancellation, and the digit-by-digit square root. Fixed width, no heap, no `UInt128` (so the
/// package builds on every Apple platform without availability guards).
@usableFromInline
struct WideUInt: Hashable, Sendable, Comparable {
    /// Most significant word.
    @usableFromInline var high: UInt64
    @usableFromInline var middle: UInt64
    /// Least significant word.
    @usableFromInline var low: UInt64

    @inlinable init(high: UInt64, middle: UInt64, low: UInt64) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    @inlinable static var zero: WideUInt { WideUInt(high: 0, middle: 0, low: 0) }

    @inlinable var isZero: Bool { high | middle | low == 0 }

    /// The number of leading zero bits (192 for zero).
    @inlinable var leadingZeroBitCount: Int {
        if high != 0 { return high.leadingZeroBitCount }
        if middle != 0 { return 64 + middle.leadingZeroBitCount }
        return 128 + low.leadingZeroBitCount
    }

    @inlinable static func < (a: WideUInt, b: WideUInt) -> Bool {
        if a.high != b.high { return a.high < b.high }
        if a.middle != b.middle { return a.middle < b.middle }
        return a.low < b.low
    }

    /// `self << shift` (bits shifted out of the top are lost), `0 ≤ shift`.
    @inlinable func shiftedLeft(by shift: Int) -> WideUInt {
        if shift == 0 { return self }
        if shift >= 192 { return .zero }
        if shift >= 128 { return WideUInt(high: low << UInt64(shift - 128), middle: 0, low: 0) }
        if shift >= 64 {
            let s = shift - 64
            if s == 0 { return WideUInt(high: middle, middle: low, low: 0) }
            return WideUInt(high: middle << UInt64(s) | low >> UInt64(64 - s), middle: low << UInt64(s), low: 0)
        }
        let s = UInt64(shift)
        return WideUInt(
            high: high << s | middle >> (64 - s), middle: middle << s | low >> (64 - s), low: low << s)
    }

    /// `self >> shift` with jamming: if any nonzero bit is shifted out, the least significant bit of
    /// the result is set (the "sticky" bit), `0 ≤ shift`.
    @inlinable func shiftedRightJamming(by shift: Int) -> WideUInt {
        if shift == 0 { return self }
        if shift >= 192 { return WideUInt(high: 0, middle: 0, low: isZero ? 0 : 1) }
        var r: WideUInt
        let lost: Bool
        if shift >= 128 {
            let s = shift - 128
            r = WideUInt(high: 0, middle: 0, low: s == 0 ? high : high >> UInt64(s))
            lost = low | middle != 0 || (s != 0 && high << UInt64(64 - s) != 0)
        } else if shift >= 64 {
            let s = shift - 64
            if s == 0 {
                r = WideUInt(high: 0, middle: high, low: middle)
                lost = low != 0
            } else {
                let t = UInt64(s)
                r = WideUInt(high: 0, middle: high >> t, low: middle >> t | high << (64 - t))
                lost = low != 0 || middle << (64 - t) != 0
            }
        } else {
            let s = UInt64(shift)
            r = WideUInt(high: high >> s, middle: middle >> s | high << (64 - s), low: low >> s | middle << (64 - s))
            lost = low << (64 - s) != 0
        }
        if lost { r.low |= 1 }
        return r
    }

    /// `a + b`, and whether the sum carried out of 192 bits.
    @inlinable static func adding(_ a: WideUInt, _ b: WideUInt) -> (sum: WideUInt, carry: Bool) {
        let (l, c0) = a.low.addingReportingOverflow(b.low)
        let (m1, c1) = a.middle.addingReportingOverflow(b.middle)
        let (m, c2) = m1.addingReportingOverflow(c0 ? 1 : 0)
        let (h1, c3) = a.high.addingReportingOverflow(b.high)
        let (h, c4) = h1.addingReportingOverflow(c1 || c2 ? 1 : 0)
        return (WideUInt(high: h, middle: m, low: l), c3 || c4)
    }

    /// `a − b` for `a ≥ b`.
    @inlinable static func subtracting(_ a: WideUInt, _ b: WideUInt) -> WideUInt {
        let (l, b0) = a.low.subtractingReportingOverflow(b.low)
        let (m1, b1) = a.middle.subtractingReportingOverflow(b.middle)
        let (m, b2) = m1.subtractingReportingOverflow(b0 ? 1 : 0)
        let h = a.high &- b.high &- (b1 || b2 ? 1 : 0)
        return WideUInt(high: h, middle: m, low: l)
    }

    /// The value rounded to odd at 64 significant bits: `self ≈ significand · 2^shift` where
    /// `significand` is the top 64 bits (top bit set) with its last bit ORed with "anything nonzero
    /// below". Precondition: `self` is nonzero.
    @inlinable func roundedToOdd() -> (significand: UInt64, shift: Int) {
        let lz = leadingZeroBitCount
        let n = shiftedLeft(by: lz)
        let sticky: UInt64 = n.middle | n.low != 0 ? 1 : 0
        return (n.high | sticky, 128 - lz)
    }
}
