import Testing
@testable import Capybara
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Best exponent/significand split")
struct SplitTests {
    /// The paper's list of best integer formats for widths 1…16 (P counts the sign bit).
    static let paperList = ["E0M0", "E1M0", "E1M1", "E2M1", "E2M2", "E3M2", "E3M3", "E4M3",
                            "E4M4", "E5M4", "E5M5", "E6M5", "E6M6", "E7M6", "E7M7", "E8M7"]

    @Test func integerSplitsReproduceThePaper() throws {
        let names = try (1...16).map { try law.optimalSplit(width: $0).name }
        #expect(names == Self.paperList)
        for P in 1...16 {
            let s = try law.optimalSplit(width: P)
            #expect(s.width == P && s.exponentBits + s.significandBits == P - 1)
            #expect(s.exponentBits >= 0 && s.significandBits >= 0)
        }
    }

    /// Brute force over every split with the loss itself: the integer optimum also minimises the
    /// full loss at any fixed N, D, B.
    @Test func integerSplitMinimisesTheLoss() throws {
        for P in 1...16 {
            let losses = try (0..<P).map { e in try law.loss(N: 3e8, D: 2e10, E: Double(e), M: Double(P - 1 - e), B: .channel) }
            let bestE = losses.indices.min { losses[$0] < losses[$1] }!
            #expect(try law.optimalSplit(width: P).exponentBits == bestE)
        }
    }

    // refContinuousSplit = [E_opt(1), M_opt(1), …, E_opt(16), M_opt(16)], split(P) in gen.py.
    @Test func continuousSplitMatchesMpmath() throws {
        for P in 1...16 {
            let s = try law.optimalSplit(width: P).continuous
            #expect(close(s.exponentBits, refContinuousSplit[2 * (P - 1)], rel: 1e-14) || abs(s.exponentBits - refContinuousSplit[2 * (P - 1)]) < 1e-15)
            #expect(close(s.significandBits, refContinuousSplit[2 * P - 1], rel: 1e-14) || abs(s.significandBits - refContinuousSplit[2 * P - 1]) < 1e-15)
            #expect(close(s.width, Double(P), rel: 1e-15))
        }
        #expect(throws: CapybaraError.self) { try law.optimalSplit(width: 0) }
        #expect(throws: CapybaraError.self) { try law.continuousOptimalSplit(width: -1) }
    }

    /// The continuous split really is the minimum of the information loss along E + M = P − 1.
    @Test func continuousSplitIsTheMinimum() throws {
        for P in [3.0, 6.5, 8, 12] {
            let e = goldenMinimum(-0.49, P - 0.51) { (try? law.informationLoss(E: $0, M: P - 1 - $0, B: b128)) ?? .infinity }
            #expect(abs(e - (try law.continuousOptimalSplit(width: P).exponentBits)) < 1e-6)
        }
    }

    // refGammas = [γ_ρ, γ_D, γ_N, λ]; refSplitTerm = log2B/(γ_ρ P^(δ+ν)) at (8, 7), (4, 13.1567), (6.5, 5).
    @Test func gammaRhoAndSplitTerm() throws {
        #expect(close(law.gammaRho, refGammas[0]))
        #expect(close(try law.optimalSplitInformationLoss(width: 8, B: b128), refSplitTerm[0]))
        #expect(close(try law.optimalSplitInformationLoss(width: 4, B: .channel), refSplitTerm[1]))
        #expect(close(try law.optimalSplitInformationLoss(width: 6.5, B: .elements(32)), refSplitTerm[2]))
        // Identity: the split term equals the information loss at the continuous split.
        for P in [2.0, 5, 8, 16] {
            let (e, m) = testSplit(P)
            #expect(close(try law.optimalSplitInformationLoss(width: P, B: b128),
                          try law.informationLoss(E: e, M: m, B: b128), rel: 1e-12))
        }
    }
}
