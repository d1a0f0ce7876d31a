import Testing
@Test func placeholder_MPFRReferenceTests() { #expect(1 == 1) }
