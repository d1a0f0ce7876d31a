import ArgumentParser
import ExMy

/// `exmy profiles`: each profile's answer on each point where today's stacks disagree.
struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "Show each compatibility profile's answer on each disagreement between stacks (Markdown table)."
    )

    /// (description, format, input)
    static let cases: [(String, FloatFormat, Double)] = [
        ("E4M3FN finite overflow 500", .e4m3fn, 500),
        ("E4M3FN 464 (ties to 448)", .e4m3fn, 464),
        ("+∞ into E4M3FN", .e4m3fn, .infinity),
        ("−∞ into E4M3FN", .e4m3fn, -.infinity),
        ("NaN sign into E4M3FN (−NaN)", .e4m3fn, -.nan),
        ("E5M2 finite overflow 70000", .e5m2, 70000),
        ("+∞ into E4M3FNUZ", .e4m3fnuz, .infinity),
        ("+∞ into E5M2FNUZ", .e5m2fnuz, .infinity),
        ("overflow 248 into E4M3FNUZ", .e4m3fnuz, 248),
        ("−0 into E4M3FNUZ", .e4m3fnuz, -0.0),
        ("double rounding −431.99999999999994 → E4M3FN", .e4m3fn, -431.99999999999994),
        ("NaN into E2M1FN", .e2m1fn, .nan),
        ("+∞ into E2M1FN", .e2m1fn, .infinity),
        ("overflow 7 into E2M1FN", .e2m1fn, 7),
        ("NaN into E3M2FN", .e3m2fn, .nan),
        ("tie 3 into E8M0FNU", .e8m0fnu, 3),
        ("zero into E8M0FNU", .e8m0fnu, 0),
        ("1.01·2^-127 into E8M0FNU", .e8m0fnu, 0x1.028f5c28f5c29p-127),
        ("+∞ into E8M0FNU", .e8m0fnu, .infinity),
        ("tie 1.5 into binary3p1se (P = 1)", Self.binary3p1se, 1.5),
        ("tie 1.5·2^60 into binary8p1se (P = 1)", Self.binary8p1se, 0x1.8p60),
    ]

    static let binary3p1se = FloatFormat.p3109Family.first { $0.name == "binary3p1se" }!
    static let binary8p1se = FloatFormat.p3109Family.first { $0.name == "binary8p1se" }!

    func run() throws {
        let profiles = ConversionProfile.allCases
        Console.shared.print("| case | " + profiles.map(\.rawValue).joined(separator: " | ") + " |")
        Console.shared.print("|---|" + profiles.map { _ in "---" }.joined(separator: "|") + "|")
        for (title, format, x) in Self.cases {
            let answers = profiles.map { p -> String in
                guard p.describes(format) else { return "—" }  // the stack has no such type
                let r = p.encode(x, into: format)
                if r.status.contains(.invalid) && x.isNaN && p.rejectsNaNWithoutNaNCode { return "error" }
                let v = format.decode(r.code)
                let text = v.isFinite && v != 0 ? FormatInfo.number(v) : ValuesCommand.valueText(r.code, format)
                return "\(text) (\(FormatInfo.hex(r.code, format)))"
            }
            Console.shared.print("| \(title) | " + answers.joined(separator: " | ") + " |")
        }
    }
}
