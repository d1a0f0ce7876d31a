import ExMy
import Foundation

/// The generator of synthetic data (xoshiro256**, seeded with four words of ExMy's ``SplitMix64``),
/// so synthetic tensors are identical on every run and platform. Its words are a long sequential
/// stream for data; stochastic rounding of elements draws from ExMy's ``CounterRandom`` stream
/// instead, so a scheme and seed round element `i` alike in every command.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the state with the first four words of `SplitMix64(seed:)`.
    public init(seed: UInt64) {
        var x = SplitMix64(seed: seed)
        s = (x.next(), x.next(), x.next(), x.next())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// A uniform Double in (0, 1): 53 random bits, never 0.
    public mutating func nextUnit() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A standard normal deviate (Box–Muller).
    public mutating func nextNormal() -> Double {
        let u = nextUnit(), v = nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// A Gamma(k, 1) deviate (Marsaglia–Tsang; boosted for k < 1).
    public mutating func nextGamma(_ k: Double) -> Double {
        if k < 1 { return nextGamma(k + 1) * pow(nextUnit(), 1 / k) }
        let d = k - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat { x = nextNormal(); v = 1 + c * x } while v <= 0
            v = v * v * v
            let u = nextUnit()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }
}

/// A synthetic distribution of tensor values.
public enum Distribution: Hashable, Sendable, CustomStringConvertible {
    /// Normal with mean 0 and the given standard deviation.
    case normal(sigma: Double)
    /// Laplace with scale b (variance 2b²).
    case laplace(b: Double)
    /// Uniform on [−a, a].
    case uniform(a: Double)
    /// Student's t with ν degrees of freedom (heavy tails for small ν).
    case studentT(nu: Double)
    /// Log-normal exp(N(μ, σ²)) with a random sign.
    case logNormal(mu: Double, sigma: Double)
    /// Standard normal with outliers: with probability `rate` a value is multiplied by `scale`.
    case outliers(rate: Double, scale: Double)

    /// Parses `normal`, `normal:2`, `laplace`, `uniform`, `student-t:4`, `lognormal:0:1`,
    /// `outliers:0.001:50`.
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        let args = try parts.dropFirst().map { s -> Double in
            guard let v = Double(s), v.isFinite else { throw AnalysisError("distribution parameter '\(s)' in '\(text)' is not a finite number") }
            return v
        }
        func arg(_ i: Int, _ fallback: Double) -> Double { i < args.count ? args[i] : fallback }
        switch parts.first ?? "" {
        case "normal": self = .normal(sigma: arg(0, 1))
        case "laplace": self = .laplace(b: arg(0, 1))
        case "uniform": self = .uniform(a: arg(0, 1))
        case "student-t", "t": self = .studentT(nu: arg(0, 4))
        case "lognormal", "log-normal": self = .logNormal(mu: arg(0, 0), sigma: arg(1, 1))
        case "outliers", "mixture": self = .outliers(rate: arg(0, 0.001), scale: arg(1, 50))
        default:
            throw AnalysisError("unknown distribution '\(text)': use normal[:σ], laplace[:b], uniform[:a], student-t[:ν], lognormal[:μ:σ] or outliers[:rate:scale]")
        }
        try validate()
    }

    func validate() throws {
        switch self {
        case .normal(let s) where s > 0, .laplace(let s) where s > 0, .uniform(let s) where s > 0: return
        case .studentT(let nu) where nu > 0: return
        case .logNormal(_, let s) where s > 0: return
        case .outliers(let r, let s) where (0...1).contains(r) && s > 0: return
        default: throw AnalysisError("invalid parameters for distribution \(self): scales and ν must be positive, rates in [0, 1]")
        }
    }

    public var description: String {
        switch self {
        case .normal(let s): return "normal(σ=\(s))"
        case .laplace(let b): return "laplace(b=\(b))"
        case .uniform(let a): return "uniform(±\(a))"
        case .studentT(let nu): return "student-t(ν=\(nu))"
        case .logNormal(let m, let s): return "lognormal(μ=\(m),σ=\(s))"
        case .outliers(let r, let s): return "outliers(rate=\(r),×\(s))"
        }
    }

    /// `count` values drawn with `seed` (the same on every run).
    public func sample(count: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(draw(&g)) }
    }

    package func draw(_ g: inout SeededGenerator) -> Double {
        switch self {
        case .normal(let s): return s * g.nextNormal()
        case .laplace(let b):
            let u = g.nextUnit() - 0.5
            return -b * (u < 0 ? -1 : 1) * log(1 - 2 * abs(u))
        case .uniform(let a): return a * (2 * g.nextUnit() - 1)
        case .studentT(let nu): return g.nextNormal() / (g.nextGamma(nu / 2) * 2 / nu).squareRoot()
        case .logNormal(let mu, let s):
            let v = exp(mu + s * g.nextNormal())
            return g.next() & 1 == 0 ? v : -v
        case .outliers(let rate, let scale):
            let v = g.nextNormal()
            return g.nextUnit() < rate ? v * scale : v
        }
    }
}

/// An error of the analyzer, with a message naming the problem.
public struct AnalysisError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// Creates an error whose ``description`` is `message`.
    public init(_ message: String) { description = message }
}
