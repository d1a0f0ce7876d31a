#if MPFR  // the oracle needs GNU MPFR (libmpfr-dev): built with the package trait MPFR
import CMPFR

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An owned `mpfr_t`: a pointer to a heap `__mpfr_struct`, never copied (notes: copying the struct
/// aliases the limbs).
typealias MP = UnsafeMutablePointer<__mpfr_struct>

@inline(__always) func makeMP(_ precision: Int) -> MP {
    let p = MP.allocate(capacity: 1)
    mpfr_init2(p, precision)
    return p
}

/// MPFR's default exponent range (`1 − 2^30 … 2^30 − 1`), used for every exact computation.
let wideEmin = 1 - (1 << 30)
let wideEmax = (1 << 30) - 1

/// The per-thread MPFR registers the oracle computes in, plus a cache of format plans.
///
/// Not `Sendable`: one instance per OS thread (a pthread key), reached through ``current``, and only
/// ever used inside one synchronous call.
final class Workspace {
    /// |x| (precision 53, exact).
    let ax = makeMP(53)
    /// RZ candidate, RA candidate, RNDN result / parity probe (precision = the plan's).
    let lo = makeMP(53), hi = makeMP(53), rn = makeMP(53)
    /// Midpoint (lo + hi)/2, hi − lo, |x| − lo: exact at 128 bits.
    let mid = makeMP(128), step = makeMP(128), diff = makeMP(128)
    /// Integers up to 2^66 for the stochastic comparisons.
    let scaled = makeMP(192), threshold = makeMP(192)
    /// Decoded code values.
    let code = makeMP(128)
    /// The current plan's overflow limits: greatestFinite, and the most negative magnitude.
    let limit = makeMP(64), negativeLimit = makeMP(64)
    /// Arithmetic: the operands (exact Doubles), the exact product inside a fused multiply-add,
    /// the exact (or round-to-odd) result, whose precision each operation sizes, and the 64-bit
    /// round-to-odd intermediate that stochastic rules round.
    let ox = makeMP(53), oy = makeMP(53), oz = makeMP(53), product = makeMP(106)
    let exact = makeMP(128), odd64 = makeMP(64)
    /// Number text read by MPFR: the exact value rounded to odd at 128 bits; a wide register for
    /// exact decimal printing.
    let text = makeMP(128), wide = makeMP(2200)

    private var currentPrecision = 53
    private var lastFormat: ReferenceFormat?
    private var lastPlan: Plan?
    private var plans: [ReferenceFormat: Plan] = [:]

    deinit {
        for p in [ax, lo, hi, rn, mid, step, diff, scaled, threshold, code, limit, negativeLimit, ox, oy, oz, product, exact, odd64, text, wide] {
            mpfr_clear(p)
            p.deallocate()
        }
    }

    /// The plan for `format`, cached; also loads ``limit`` and ``negativeLimit``.
    func plan(for format: ReferenceFormat) -> Plan {
        if let lastPlan, lastFormat == format { return lastPlan }
        let plan: Plan
        if let cached = plans[format] {
            plan = cached
        } else {
            plan = Plan.make(format, in: self)
            if plans.count >= 256 { plans.removeAll(keepingCapacity: true) }
            plans[format] = plan
        }
        lastFormat = format
        lastPlan = plan
        if plan.problem == nil {
            let saved = SavedRange()
            mpfr_set_d(limit, plan.greatestFinite, MPFR_RNDN)
            mpfr_set_d(negativeLimit, plan.mostNegativeMagnitude, MPFR_RNDN)
            saved.restore()
        }
        return plan
    }

    /// Gives the three candidate registers the plan's precision (MPFR rounds to the target's
    /// precision).
    @inline(__always) func usePrecision(_ p: Int) {
        guard p != currentPrecision else { return }
        mpfr_set_prec(lo, p)
        mpfr_set_prec(hi, p)
        mpfr_set_prec(rn, p)
        currentPrecision = p
    }

    /// This thread's workspace.
    static var current: Workspace {
        if let raw = pthread_getspecific(workspaceKey) {
            return Unmanaged<Workspace>.fromOpaque(raw).takeUnretainedValue()
        }
        let w = Workspace()
        pthread_setspecific(workspaceKey, Unmanaged.passRetained(w).toOpaque())
        return w
    }
}

#if canImport(Darwin)
private let workspaceKey: pthread_key_t = {
    var key = pthread_key_t()
    let rc = pthread_key_create(&key) { raw in
        Unmanaged<Workspace>.fromOpaque(raw).release()
    }
    precondition(rc == 0, "pthread_key_create failed")
    return key
}()
#else
private let workspaceKey: pthread_key_t = {
    var key = pthread_key_t()
    let rc = pthread_key_create(&key) { raw in
        if let raw { Unmanaged<Workspace>.fromOpaque(raw).release() }
    }
    precondition(rc == 0, "pthread_key_create failed")
    return key
}()
#endif

/// Saves this thread's MPFR exponent range and sets the wide one; ``restore()`` puts it back.
/// MPFR's range is per-thread state: every public entry point saves, computes and restores within
/// one synchronous call.
struct SavedRange {
    let emin: Int
    let emax: Int
    @inline(__always) init() {
        emin = mpfr_get_emin()
        emax = mpfr_get_emax()
        if emin != wideEmin { mpfr_set_emin(wideEmin) }
        if emax != wideEmax { mpfr_set_emax(wideEmax) }
    }
    @inline(__always) func restore() {
        if emin != wideEmin { mpfr_set_emin(emin) }
        if emax != wideEmax { mpfr_set_emax(emax) }
    }
}
#endif
