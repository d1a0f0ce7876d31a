import Testing
@testable import Capybara
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Compute model and compute-optimal precision")
struct ComputeTests {
    @Test func computeModel() throws {
        // C = k P N D with k = 6/16: 0.375 * 8 * 1e9 * 1e11 = 3e20 (exact in binary? no: compare rel).
        #expect(close(try law.compute(N: 1e9, D: 1e11, P: 8), 3e20, rel: 1e-15))
        #expect(throws: CapybaraError.self) { try law.compute(N: 1e9, D: 1e11, P: 0) }
    }

    // refGammas = [γ_ρ, γ_D, γ_N, λ] from gen.py.
    @Test func closedFormConstants() {
        #expect(close(law.gammaRho, refGammas[0]))
        #expect(close(law.gammaD, refGammas[1]))
        #expect(close(law.gammaN, refGammas[2]))
        #expect(close(law.lambda, refGammas[3]))
    }

    // MARK: fixed D

    // refFixedDk = [P, E_opt, M_opt, N=C/(kPD), loss, best E, best M, best N, best loss]
    // for (D, C, B) = (1e12, 1e23, 128) and (1e10, 1e21, 32); best_fixedD() in gen.py searches
    // every E, M ≥ 0 with 1+E+M ≤ 32.
    static let fixedD: [(D: Double, C: Double, B: BlockSize, ref: [Double])] = [
        (1e12, 1e23, .elements(128), refFixedD0), (1e10, 1e21, .elements(32), refFixedD1),
    ]

    @Test(arguments: 0..<2)
    func fixedDClosedFormAndIntegerSearch(index: Int) throws {
        let c = Self.fixedD[index]
        #expect(close(try law.optimalWidth(fixedD: c.D, B: c.B), c.ref[0], rel: 1e-13))
        let o = try law.optimalPrecision(fixedD: c.D, C: c.C, B: c.B)
        #expect(close(o.width, c.ref[0], rel: 1e-13))
        #expect(close(o.split.exponentBits, c.ref[1], rel: 1e-13) && close(o.split.significandBits, c.ref[2], rel: 1e-13))
        #expect(close(o.parameters, c.ref[3], rel: 1e-13) && o.tokens == c.D)
        #expect(close(o.loss, c.ref[4], rel: 1e-13))
        #expect(o.bestInteger.exponentBits == Int(c.ref[5]) && o.bestInteger.significandBits == Int(c.ref[6]))
        #expect(close(o.bestInteger.parameters, c.ref[7], rel: 1e-13) && close(o.bestInteger.loss, c.ref[8], rel: 1e-13))
        // The integer optimum can only be worse than the continuous one.
        #expect(o.bestInteger.loss >= o.loss)
    }

    /// Numeric minimisation of the loss over continuous P (best split, N = C/(kPD)) lands on the closed form.
    @Test(arguments: 0..<2)
    func fixedDClosedFormIsTheNumericMinimum(index: Int) throws {
        let c = Self.fixedD[index]
        let x = c.C / 0.375
        let u = goldenMinimum(log(0.5), log(64.0)) { u in
            let P = exp(u), (e, m) = testSplit(P)
            return (try? law.loss(N: x / (P * c.D), D: c.D, E: e, M: m, B: c.B)) ?? .infinity
        }
        #expect(close(exp(u), try law.optimalWidth(fixedD: c.D, B: c.B), rel: 1e-5))
        #expect(close(exp(u), c.ref[0], rel: 1e-5))
    }

    // MARK: fixed N

    // refFixedNk = [P, E_opt, M_opt, D=C/(kPN), loss, best E, best M, best D, best loss]
    // for (N, C, B) = (1e9, 1e22, 128) and (7e10, 1e25, channel); best_fixedN() in gen.py.
    static let fixedN: [(N: Double, C: Double, B: BlockSize, ref: [Double])] = [
        (1e9, 1e22, .elements(128), refFixedN0), (7e10, 1e25, .channel, refFixedN1),
    ]

    @Test(arguments: 0..<2)
    func fixedNClosedFormAndIntegerSearch(index: Int) throws {
        let c = Self.fixedN[index]
        #expect(close(try law.optimalWidth(fixedN: c.N, C: c.C, B: c.B), c.ref[0], rel: 1e-13))
        let o = try law.optimalPrecision(fixedN: c.N, C: c.C, B: c.B)
        #expect(close(o.width, c.ref[0], rel: 1e-13))
        #expect(close(o.split.exponentBits, c.ref[1], rel: 1e-13) && close(o.split.significandBits, c.ref[2], rel: 1e-13))
        #expect(close(o.tokens, c.ref[3], rel: 1e-13) && o.parameters == c.N)
        #expect(close(o.loss, c.ref[4], rel: 1e-13))
        #expect(o.bestInteger.exponentBits == Int(c.ref[5]) && o.bestInteger.significandBits == Int(c.ref[6]))
        #expect(close(o.bestInteger.tokens, c.ref[7], rel: 1e-13) && close(o.bestInteger.loss, c.ref[8], rel: 1e-13))
        #expect(o.bestInteger.loss >= o.loss)
    }

    @Test(arguments: 0..<2)
    func fixedNClosedFormIsTheNumericMinimum(index: Int) throws {
        let c = Self.fixedN[index]
        let x = c.C / 0.375
        let u = goldenMinimum(log(0.5), log(64.0)) { u in
            let P = exp(u), (e, m) = testSplit(P)
            return (try? law.loss(N: c.N, D: x / (P * c.N), E: e, M: m, B: c.B)) ?? .infinity
        }
        #expect(close(exp(u), try law.optimalWidth(fixedN: c.N, C: c.C, B: c.B), rel: 1e-5))
    }

    // MARK: jointly at fixed C

    // refJointk = [P, E_opt, M_opt, N, D, loss, best E, best M, best N, best D, best loss] for
    // C = 1e21, 1e25, 1e31, B = 128; best_joint() in gen.py bisects ∂L/∂lnN for every integer format.
    static let joint: [(C: Double, ref: [Double])] = [(1e21, refJoint0), (1e25, refJoint1), (1e31, refJoint2)]

    @Test(arguments: 0..<3)
    func jointClosedFormAndIntegerSearch(index: Int) throws {
        let c = Self.joint[index]
        let o = try law.optimalPrecision(C: c.C, B: b128)
        #expect(close(o.width, c.ref[0], rel: 1e-13))
        #expect(close(o.split.exponentBits, c.ref[1], rel: 1e-13) && close(o.split.significandBits, c.ref[2], rel: 1e-13))
        #expect(close(o.parameters, c.ref[3], rel: 1e-12) && close(o.tokens, c.ref[4], rel: 1e-12))
        #expect(close(o.loss, c.ref[5], rel: 1e-13))
        #expect(o.bestInteger.exponentBits == Int(c.ref[6]) && o.bestInteger.significandBits == Int(c.ref[7]))
        #expect(close(o.bestInteger.parameters, c.ref[8], rel: 1e-9) && close(o.bestInteger.tokens, c.ref[9], rel: 1e-9))
        #expect(close(o.bestInteger.loss, c.ref[10], rel: 1e-13))
        #expect(o.bestInteger.loss >= o.loss)
        #expect(close(try law.compute(N: o.parameters, D: o.tokens, P: o.width), c.C, rel: 1e-12))
    }

    /// Nested numeric minimisation over ln P and ln N (D = C/(kPN)) lands on the closed form, N and D included.
    @Test(arguments: 0..<3)
    func jointClosedFormIsTheNumericMinimum(index: Int) throws {
        let c = Self.joint[index]
        let x = c.C / 0.375
        func bestLnN(_ P: Double) -> Double {
            let (e, m) = testSplit(P)
            return goldenMinimum(log(1e3), log(1e22)) { v in
                (try? law.loss(N: exp(v), D: x / (P * exp(v)), E: e, M: m, B: b128)) ?? .infinity
            }
        }
        let u = goldenMinimum(log(1.0), log(32.0), iterations: 80) { u in
            let P = exp(u), (e, m) = testSplit(P), v = bestLnN(P)
            return (try? law.loss(N: exp(v), D: x / (P * exp(v)), E: e, M: m, B: b128)) ?? .infinity
        }
        let P = exp(u), N = exp(bestLnN(P))
        #expect(close(P, c.ref[0], rel: 1e-4))
        #expect(close(N, c.ref[3], rel: 1e-3))
    }

    /// The paper: the compute-optimal precision stays within 4–8 bits for C from 1e21 to 1e31
    /// (k = 6/16, B = 128). refJointWidths128 = PC(10^e, 7) for e = 21…31 in gen.py.
    @Test func paperClaimFourToEightBits() throws {
        for (i, e) in (21...31).enumerated() {
            let C = pow(10.0, Double(e))
            let P = try law.optimalWidth(C: C, B: b128)
            #expect(close(P, refJointWidths128[i], rel: 1e-13))
            #expect(P >= 4 && P <= 8, "C = 1e\(e): P = \(P)")
            let best = try law.optimalPrecision(C: C, B: b128).bestInteger
            #expect(best.width >= 4 && best.width <= 8, "C = 1e\(e): best integer width \(best.width)")
            #expect(best.name == refJointIntegerFormats128[i])   // BEGIN-PY-INT in ExpectedValues.swift
        }
    }

    /// Finding: with channel-wise scaling (log2 B = 13.1567) instead of B = 128 the continuous optimum
    /// leaves the 4–8 bit band at the top of the range (8.37 bits at C = 1e31).
    /// refJointWidthsChannel = PC(10^e, 13.1567) for e = 21…31 in gen.py.
    @Test func channelWiseOptimumAtTheTopOfTheRange() throws {
        for (i, e) in (21...31).enumerated() {
            #expect(close(try law.optimalWidth(C: pow(10.0, Double(e)), B: .channel), refJointWidthsChannel[i], rel: 1e-13))
        }
        #expect(try law.optimalWidth(C: 1e31, B: .channel) > 8)
        #expect(try law.optimalWidth(C: 1e30, B: .channel) < 8)
        // The best *integer* format still has at most 8 bits there (E4M3 at 1e30 and 1e31), as the
        // independent brute force BEGIN-PY-INT in ExpectedValues.swift also finds.
        let names = try (21...31).map { try law.optimalPrecision(C: pow(10.0, Double($0)), B: .channel).bestInteger.name }
        #expect(names == refJointIntegerFormatsChannel)
    }

    @Test func compareClosedFormWithIntegerSearchWidths() throws {
        // The integer optimum's width is within one bit of the continuous width in all cases above.
        for c in Self.joint {
            let o = try law.optimalPrecision(C: c.C, B: b128)
            #expect(abs(Double(o.bestInteger.width) - o.width) < 1.0)
        }
    }

    @Test func invalidInputs() throws {
        #expect(throws: CapybaraError.self) { try law.optimalWidth(fixedD: 1e12, B: .elements(1)) }
        #expect(throws: CapybaraError.self) { try law.optimalPrecision(C: -1, B: b128) }
        #expect(throws: CapybaraError.self) { try law.optimalPrecision(C: 1e25, B: b128, maxWidth: 0) }
        let odd = CapybaraLaw(constants: try CapybaraConstants(n: 1, alpha: 0.5, d: 1, beta: 0.5, epsilon: 0,
                                                               gamma: 1, delta: 0.1, nu: 0.1))
        let error = #expect(throws: CapybaraError.self) { try odd.optimalWidth(fixedD: 1e12, B: b128) }
        #expect(error?.description.contains("delta + nu - alpha") == true)
    }
}
