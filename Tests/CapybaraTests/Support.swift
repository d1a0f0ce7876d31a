import Testing
@testable import Capybara
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `|actual − expected| ≤ rel · |expected|` (or `≤ rel` when `expected` is 0).
func close(_ actual: Double, _ expected: Double, rel: Double = 1e-13) -> Bool {
    let scale = expected == 0 ? 1 : abs(expected)
    return abs(actual - expected) <= rel * scale
}

let law = CapybaraLaw.paper
let b128 = BlockSize.elements(128)

// The paper's constants, typed in again here rather than read back from the module.
let pDelta = 3.1926, pNu = 2.9543
let pGamma = 11334.5197

/// Golden-section minimisation of a unimodal `f` on `[lo, hi]`; returns the argmin.
func goldenMinimum(_ lo0: Double, _ hi0: Double, iterations: Int = 120, _ f: (Double) -> Double) -> Double {
    let r = (5.0.squareRoot() - 1) / 2
    var lo = lo0, hi = hi0
    var x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo)
    var f1 = f(x1), f2 = f(x2)
    for _ in 0..<iterations {
        if f1 < f2 { hi = x2; x2 = x1; f2 = f1; x1 = hi - r * (hi - lo); f1 = f(x1) }
        else { lo = x1; x1 = x2; f1 = f2; x2 = lo + r * (hi - lo); f2 = f(x2) }
    }
    return (lo + hi) / 2
}

/// The continuous best split of width `P`, written out here (not taken from the module).
func testSplit(_ P: Double) -> (Double, Double) {
    (pDelta * P / (pDelta + pNu) - 0.5, pNu * P / (pDelta + pNu) - 0.5)
}
