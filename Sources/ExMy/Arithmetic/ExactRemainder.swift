/// The exact remainders `x − n·y` (IEEE `remainder` and `fmod`), which are always exact: only the
/// conversion into a format rounds.
extension ExactResult {
    /// `x − n·y` where `n` is `x / y` rounded to the nearest integer, ties to even (`nearest`), or
    /// truncated (`!nearest`, C `fmod`). The result is exact; a zero result has the sign of `x`.
    /// `x` infinite or `y` zero is invalid; a finite `x` over ±∞ gives `x`.
    @inlinable
    static func remainder(_ x: Double, _ y: Double, nearest: Bool) -> ExactResult {
        switch (ExactOperand(x), ExactOperand(y)) {
        case (.nan, _), (_, .nan):
            return .quietNaN
        case (.infinity, _), (_, .zero):
            return .invalidNaN
        case (.zero(let n), _):
            return .zero(negative: n)
        case (.finite(let n, let s, let e), .infinity):
            return .finite(negative: n, significand: s, exponent: e)
        case (.finite(let n, let sx, let ex), .finite(_, let sy, let ey)):
            return finiteRemainder(negative: n, sx, ex, sy, ey, nearest: nearest)
        }
    }

    /// The remainder of finite nonzero `±sx·2^ex` by `±sy·2^ey` (the sign of y does not matter).
    ///
    /// With `e = min(ex, ey)`, `X = sx·2^(ex−e)` and `Y = sy·2^(ey−e)` are integers and
    /// `x − n·y = (X − n·Y)·2^e`. When `ex ≥ ey`, `X` can have up to 2098 bits (a 53-bit `sx`
    /// times `2^2045`): `X mod Y` is reduced step by step, 64 bits of `2^(ex−ey)` at a time
    /// (`(r·2^k) mod Y` by a 128-by-64-bit division), keeping the parity of the quotient for the
    /// ties of `nearest`. When `ex < ey`, either
    /// `|x| < |y|/2` (the remainder is `x`) or `Y` fits in 64 bits.
    @inlinable
    static func finiteRemainder(negative: Bool, _ sx: UInt64, _ ex: Int, _ sy: UInt64, _ ey: Int, nearest: Bool) -> ExactResult {
        let bitsX = 64 - sx.leadingZeroBitCount, bitsY = 64 - sy.leadingZeroBitCount
        // floor(log2 |x|) ≤ floor(log2 |y|) − 2 ⇒ |x| < |y|/2: the quotient rounds (or truncates) to 0.
        if ex + bitsX <= ey + bitsY - 2 {
            return .finite(negative: negative, significand: sx, exponent: ex)
        }
        let e = min(ex, ey)
        var r: UInt64            // X mod Y
        var quotientIsOdd: Bool  // ⌊X / Y⌋ mod 2
        let y: UInt64
        if ex >= ey {
            y = sy
            r = sx % y
            quotientIsOdd = (sx / y) & 1 == 1
            var pending = ex - ey
            while pending > 0 {
                let k = min(pending, 64)
                // r · 2^k as a 128-bit number; its high word is < y since r < y.
                let high = k == 64 ? r : r >> UInt64(64 - k)
                let low = k == 64 ? 0 : r << UInt64(k)
                let (q, rest) = y.dividingFullWidth((high, low))
                r = rest
                quotientIsOdd = q & 1 == 1
                pending -= k
            }
        } else {
            // Here log2|x| ≥ log2|y| − 1, so Y = sy·2^(ey−ex) < 2^(bitsX+1) ≤ 2^54.
            y = sy << UInt64(ey - ex)
            r = sx % y
            quotientIsOdd = (sx / y) & 1 == 1
        }
        var resultNegative = negative
        var magnitude = r
        if nearest && (r > y - r || (r == y - r && quotientIsOdd)) {
            // n = ⌊X/Y⌋ + 1: the remainder is r − Y, of the opposite sign.
            magnitude = y - r
            resultNegative.toggle()
        }
        if magnitude == 0 { return .zero(negative: negative) }
        return .finite(negative: resultNegative, significand: magnitude, exponent: e)
    }
}
