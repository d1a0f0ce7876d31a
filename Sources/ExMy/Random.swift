internal import CExMyKernels

/// SplitMix64 (Steele, Lea and Flood 2014): the mixer and the sequential generator of ExMy's one
/// random family.
///
/// The family has three members, all built on ``mix(_:)``:
/// - ``SplitMix64`` itself, a sequential `RandomNumberGenerator`: word `k` (from 1) of seed `s` is
///   `mix(s + k·γ)` with `γ` = ``increment``. Tests, the verification's input sets and the seeds of
///   other streams use it.
/// - ``CounterRandom``, the counter-based stream of stochastic rounding: the word of element `i` is a
///   pure function of `(seed, i)`, so every command (`exmy encode`, `exmy analyze`, `exmy dot`,
///   `exmy quantize`) gives element `i` the same random bits for the same seed, whatever the thread
///   count. ``CounterRandomGenerator`` replays it through the scalar API.
/// - The analysis module's synthetic-data generator, seeded through ``SplitMix64``.
///
/// ```swift
/// var g = SplitMix64(seed: 1)
/// g.next()                          // SplitMix64.mix(1 &+ SplitMix64.increment)
/// ```
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    /// The state: the seed plus `γ` times the number of words drawn.
    public var state: UInt64

    /// A generator whose first word is `mix(seed &+ increment)`.
    @inlinable public init(seed: UInt64) { state = seed }

    /// The next word.
    @inlinable public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// The golden-ratio increment `γ = ⌊2^64/φ⌋` (odd).
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// SplitMix64's output function (Stafford's variant 13 of the MurmurHash3 finalizer), a bijection
    /// of 64-bit words. Written once, in C (`exmy_splitmix64` in `CExMyKernels`), which the counter
    /// stream's kernels use too.
    public static func mix(_ v: UInt64) -> UInt64 { exmy_splitmix64(v &- increment) }

    /// The first word of the generator seeded with `v`: `mix(v &+ increment)` (a hash of `v`).
    public static func hash(_ v: UInt64) -> UInt64 { exmy_splitmix64(v) }
}
