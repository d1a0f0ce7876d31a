import Testing
@testable import ExMy

/// Each option of a generic spelling may be given once; a bias of any length is read
/// as a number (out of range, not "not an integer"); the zero rules speak of the spelling's options.
struct FormatSpellingOptionTests {
    func message(_ text: String) -> String? {
        do { _ = try FloatFormat(parsing: text); return nil } catch let e as FormatError { return e.message } catch { return "\(error)" }
    }

    @Test(arguments: [
        ("e4m3:bias=1,bias=2", ["bias=1", "bias=2", "choose one"]),
        ("e4m3:bias=1,bias=1", ["bias=1", "twice"]),
        ("e4m3:signed,unsigned", ["signed", "unsigned"]),
        ("e4m3:unsigned,unsigned", ["unsigned", "twice"]),
        ("e4m3:twos-complement,signed", ["twos-complement", "signed"]),
        ("e4m3:subnormals=on,subnormals=off", ["subnormals=on", "subnormals=off"]),
        ("e4m3:zero=on,zero=off", ["zero=on", "zero=off"]),
        ("e4m3:specials=fn,specials=fnuz", ["specials=fn", "specials=fnuz"]),
        ("e4m3:bias=7,subnormals=on,bias=7", ["bias=7", "twice"]),
    ])
    func repeatedOrContradictoryOptionsThrow(_ text: String, _ parts: [String]) throws {
        let m = try #require(message(text), "\(text) was accepted")
        for part in parts { #expect(m.contains(part), "\(m)") }
    }

    @Test func hugeBiasIsOutOfRange() throws {
        for text in ["e4m3:bias=99999999999999999999", "e4m3:bias=-99999999999999999999", "e4m3:bias=+123456789012345678901234567890", "e4m3:bias=4097"] {
            let m = try #require(message(text))
            #expect(m.contains("out of range") && m.contains("4096"), "\(m)")
            #expect(!m.contains("must be an integer"))
        }
        #expect(message("e4m3:bias=1x")?.contains("must be an integer") == true)
        #expect(message("e4m3:bias=-") != nil)
        // The extremes of the range are accepted where they fit a Double; one option each is fine.
        #expect(try FloatFormat(parsing: "e4m3:bias=-4,subnormals=off,zero=on,specials=fn,signed").bias == -4)
    }

    @Test func zeroRulesSpeakOfTheSpelling() throws {
        let noZero = try #require(message("e3m3:zero=off"))
        #expect(noZero.contains("zero=off") && noZero.contains("subnormals=off") && !noZero.contains("hasZero"))
        let onlyZero = try #require(message("e0m3:subnormals=off"))
        #expect(onlyZero.contains("subnormals=off") && onlyZero.contains("zero=off") && !onlyZero.contains("hasZero"))
        // The same layouts spelled validly.
        #expect(try FloatFormat(parsing: "e3m3:zero=off,subnormals=off").hasZero == false)
        #expect(try FloatFormat(parsing: "e0m3:subnormals=off,zero=off,specials=none").hasZero == false)
    }
}
