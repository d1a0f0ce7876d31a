import Testing
@Test func placeholder_ExMyTests() { #expect(1 == 1) }
