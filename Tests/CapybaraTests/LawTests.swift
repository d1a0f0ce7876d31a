import Testing
@testable import Capybara
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("The law and its parts")
struct LawTests {
    // refLossPointK = [baseLoss, knowledgeIntensity, informationLoss, precisionTerm, loss, D_crit],
    // from gen.py in ExpectedValues.swift: base(N,D), ki(N,D), info(E,M,l), ki*info, loss(...), dcrit(N,E,M,l).
    static let points: [(N: Double, D: Double, E: Double, M: Double, B: BlockSize, ref: [Double])] = [
        (1e9, 1e11, 4, 3, .elements(128), refLossPoint0),
        (679e6, 1e11, 2, 1, .channel, refLossPoint1),
        (41e6, 1e10, 0, 7, .elements(32), refLossPoint2),
        (7e10, 1.5e13, 5, 2, .elements(1 << 20), refLossPoint3),
        (3e8, 5e10, 3.25, 1.75, .effectiveLog2(6.5), refLossPoint4),
    ]

    @Test(arguments: 0..<5)
    func everyTermMatchesMpmath(index: Int) throws {
        let p = Self.points[index]
        #expect(close(try law.baseLoss(N: p.N, D: p.D), p.ref[0]))
        #expect(close(try law.knowledgeIntensity(N: p.N, D: p.D), p.ref[1]))
        #expect(close(try law.informationLoss(E: p.E, M: p.M, B: p.B), p.ref[2]))
        #expect(close(try law.precisionTerm(N: p.N, D: p.D, E: p.E, M: p.M, B: p.B), p.ref[3]))
        #expect(close(try law.loss(N: p.N, D: p.D, E: p.E, M: p.M, B: p.B), p.ref[4]))
        let parts = try law.breakdown(N: p.N, D: p.D, E: p.E, M: p.M, B: p.B)
        #expect(close(parts.baseLoss, p.ref[0]) && close(parts.precisionTerm, p.ref[3]) && close(parts.loss, p.ref[4]))
        #expect(close(parts.knowledgeIntensity, p.ref[1]) && close(parts.informationLoss, p.ref[2]))
    }

    @Test(arguments: 0..<5)
    func criticalDataSizeMatchesMpmath(index: Int) throws {
        let p = Self.points[index]
        #expect(close(try law.criticalDataSize(N: p.N, E: p.E, M: p.M, B: p.B), p.ref[5], rel: 1e-12))
    }

    /// D_crit is where ∂L/∂D = 0: the loss is larger on both sides.
    @Test(arguments: 0..<5)
    func criticalDataSizeIsTheMinimumOverD(index: Int) throws {
        let p = Self.points[index]
        let dc = try law.criticalDataSize(N: p.N, E: p.E, M: p.M, B: p.B)
        let at = try law.loss(N: p.N, D: dc, E: p.E, M: p.M, B: p.B)
        for factor in [1 - 1e-3, 1 + 1e-3, 0.5, 2.0] {
            #expect(try law.loss(N: p.N, D: dc * factor, E: p.E, M: p.M, B: p.B) > at)
        }
        // And a numeric minimisation over ln D lands on it.
        let u = goldenMinimum(log(dc) - 3, log(dc) + 3) { (try? law.loss(N: p.N, D: exp($0), E: p.E, M: p.M, B: p.B)) ?? .infinity }
        #expect(close(exp(u), dc, rel: 1e-5))
    }

    @Test func invalidArgumentsThrow() {
        #expect(throws: CapybaraError.invalidArgument(name: "N", value: 0, requirement: "a finite number > 0")) {
            try law.loss(N: 0, D: 1e9, E: 4, M: 3, B: b128)
        }
        #expect(throws: CapybaraError.self) { try law.loss(N: 1e9, D: -1, E: 4, M: 3, B: b128) }
        #expect(throws: CapybaraError.self) { try law.loss(N: 1e9, D: .infinity, E: 4, M: 3, B: b128) }
        #expect(throws: CapybaraError.self) { try law.informationLoss(E: -0.5, M: 3, B: b128) }
        #expect(throws: CapybaraError.self) { try law.informationLoss(E: 4, M: .nan, B: b128) }
        let error = #expect(throws: CapybaraError.self) { try law.informationLoss(E: -1, M: 3, B: b128) }
        #expect(error?.description == "argument E = -1.0 is invalid: must be a finite bit count > -0.5 (the law uses bits + 0.5)")
        // Continuous bit counts in (-0.5, 0) are inside the law's domain.
        #expect((try? law.informationLoss(E: -0.25, M: 3, B: b128)) != nil)
    }
}
