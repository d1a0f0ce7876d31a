import Testing
@testable import Capybara

@Suite("Constants and block sizes")
struct ConstantsTests {
    @Test func paperConstants() {
        let c = CapybaraConstants.paper
        #expect(c.n == 69.2343 && c.alpha == 0.2368 && c.d == 68973.0621 && c.beta == 0.5162)
        #expect(c.epsilon == 1.9061 && c.gamma == 11334.5197 && c.delta == 3.1926 && c.nu == 2.9543)
        #expect(law.computeCoefficient == 0.375)
    }

    @Test func userConstantsAccepted() throws {
        let c = try CapybaraConstants(n: 1, alpha: 0.3, d: 2, beta: 0.4, epsilon: -0.1,
                                      gamma: 5, delta: 2, nu: 1)
        #expect(c.epsilon == -0.1 && c.delta == 2)
        let l = CapybaraLaw(constants: c)
        // 1/1^0.3 + 2/16^0.4 - 0.1 + 16^0.4 * 1 * 3 / (5 * 1.5^2 * 1.5^1):
        // python3 -c "from mpmath import mp,mpf; mp.dps=40; print(1+2/mpf(16)**mpf('0.4')-mpf('0.1')+mpf(16)**mpf('0.4')*3/(5*mpf('1.5')**3))"
        #expect(close(try l.loss(N: 1, D: 16, E: 1, M: 1, B: .elements(8)), 2.098675401256810892, rel: 1e-14))
    }

    @Test(arguments: ["n", "alpha", "d", "beta", "gamma", "delta", "nu"])
    func invalidConstantsThrow(name: String) {
        for bad in [0.0, -1.0, .nan, .infinity] {
            var v: [String: Double] = ["n": 69.2343, "alpha": 0.2368, "d": 68973.0621, "beta": 0.5162,
                                       "gamma": 11334.5197, "delta": 3.1926, "nu": 2.9543]
            v[name] = bad
            let error = #expect(throws: CapybaraError.self) {
                try CapybaraConstants(n: v["n"]!, alpha: v["alpha"]!, d: v["d"]!, beta: v["beta"]!,
                                      epsilon: 1.9061, gamma: v["gamma"]!, delta: v["delta"]!, nu: v["nu"]!)
            }
            #expect(error?.description.contains("constant \(name) =") == true)
            #expect(error?.description.contains("finite number > 0") == true)
        }
    }

    @Test func epsilonMustBeFinite() {
        #expect(throws: CapybaraError.invalidConstant(name: "epsilon", value: .infinity, requirement: "a finite number")) {
            try CapybaraConstants(n: 1, alpha: 1, d: 1, beta: 1, epsilon: .infinity, gamma: 1, delta: 1, nu: 1)
        }
    }

    @Test func computeCoefficientValidated() throws {
        #expect(throws: CapybaraError.self) { try CapybaraLaw(constants: .paper, computeCoefficient: 0) }
        #expect(try CapybaraLaw(constants: .paper, computeCoefficient: 6).computeCoefficient == 6)
    }

    @Test func blockSizes() throws {
        #expect(try BlockSize.elements(128).log2B() == 7)
        #expect(try BlockSize.elements(1).log2B() == 0)
        // python3 -c "import math; print(repr(math.log2(100)))"
        #expect(try BlockSize.elements(100).log2B() == 6.643856189774724)
        #expect(try BlockSize.channel.log2B() == 13.1567)
        #expect(try BlockSize.tensor(effectiveLog2: 20.5).log2B() == 20.5)
        #expect(try BlockSize.effectiveLog2(3).log2B() == 3)
        #expect(throws: CapybaraError.self) { try BlockSize.elements(0).log2B() }
        #expect(throws: CapybaraError.self) { try BlockSize.tensor(effectiveLog2: -1).log2B() }
        #expect(throws: CapybaraError.self) { try BlockSize.effectiveLog2(.nan).log2B() }
        // B = 1 is a valid law input (the precision term vanishes) but has no critical data size.
        #expect(try law.informationLoss(E: 4, M: 3, B: .elements(1)) == 0)
        #expect(throws: CapybaraError.self) { try law.criticalDataSize(N: 1e9, E: 4, M: 3, B: .elements(1)) }
    }
}
