import Testing
@testable import Capybara

@Suite("parseScaledNumber")
struct ParserTests {
    // Expected values are the decimal literals themselves (Swift parses literals correctly rounded).
    @Test(arguments: [
        ("1e9", 1e9), ("1.2B", 1.2e9), ("1.2b", 1.2e9), ("1.2G", 1.2e9), ("27T", 27e12), ("27t", 27e12),
        ("500M", 500e6), ("500m", 500e6), ("70K", 70e3), ("70k", 70e3), ("3.5e21", 3.5e21), ("2P", 2e15),
        ("0.5T", 0.5e12), (".5K", 500), ("5.", 5), ("  679M ", 679e6), ("1E+9", 1e9), ("2.5e-3", 2.5e-3),
        ("0", 0), ("+8", 8), ("1.7976931348623157e308", 1.7976931348623157e308), ("0.1B", 0.1e9),
    ])
    func accepts(text: String, expected: Double) throws {
        #expect(try parseScaledNumber(text) == expected)
    }

    /// The suffix is applied to the decimal text, so "4.35T" is the Double nearest 4.35e12 (= 4350000000000
    /// exactly), not 4.35 * 1e12 (= 4349999999999.9995):
    /// python3 -c "print(repr(4.35*10.0**12), repr(float('4.35e12')))"
    @Test func suffixIsExactDecimalScaling() throws {
        #expect(try parseScaledNumber("4.35T") == 4_350_000_000_000)
        #expect(4.35 * 1e12 != 4_350_000_000_000)
    }

    @Test func negativesOnlyWhenAllowed() throws {
        let error = #expect(throws: CapybaraError.self) { try parseScaledNumber("-5") }
        #expect(error?.description.contains("negative") == true)
        #expect(try parseScaledNumber("-5", allowNegative: true) == -5)
        #expect(try parseScaledNumber("-1.5k", allowNegative: true) == -1500)
    }

    @Test(arguments: [
        ("1.2X", "unknown suffix \"X\""),
        ("", "empty input"),
        ("   ", "empty input"),
        ("abc", "not a number"),
        ("K", "not a number"),
        ("e9", "not a number"),
        (".", "not a number"),
        ("inf", "infinities and NaN"),
        ("-inf", "infinities and NaN"),
        ("Infinity", "infinities and NaN"),
        ("nan", "infinities and NaN"),
        ("NaN", "infinities and NaN"),
        ("1e400", "too large"),
        ("1e-400", "underflows"),
        ("1e", "exponent has no digits"),
        ("1e+", "exponent has no digits"),
        ("1e3K", "not both"),
        ("1.2BB", "unexpected characters"),
        ("1 000", "unexpected characters"),
        ("0x10", "unexpected characters"),
        ("1,5", "unexpected characters"),
        ("--5", "not a number"),
    ])
    func rejects(text: String, fragment: String) {
        let error = #expect(throws: CapybaraError.self) { try parseScaledNumber(text) }
        #expect(error?.description.contains(fragment) == true, "\(text): \(String(describing: error))")
        #expect(error?.description.contains("cannot read number \"\(text)\"") == true)
    }
}
