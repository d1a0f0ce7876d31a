import ExMy
import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif


/// Bytes: 4 format knobs, 8 bytes of code (masked by codeMask). Every canonical non-NaN code must
/// survive decode → encode → decode under every deterministic rule (bit-exact Double, so the sign
/// of zero too). ±∞ is checked with the overflow rules that keep it (not sat-finite).
func check(_ bytes: [UInt8]) {
    var r = ByteReader(bytes)
    let knobs = FormatKnobs(&r)
    guard let format = knobs.format() else { return }
    let code = r.uint64() & format.codeMask
    let cls = format.classify(code)
    if cls == .nan || cls == .nonCanonical { return }
    let v = format.decode(code)
    let overflows: [OverflowRule] = cls == .infinity ? [.saturatePropagate, .none] : OverflowRule.allCases
    for rule in RoundingRule.deterministicRules {
        for overflow in overflows {
            let e = format.encode(v, rounding: rule, overflow: overflow)
            let back = format.decode(e.code)
            if back.bitPattern != v.bitPattern {
                fatalError("round trip failed (\(knobs)) \(format) code 0x\(String(code, radix: 16)) (\(cls)) = \(v) → \(rule), \(overflow.rawValue) → code 0x\(String(e.code, radix: 16)) = \(back) \(e.status)")
            }
        }
    }
}

#if FUZZING
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    check(bytes)
    return 0
}

@_cdecl("FuzzRoundTrip_main")
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
