import Testing
@Test func placeholder_TensorIOTests() { #expect(1 == 1) }
