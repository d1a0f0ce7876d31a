import Testing
@Test func placeholder_ExMyCLITests() { #expect(1 == 1) }
