/// A minimal unsigned big integer for exact decimal conversion (text in, text out): 64-bit limbs,
/// least significant first, no zero limb at the top. Only what the decimal paths need: multiply by a
/// small number (and add), multiply by a power of five, shift, compare, subtract, divide by a small
/// number, and a quotient of at most 64 bits. Values stay below about 2^3000 (see
/// `ExactNumber.maxSignificantDigits` and the printers), so the quadratic algorithms are fast enough.
struct DecimalInteger {
    /// Limbs, least significant first; empty for zero.
    var limbs: [UInt64]

    init(_ value: UInt64 = 0) {
        limbs = value == 0 ? [] : [value]
        limbs.reserveCapacity(4)
    }

    var isZero: Bool { limbs.isEmpty }

    /// The number of significant bits (0 for zero).
    var bitLength: Int {
        guard let top = limbs.last else { return 0 }
        return limbs.count * 64 - top.leadingZeroBitCount
    }

    /// `self = self · factor + addend`.
    mutating func multiply(by factor: UInt64, adding addend: UInt64 = 0) {
        var carry = addend
        for i in limbs.indices {
            let (hi, lo) = limbs[i].multipliedFullWidth(by: factor)
            let (sum, overflow) = lo.addingReportingOverflow(carry)
            limbs[i] = sum
            carry = hi &+ (overflow ? 1 : 0)  // hi ≤ 2^64 − 2: no wrap
        }
        if carry != 0 { limbs.append(carry) }
    }

    /// 5^27, the largest power of five below 2^63.
    static let fivePower27: UInt64 = 7_450_580_596_923_828_125

    /// `self = self · 5^k`, `k ≥ 0`.
    mutating func multiplyByPowerOfFive(_ k: Int) {
        var k = k
        while k >= 27 {
            multiply(by: Self.fivePower27)
            k -= 27
        }
        if k > 0 { multiply(by: ExactNumber.powersOfFive[k]) }
    }

    /// 5^k.
    static func powerOfFive(_ k: Int) -> DecimalInteger {
        var w = DecimalInteger(1)
        w.multiplyByPowerOfFive(k)
        return w
    }

    /// `self = self · 2^n`, `n ≥ 0`.
    mutating func shiftLeft(_ n: Int) {
        guard n > 0, !isZero else { return }
        let words = n / 64, bits = n % 64
        if bits != 0 {
            var carry: UInt64 = 0
            for i in limbs.indices {
                let v = limbs[i]
                limbs[i] = (v << UInt64(bits)) | carry
                carry = v >> UInt64(64 - bits)
            }
            if carry != 0 { limbs.append(carry) }
        }
        if words > 0 { limbs.insert(contentsOf: repeatElement(0, count: words), at: 0) }
    }

    /// `self = ⌊self / 2^n⌋`; returns whether any bit shifted out was nonzero.
    @discardableResult
    mutating func shiftRight(_ n: Int) -> Bool {
        guard n > 0, !isZero else { return false }
        let words = min(n / 64, limbs.count), bits = n % 64
        var lost = limbs[0..<words].contains { $0 != 0 }
        limbs.removeFirst(words)
        if bits != 0 && !limbs.isEmpty {
            lost = lost || limbs[0] & ((1 << UInt64(bits)) - 1) != 0
            for i in limbs.indices {
                let next = i + 1 < limbs.count ? limbs[i + 1] : 0
                limbs[i] = (limbs[i] >> UInt64(bits)) | (next << UInt64(64 - bits))
            }
        }
        while limbs.last == 0 { limbs.removeLast() }
        return lost
    }

    /// `-1`, `0` or `1` as `a` is less than, equal to or greater than `b`.
    static func compare(_ a: DecimalInteger, _ b: DecimalInteger) -> Int {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count ? -1 : 1 }
        var i = a.limbs.count - 1
        while i >= 0 {
            if a.limbs[i] != b.limbs[i] { return a.limbs[i] < b.limbs[i] ? -1 : 1 }
            i -= 1
        }
        return 0
    }

    /// `self = self − other`. - Precondition: `self ≥ other`.
    mutating func subtract(_ other: DecimalInteger) {
        var borrow = false
        for i in limbs.indices {
            let o = i < other.limbs.count ? other.limbs[i] : 0
            if i >= other.limbs.count && !borrow { break }
            let (d1, b1) = limbs[i].subtractingReportingOverflow(o)
            let (d2, b2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            limbs[i] = d2
            borrow = b1 || b2
        }
        while limbs.last == 0 { limbs.removeLast() }
    }

    /// `self = ⌊self / divisor⌋`; returns the remainder. - Precondition: `divisor != 0`.
    mutating func divide(by divisor: UInt64) -> UInt64 {
        var remainder: UInt64 = 0
        var i = limbs.count - 1
        while i >= 0 {
            let (q, r) = divisor.dividingFullWidth((remainder, limbs[i]))
            limbs[i] = q
            remainder = r
            i -= 1
        }
        while limbs.last == 0 { limbs.removeLast() }
        return remainder
    }

    /// The top 64 bits: `(⌊self / 2^shift⌋, shift, whether the bits below are nonzero)` with
    /// `shift = max(0, bitLength − 64)`.
    func top64() -> (bits: UInt64, shift: Int, sticky: Bool) {
        let n = bitLength
        guard n > 64 else { return (limbs.first ?? 0, 0, false) }
        let shift = n - 64
        let word = shift / 64, bit = shift % 64
        var top = limbs[word] >> UInt64(bit)
        if bit != 0 && word + 1 < limbs.count { top |= limbs[word + 1] << UInt64(64 - bit) }
        var sticky = limbs[0..<word].contains { $0 != 0 }
        if bit != 0 && limbs[word] & ((1 << UInt64(bit)) - 1) != 0 { sticky = true }
        return (top, shift, sticky)
    }

    /// `(⌊self / divisor⌋, whether the remainder is nonzero)`, for a quotient below 2^64.
    ///
    /// - Precondition: `divisor != 0` and `self < divisor · 2^64`.
    func quotient(dividingBy divisor: DecimalInteger) -> (quotient: UInt64, inexact: Bool) {
        let nb = bitLength, db = divisor.bitLength
        if nb < db { return (0, !isZero) }
        if db <= 64 {
            // self < divisor · 2^64 < 2^128: two limbs, one full-width division.
            let d = divisor.limbs[0]
            let high = limbs.count > 1 ? limbs[1] : 0
            let (q, r) = d.dividingFullWidth((high, limbs[0]))
            return (q, r != 0)
        }
        // Estimate from the top 128 bits of self and the top 64 bits of the divisor (rounded up, so
        // the estimate never exceeds the quotient), then correct by at most a few subtractions.
        let s = db - 64
        var top = self
        top.shiftRight(s)
        var d = divisor
        d.shiftRight(s)
        let dTop = d.limbs[0]  // ≥ 2^63
        let high = top.limbs.count > 1 ? top.limbs[1] : 0
        var q: UInt64
        if dTop == .max {
            q = high
        } else {
            q = (dTop + 1).dividingFullWidth((high, top.limbs[0])).quotient
        }
        var product = divisor
        product.multiply(by: q)
        var rest = self
        rest.subtract(product)
        while Self.compare(rest, divisor) >= 0 {
            rest.subtract(divisor)
            q += 1
        }
        return (q, !rest.isZero)
    }

    /// The decimal digits (ASCII, most significant first; "0" for zero).
    func decimalDigits() -> [UInt8] {
        if isZero { return [UInt8(ascii: "0")] }
        var n = self
        var chunks: [UInt64] = []
        chunks.reserveCapacity(limbs.count * 20 / 19 + 1)
        while !n.isZero { chunks.append(n.divide(by: 10_000_000_000_000_000_000)) }
        var out: [UInt8] = []
        out.reserveCapacity(chunks.count * 19)
        for (i, chunk) in chunks.reversed().enumerated() {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 19)
            var c = chunk, j = 18
            while c != 0 {
                digits[j] = UInt8(ascii: "0") + UInt8(c % 10)
                c /= 10
                j -= 1
            }
            if i == 0 {
                out.append(contentsOf: digits[(j + 1)...])
            } else {
                out.append(contentsOf: digits)
            }
        }
        return out
    }
}
