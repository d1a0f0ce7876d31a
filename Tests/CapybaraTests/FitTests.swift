import Testing
@testable import Capybara
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Least-squares fit of (γ', δ, ν)")
struct FitTests {
    /// The paper's grid of formats (the fit in the paper used these).
    static let grid: [(Double, Double)] = [(0, 7), (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (2, 1), (2, 3),
                                           (3, 1), (3, 2), (4, 1), (4, 3), (4, 5), (5, 1), (5, 2), (6, 1)]

    /// Noise-free samples written out here with libm pow: value = 7 / (γ (E+.5)^δ (M+.5)^ν).
    static func exactSamples() -> [(E: Double, M: Double, value: Double)] {
        grid.map { (E: $0.0, M: $0.1, value: 7 / (pGamma * pow($0.0 + 0.5, pDelta) * pow($0.1 + 0.5, pNu))) }
    }

    @Test func recoversThePaperExponentsFromExactSamples() throws {
        let fit = try fitDeltaNu(samples: Self.exactSamples())
        #expect(abs(fit.delta - 3.1926) < 1e-12)
        #expect(abs(fit.nu - 2.9543) < 1e-12)
        // ln γ' = ln(γ / log2 B) = ln(11334.5197 / 7):
        // python3 -c "from mpmath import mp,mpf,log; mp.dps=30; print(log(mpf('11334.5197')/7))"
        #expect(abs(fit.logGamma - 7.389698039808133) < 1e-11)
        #expect(close(fit.gamma(log2B: 7), 11334.5197, rel: 1e-11))
        #expect(fit.residual < 1e-13 && fit.sampleCount == 17)
        #expect(fit.deltaStandardError! < 1e-12 && fit.nuStandardError! < 1e-12)
    }

    @Test func threeNonCollinearPointsAreAnExactFit() throws {
        let s = Self.exactSamples()
        let fit = try fitDeltaNu(samples: [s[1], s[7], s[12]])    // E1M1, E2M1, E4M3
        #expect(abs(fit.delta - 3.1926) < 1e-10 && abs(fit.nu - 2.9543) < 1e-10)
        #expect(fit.deltaStandardError == nil && fit.nuStandardError == nil)
    }

    /// refNoisyValues: the grid's law values (B = 128) times exp(0.05·u), u from SplitMix64 in gen.py;
    /// refNoisyFit = [ln γ', δ, ν, RMS residual] from a 50-digit normal-equation solve in gen.py.
    @Test func noisySamplesMatchAnIndependentSolveAndStayNearThePaper() throws {
        let samples = zip(Self.grid, refNoisyValues).map { InformationLossSample(E: $0.0.0, M: $0.0.1, value: $0.1) }
        let fit = try fitDeltaNu(samples: samples)
        #expect(close(fit.logGamma, refNoisyFit[0], rel: 1e-12))
        #expect(close(fit.delta, refNoisyFit[1], rel: 1e-12))
        #expect(close(fit.nu, refNoisyFit[2], rel: 1e-12))
        #expect(close(fit.residual, refNoisyFit[3], rel: 1e-10))
        // About 5 % noise moves the exponents by well under 0.05 and within 3 standard errors.
        #expect(abs(fit.delta - 3.1926) < 0.05 && abs(fit.nu - 2.9543) < 0.05)
        #expect(abs(fit.delta - 3.1926) < 3 * fit.deltaStandardError!)
        #expect(abs(fit.nu - 2.9543) < 3 * fit.nuStandardError!)
    }

    @Test func illPosedInputsThrowClearly() {
        let s = Self.exactSamples()
        func reason(_ samples: [(E: Double, M: Double, value: Double)]) -> String? {
            do { _ = try fitDeltaNu(samples: samples); return nil }
            catch { return error.description }
        }
        #expect(reason([])?.contains("at least 3 distinct") == true)
        #expect(reason([s[1], s[2]])?.contains("at least 3 distinct") == true)
        #expect(reason([s[1], s[1], s[2], s[2]])?.contains("got 2") == true)
        // All share one E (1, M = 1…6): δ cannot be identified.
        #expect(reason(Array(s[1...6]))?.contains("same E") == true)
        // All share one M (M = 1: E1M1, E2M1, E3M1, E4M1): ν cannot be identified.
        #expect(reason([s[1], s[7], s[9], s[11]])?.contains("same M") == true)
        // E = M for every point: ln(E+.5) and ln(M+.5) are the same column.
        let diagonal = [(E: 1.0, M: 1.0, value: 1e-3), (E: 2.0, M: 2.0, value: 1e-4), (E: 3.0, M: 3.0, value: 1e-5)]
        #expect(reason(diagonal)?.contains("one line") == true)
        #expect(reason([s[1], s[7], (E: 4, M: 3, value: 0)])?.contains("finite and > 0") == true)
        #expect(reason([s[1], s[7], (E: 4, M: 3, value: .nan)])?.contains("finite and > 0") == true)
        #expect(reason([s[1], s[7], (E: -0.5, M: 3, value: 1e-6)])?.contains("> -0.5") == true)
    }
}
