import ExMy
import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
#if MPFR
import ExMyVerification
import MPFRReference

/// Bytes: 4 format knobs, rule index, overflow index, 8 bytes of Double (little endian), then any
/// bytes as number text (UTF-8). Invalid formats must throw (a trap is a finding); valid ones must
/// agree with MPFR on the Double and, when ExMy reads the text as a number, on the text (MPFR must
/// read it too, and round it the same way under the chosen rules).
func check(_ bytes: [UInt8]) {
    var r = ByteReader(bytes)
    let knobs = FormatKnobs(&r)
    let rules = RoundingRule.deterministicRules, overflows = OverflowRule.allCases
    let rule = rules[Int(r.byte()) % rules.count]
    let overflow = overflows[Int(r.byte()) % overflows.count]
    let x = Double(bitPattern: r.uint64())
    guard let format = knobs.format() else { return }
    let ref = CrossCheck.reference(format)
    if let mismatch = CrossCheck.compare(x, format, ref, rule, overflow) {
        fatalError("cross-check mismatch (\(knobs)): \(mismatch)")
    }
    let rest = r.rest()
    guard !rest.isEmpty else { return }
    let text = String(decoding: rest, as: UTF8.self)
    guard ExactNumber(parsing: text) != nil else { return }
    let result = CrossCheck.runText(format, inputs: [CrossCheck.TextInput(text: text, origin: "fuzz")],
                                    rules: [rule], overflows: [overflow], limit: 1)
    if let mismatch = result.mismatches.first {
        fatalError("text cross-check mismatch (\(knobs)): \(mismatch)")
    }
}

#else
/// Built without the MPFR trait (`swift build --traits MPFR --product fuzz-crosscheck`): no oracle.
func check(_ bytes: [UInt8]) {
    fatalError("fuzz-crosscheck needs the MPFR oracle: build it with --traits MPFR (Fuzz/run.sh does)")
}
#endif

#if FUZZING
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    check(bytes)
    return 0
}

@_cdecl("FuzzCrossCheck_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) }
}
#else
@main
struct Replay {
    static func main() {
        exit(replay(CommandLine.arguments.dropFirst(), check))
    }
}
#endif
