/// How a value between two adjacent representable values is rounded.
///
/// Every rule is applied by one primitive (``FloatFormat/roundMagnitude(significand:exponent:negative:rule:random:)``)
/// that every conversion path uses. With `lo ≤ |x| ≤ hi` the two neighbours of `|x|` on the format's grid:
///
/// | rule | 2.5 → (grid 1) | −2.5 → | 2.25 → |
/// |---|---|---|---|
/// | ``toNearestOrEven`` | 2 | −2 | 2 |
/// | ``toNearestOrAwayFromZero`` | 3 | −3 | 2 |
/// | ``toNearestOrZero`` | 2 | −2 | 2 |
/// | ``towardZero`` | 2 | −2 | 2 |
/// | ``up`` | 3 | −2 | 3 |
/// | ``down`` | 2 | −3 | 2 |
/// | ``awayFromZero`` | 3 | −3 | 3 |
/// | ``toOdd`` | 3 | −3 | 3 |
///
/// Stochastic rules round `|x|` up to `hi` with a probability that depends on
/// `ν = (|x| − lo)/(hi − lo)` and on randomness supplied by the caller, so results are reproducible.
/// ``toOdd`` and the ties-to-zero rule are not IEEE 754 attributes; the stochastic variants follow
/// IEEE P3109.
public enum RoundingRule: Hashable, Sendable {
    /// Round to nearest, ties to the even neighbour (IEEE roundTiesToEven). With M = 0 the format's
    /// ``FloatFormat/tieBreak`` says which neighbour is even: IEEE 754's reading (every nonzero value
    /// odd, so ties round up in magnitude: 3 → 4 in E8M0FNU, as MPFR does) or P3109's even code
    /// (v4.0 §4.7.4, the default for P3109 formats: 1.5 → 1.0 in binary3p1se).
    case toNearestOrEven
    /// Round to nearest, ties away from zero (IEEE roundTiesToAway).
    case toNearestOrAwayFromZero
    /// Round to nearest, ties toward zero (not an IEEE 754 attribute).
    case toNearestOrZero
    /// Truncate (IEEE roundTowardZero).
    case towardZero
    /// Toward +∞ (IEEE roundTowardPositive).
    case up
    /// Toward −∞ (IEEE roundTowardNegative).
    case down
    /// Away from zero whenever inexact (not an IEEE 754 attribute).
    case awayFromZero
    /// Round to odd: when inexact, the odd neighbour (not an IEEE 754 attribute; used to avoid double
    /// rounding). With M = 0, odd as ``FloatFormat/tieBreak`` reads it (P3109: the odd code).
    case toOdd
    /// Stochastic rounding with exact probability `ν`: a uniform `u ∈ [0, 1)` drawn from the
    /// caller's generator (as many 64-bit words as needed) rounds up iff `u < ν`.
    case stochastic
    /// P3109 stochastic variant A with `bits` random bits `R`: up iff `⌊ν·2^N⌋ + R ≥ 2^N`.
    /// (Hardware SR with N bits, e.g. 8 for FP4.) `bits` is 1 … 62.
    case stochasticA(bits: Int)
    /// P3109 stochastic variant B: up iff `⌊ν·2^(N+1)⌋ + 2R + 1 ≥ 2^(N+1)` (unbiased on average).
    case stochasticB(bits: Int)
    /// P3109 stochastic variant C: up iff `roundTiesToEven(ν·2^N) + R ≥ 2^N`.
    case stochasticC(bits: Int)

    /// Whether the rule consumes randomness.
    @inlinable public var isStochastic: Bool {
        switch self {
        case .stochastic, .stochasticA, .stochasticB, .stochasticC: return true
        case .toNearestOrEven, .toNearestOrAwayFromZero, .toNearestOrZero, .towardZero, .up, .down, .awayFromZero, .toOdd:
            return false
        }
    }

    /// The deterministic rules, in a fixed order (for sweeps and tests).
    public static let deterministicRules: [RoundingRule] = [
        .toNearestOrEven, .toNearestOrAwayFromZero, .toNearestOrZero, .towardZero, .up, .down, .awayFromZero, .toOdd,
    ]

    /// The bit counts a P3109 stochastic variant accepts.
    @inlinable public static var randomBitCounts: ClosedRange<Int> { 1...62 }

    /// The number of random bits of a P3109 stochastic variant (`nil` for every other rule).
    @inlinable public var randomBits: Int? {
        switch self {
        case .stochasticA(let n), .stochasticB(let n), .stochasticC(let n): return n
        case .toNearestOrEven, .toNearestOrAwayFromZero, .toNearestOrZero, .towardZero, .up, .down, .awayFromZero, .toOdd,
             .stochastic:
            return nil
        }
    }

    /// Whether the rule is usable: every rule but a stochastic variant with a bit count outside
    /// ``randomBitCounts``.
    @inlinable public var isValid: Bool { randomBits.map(Self.randomBitCounts.contains) ?? true }

    /// A stochastic variant's bit count forced into ``randomBitCounts``, so that no path traps on a
    /// bad count.
    @inlinable static func clampedRandomBits(_ n: Int) -> Int {
        min(max(n, randomBitCounts.lowerBound), randomBitCounts.upperBound)
    }

    /// Checks the number of random bits of a stochastic variant.
    public func validated() throws -> RoundingRule {
        if let n = randomBits, !isValid {
            throw FormatError("stochastic rounding needs \(Self.randomBitCounts.lowerBound) … \(Self.randomBitCounts.upperBound) random bits, not \(n)")
        }
        return self
    }
}

/// What happens when the rounded magnitude exceeds the greatest finite value (and to ±∞ inputs).
///
/// Rounding happens first, from the exact input, then the overflow test (OCP, P3109 and IEEE 754
/// agree on that order). See `docs/semantics.md` §4 for every case.
public enum OverflowRule: String, Hashable, Sendable, Codable, CaseIterable {
    /// P3109 SatFinite: overflow and ±∞ become ±greatestFiniteMagnitude.
    case saturateFinite = "sat-finite"
    /// P3109 SatPropagate: finite overflow saturates; ±∞ stays ±∞ (NaN where the format has no ∞).
    case saturatePropagate = "sat-propagate"
    /// P3109 SatNone / IEEE 754: overflow gives ±∞ or ±greatestFiniteMagnitude depending on the
    /// rounding direction; ∞ is replaced by NaN where the format has no ∞ (OCP E4M3 non-saturating).
    case none
}

/// IEEE 754-style exception flags raised by a conversion.
public struct ConversionStatus: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The result differs from the exact input.
    public static let inexact = ConversionStatus(rawValue: 1)
    /// The input was tiny (below the least normal magnitude, before rounding) and the result inexact.
    public static let underflow = ConversionStatus(rawValue: 2)
    /// The rounded magnitude exceeded the greatest finite value.
    public static let overflow = ConversionStatus(rawValue: 4)
    /// The input has no meaningful representation (NaN into a format without NaN, a negative value
    /// into an unsigned format, zero into a format without zero, ∞ turned into NaN).
    public static let invalid = ConversionStatus(rawValue: 8)
    /// A finite nonzero number was divided by zero (arithmetic only; the result is ±∞, encoded as a
    /// conversion of ±∞ is). Conversions never raise it.
    public static let divisionByZero = ConversionStatus(rawValue: 16)

    public var description: String {
        var names: [String] = []
        if contains(.inexact) { names.append("inexact") }
        if contains(.underflow) { names.append("underflow") }
        if contains(.overflow) { names.append("overflow") }
        if contains(.invalid) { names.append("invalid") }
        if contains(.divisionByZero) { names.append("divisionByZero") }
        return "[" + names.joined(separator: ", ") + "]"
    }
}

extension RoundingRule {
    /// The rule as the `exmy` command spells it (`--rounding`), with the bit count of the P3109
    /// stochastic variants: `nearest-even`, `toward-zero`, `stochastic-a(8 bits)`, …
    public var spelling: String {
        switch self {
        case .toNearestOrEven: return "nearest-even"
        case .toNearestOrAwayFromZero: return "nearest-away"
        case .toNearestOrZero: return "nearest-zero"
        case .towardZero: return "toward-zero"
        case .up: return "up"
        case .down: return "down"
        case .awayFromZero: return "away"
        case .toOdd: return "odd"
        case .stochastic: return "stochastic"
        case .stochasticA(let n): return "stochastic-a(\(n) bits)"
        case .stochasticB(let n): return "stochastic-b(\(n) bits)"
        case .stochasticC(let n): return "stochastic-c(\(n) bits)"
        }
    }
}

extension RoundingRule {
    /// The bit count a P3109 stochastic variant gets when its name gives none (`stochastic-a`).
    public static let defaultRandomBits = 8

    /// The rule names ``init(parsing:randomBits:)`` accepts, as the `exmy` help lists them.
    public static let names = [
        "nearest-even", "nearest-away", "nearest-zero", "toward-zero", "up", "down", "away", "odd",
        "stochastic", "stochastic-a", "stochastic-b", "stochastic-c",
    ]

    /// Short aliases ``init(parsing:randomBits:)`` also accepts.
    static let aliases = ["rne": "nearest-even", "rna": "nearest-away", "rtz": "toward-zero", "truncation": "toward-zero",
                          "truncate": "toward-zero", "sr": "stochastic"]

    /// Parses a rule by name: one of ``names`` (`nearest-even`, `toward-zero`, `stochastic-a`, …), a
    /// short alias (`rne`, `rna`, `rtz`, `truncation`, `truncate`, `sr`), a P3109 variant with its bit
    /// count (`stochastic-a8`), or the ``spelling`` of a rule (`stochastic-a(8 bits)`), so that
    /// `RoundingRule(parsing: r.spelling) == r` for every valid rule.
    ///
    /// `randomBits` gives the bit count of a variant named without one (otherwise
    /// ``defaultRandomBits``), and turns plain `stochastic` (exact probability) into P3109 variant A
    /// with that many bits. It is refused for a deterministic rule and for a spelling whose bit count
    /// differs from it. Every command-line option that takes a rounding rule parses it here.
    ///
    /// - Throws: ``FormatError`` naming the accepted names, or the accepted bit counts.
    public init(parsing text: String, randomBits: Int? = nil) throws {
        let name = Self.aliases[text] ?? text
        var rule: RoundingRule
        switch name {
        case "nearest-even": rule = .toNearestOrEven
        case "nearest-away": rule = .toNearestOrAwayFromZero
        case "nearest-zero": rule = .toNearestOrZero
        case "toward-zero": rule = .towardZero
        case "up": rule = .up
        case "down": rule = .down
        case "away": rule = .awayFromZero
        case "odd": rule = .toOdd
        case "stochastic": rule = randomBits.map { .stochasticA(bits: $0) } ?? .stochastic
        default:
            guard let parsed = try Self.parseVariant(name, randomBits: randomBits) else {
                throw FormatError("unknown rounding '\(text)': use \(Self.names.dropLast().joined(separator: ", ")) or \(Self.names.last!)")
            }
            rule = parsed
        }
        if !rule.isStochastic, let randomBits {
            throw FormatError("\(rule.spelling) takes no random bits (given \(randomBits)); they apply to stochastic rounding only")
        }
        self = try rule.validated()
    }

    /// `stochastic-a`, `stochastic-a8` or `stochastic-a(8 bits)` (and b, c); `nil` for anything else.
    private static func parseVariant(_ name: String, randomBits: Int?) throws -> RoundingRule? {
        let variants: [(String, (Int) -> RoundingRule)] = [
            ("stochastic-a", RoundingRule.stochasticA), ("stochastic-b", RoundingRule.stochasticB), ("stochastic-c", RoundingRule.stochasticC),
        ]
        for (prefix, make) in variants where name.hasPrefix(prefix) {
            var rest = name.dropFirst(prefix.count)
            if rest.isEmpty { return make(randomBits ?? defaultRandomBits) }
            if rest.hasPrefix("("), rest.hasSuffix(" bits)") { rest = rest.dropFirst().dropLast(" bits)".count) }
            guard rest.allSatisfy(\.isASCII), let n = Int(rest) else { return nil }
            if let randomBits, randomBits != n {
                throw FormatError("'\(name)' names \(n) random bits, not \(randomBits)")
            }
            return make(n)
        }
        return nil
    }
}

extension RoundingRule: CustomStringConvertible {
    /// The rule's ``spelling``.
    public var description: String { spelling }
}
