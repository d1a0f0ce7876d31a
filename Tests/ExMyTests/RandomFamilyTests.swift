import Testing
import ExMy

/// ExMy's one random family: the SplitMix64 mixer and sequential generator, and the counter stream
/// built on the same mixer.
@Suite struct RandomFamilyTests {
    /// The published SplitMix64 reference sequence for seed 1234567 (the outputs listed with
    /// Vigna's `splitmix64.c` and reproduced by other implementations), not values from this code.
    @Test func splitMix64MatchesTheReferenceSequence() {
        var g = SplitMix64(seed: 1234567)
        let expected: [UInt64] = [6457827717110365317, 3203168211198807973, 9817491932198370423,
                                  4593380528125082431, 16408922859458223821]
        #expect((0..<5).map { _ in g.next() } == expected)
    }

    /// `hash(v)` is the first word of the generator seeded with `v`, and the counter stream's seed
    /// hash is that word (its documented definition: `splitmix64(seed)`).
    @Test func theCounterStreamUsesTheSameMixer() {
        for seed: UInt64 in [0, 1, 42, 1234567, .max] {
            var g = SplitMix64(seed: seed)
            #expect(SplitMix64.hash(seed) == g.next())
            #expect(CounterRandom.splitmix64(seed) == SplitMix64.hash(seed))
        }
        #expect(SplitMix64.hash(1234567) == 6457827717110365317)
    }
}
