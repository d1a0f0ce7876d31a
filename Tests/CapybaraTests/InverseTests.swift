import Testing
@testable import Capybara
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Effective formats from a measured information loss")
struct InverseTests {
    // refInverse = [T, E_eff(T, M=3), M_eff(T, E=4), P_eff(T), ray E, ray M, ratio E, ratio M], where
    // T = 1.7 × info(4, 3, log2 128), from gen.py: a format measured 1.7× worse than the law's E4M3.
    @Test func closedFormInversionsMatchMpmath() throws {
        let T = refInverse[0]
        #expect(close(try law.effectiveExponentBits(term: T, M: 3, B: b128), refInverse[1], rel: 1e-13))
        #expect(close(try law.effectiveSignificandBits(term: T, E: 4, B: b128), refInverse[2], rel: 1e-13))
        #expect(close(try law.effectiveWidth(term: T, B: b128), refInverse[3], rel: 1e-13))
        let ray = try law.effectiveFormat(term: T, along: ContinuousFormat(exponentBits: 4, significandBits: 3), B: b128)
        #expect(close(ray.exponentBits, refInverse[4], rel: 1e-13) && close(ray.significandBits, refInverse[5], rel: 1e-13))
        #expect(close(try law.effectiveExponentBits(errorRatio: 1.7, E: 4, M: 3), refInverse[6], rel: 1e-13))
        #expect(close(try law.effectiveSignificandBits(errorRatio: 1.7, E: 4, M: 3), refInverse[7], rel: 1e-13))
    }

    /// Round trips: the effective format reproduces the term it was solved from.
    @Test(arguments: [1e-9, 3e-8, 1.2528769620206944e-07, 4e-6, 2e-4])
    func roundTrips(term: Double) throws {
        for B in [b128, .channel, .elements(32)] {
            let e = try law.effectiveExponentBits(term: term, M: 2, B: B)
            #expect(e > -0.5)
            #expect(close(try law.informationLoss(E: e, M: 2, B: B), term, rel: 1e-12))
            let m = try law.effectiveSignificandBits(term: term, E: 5, B: B)
            #expect(close(try law.informationLoss(E: 5, M: m, B: B), term, rel: 1e-12))
            let p = try law.effectiveWidth(term: term, B: B)
            #expect(close(try law.optimalSplitInformationLoss(width: p, B: B), term, rel: 1e-12))
            let f = try law.effectiveFormat(term: term, along: ContinuousFormat(exponentBits: 5, significandBits: 2), B: B)
            #expect(close(try law.informationLoss(E: f.exponentBits, M: f.significandBits, B: B), term, rel: 1e-12))
            // The ray keeps the shape (E+0.5)/(M+0.5).
            #expect(close((f.exponentBits + 0.5) / (f.significandBits + 0.5), 5.5 / 2.5, rel: 1e-12))
        }
    }

    @Test func ratioFormIsConsistentWithTermForm() throws {
        for r in [0.25, 1.0, 1.7, 10.0] {
            let t = try law.informationLoss(E: 4, M: 3, B: .channel) * r
            #expect(close(try law.effectiveExponentBits(errorRatio: r, E: 4, M: 3),
                          try law.effectiveExponentBits(term: t, M: 3, B: .channel), rel: 1e-12))
            #expect(close(try law.effectiveSignificandBits(errorRatio: r, E: 4, M: 3),
                          try law.effectiveSignificandBits(term: t, E: 4, B: .channel), rel: 1e-12))
        }
        #expect(try law.effectiveExponentBits(errorRatio: 1, E: 4, M: 3) == 4)
    }

    @Test func invalidInputs() {
        #expect(throws: CapybaraError.self) { try law.effectiveExponentBits(term: 0, M: 3, B: b128) }
        #expect(throws: CapybaraError.self) { try law.effectiveSignificandBits(term: -1, E: 3, B: b128) }
        #expect(throws: CapybaraError.self) { try law.effectiveWidth(term: 1e-7, B: .elements(1)) }
        #expect(throws: CapybaraError.self) { try law.effectiveExponentBits(errorRatio: .nan, E: 4, M: 3) }
    }
}
