internal import CExMyKernels

/// A counter-based random stream: the random word for element `i` is a pure function of
/// `(seed, i, draw)`, so stochastic rounding gives the same answer for element `i` whatever the
/// thread count, the chunking or the order in which elements are converted.
///
/// ```swift
/// let stream = CounterRandom(seed: 42)
/// stream.word(index: 7)                 // the word stochastic rounding uses for element 7
/// var g = CounterRandomGenerator(seed: 42, index: 7)
/// g.next() == stream.word(index: 7)     // true: the scalar API can replay the batch stream
/// ```
///
/// ## Definition (stable: changing it changes every stochastic result)
///
/// Element index `i` is split into a block `b = i >> 16` and a position `p = i & 0xFFFF`. Each
/// `(seed, b, draw)` gives a 64-bit key `κ = splitmix64(splitmix64(splitmix64(seed) ^ b) ^ draw)`,
/// read as four 16-bit keys `κ₀ … κ₃` (κ₀ lowest). The word is
///
///     word(i, draw) = Σ_j mix16(p ^ κ_j) << 16·j      (j = 0 … 3)
///
/// with `mix16(x)`: `x ^= x >> 8; x &*= 0x6B53; x ^= x >> 7; x &*= 0x3C4D; x ^= x >> 9` (a bijection
/// of 16-bit values; avalanche bias about 0.006, from a search over xorshift–multiply constants).
/// Because `mix16` is a bijection, the low `N ≤ 16` bits of word 0 take every value exactly
/// `2^(16−N)` times in every aligned block of 65 536 elements: the random bits of stochastic
/// rounding are exactly equidistributed per block. The batch kernels compute only the 16-bit lanes
/// they need (one lane for up to 16 random bits, two for up to 32).
///
/// Stochastic rounding variants A/B/C with `N` bits use the low `N` bits of `word(i, 0)`;
/// exact-probability stochastic rounding uses words 0, 1, 2, … of element `i` (``CounterRandomGenerator``).
///
/// One implementation: this type calls the C definition (`exmy_counter_word` in `CExMyKernels`),
/// the one the batch kernels compute on vectors.
public struct CounterRandom: Hashable, Sendable {
    /// The caller's seed.
    public let seed: UInt64
    @usableFromInline let seedHash: UInt64

    /// A stream for `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        self.seedHash = Self.splitmix64(seed)
    }

    /// The 64-bit random word number `draw` of element `index`.
    public func word(index: UInt64, draw: UInt64 = 0) -> UInt64 {
        exmy_counter_word(seedHash, index, draw)
    }

    /// The four 16-bit keys (κ₀ in the low bits) of the 65 536-element block `block` for `draw`.
    package func blockKeys(block: UInt64, draw: UInt64 = 0) -> UInt64 {
        exmy_counter_block_keys(seedHash, block, draw)
    }

    /// The 16-bit mixing bijection (see the type's documentation).
    package static func mix16(_ v: UInt16) -> UInt16 {
        exmy_mix16(v)
    }

    /// SplitMix64's output function (Steele, Lea and Flood 2014).
    @inlinable @inline(__always)
    package static func splitmix64(_ v: UInt64) -> UInt64 { SplitMix64.hash(v) }
}

/// A `RandomNumberGenerator` that yields the words of one element of a ``CounterRandom`` stream:
/// `word(index, 0)`, `word(index, 1)`, …
///
/// Driving the scalar engine with it reproduces the batch API's stochastic rounding element by
/// element:
///
/// ```swift
/// var g = CounterRandomGenerator(seed: 42, index: UInt64(i))
/// let scalar = format.encode(Double(x[i]), rounding: .stochasticA(bits: 8), overflow: .none, random: &g)
/// // scalar.code == batch codes[i] for a batch call with seed 42 and startIndex 0
/// ```
public struct CounterRandomGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline let stream: CounterRandom
    /// The element index the words belong to.
    public let index: UInt64
    @usableFromInline var draw: UInt64 = 0

    /// The generator of element `index` in the stream of `seed`.
    @inlinable public init(seed: UInt64, index: UInt64) {
        self.stream = CounterRandom(seed: seed)
        self.index = index
    }

    /// The generator of element `index` in `stream`.
    @inlinable public init(stream: CounterRandom, index: UInt64) {
        self.stream = stream
        self.index = index
    }

    @inlinable public mutating func next() -> UInt64 {
        defer { draw &+= 1 }
        return stream.word(index: index, draw: draw)
    }
}
