import Testing
@Test func placeholder_ExMyAnalysisTests() { #expect(1 == 1) }
