#if MPFR  // the cross-checks need GNU MPFR: swift test --traits MPFR
import CMPFR
import MPFRReference
import Testing

/// The oracle keeps MPFR's per-thread state intact and gives the same answers from many tasks.
@Suite struct ThreadingTests {
    @Test func exponentRangeIsRestored() {
        let emin = mpfr_get_emin(), emax = mpfr_get_emax()
        mpfr_set_emin(-10)
        mpfr_set_emax(10)
        defer { mpfr_set_emin(emin); mpfr_set_emax(emax) }
        // A caller's narrow range must not change the answers either.
        #expect(rne(-431.99999999999994, F.e4m3fn) == r(-416, .inexact))
        #expect(rne(p2(-1074), F.binary64) == r(p2(-1074)))
        _ = MPFRReference.convertStochastic(2.25, to: F.e2m1, variant: .variantB, randomBits: 8,
                                            random: 7, overflow: .none)
        _ = MPFRReference.value(ofCode: 1, in: F.binary64)
        _ = MPFRReference.stochasticCandidates(p2(-1074), in: F.e4m3fn)
        #expect(mpfr_get_emin() == -10 && mpfr_get_emax() == 10)
    }

    @Test func concurrentTasksAgree() async {
        let inputs = (0..<4000).map { i in Double(i) * 0.37 - 700 }
        let serial = inputs.map { rne($0, F.e4m3fn) }
        let results = await withTaskGroup(of: [ReferenceResult].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    inputs.map { x in
                        MPFRReference.convert(x, to: F.e4m3fn, rounding: .nearestEven, overflow: .none)
                    }
                }
            }
            var all: [[ReferenceResult]] = []
            for await r in group { all.append(r) }
            return all
        }
        for r in results { #expect(r == serial) }
    }
}
#endif
