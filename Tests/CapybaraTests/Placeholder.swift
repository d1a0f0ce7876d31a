import Testing
@Test func placeholder_CapybaraTests() { #expect(1 == 1) }
