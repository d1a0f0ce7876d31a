import ExMy
import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif


/// Bytes as UTF-8 text: parsing a format must never trap; a parsed format must re-parse from its
/// canonical spelling to an equal format; `Float8E4M3FN(String)` must never trap.
func check(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    if let f = try? FloatFormat(parsing: text) {
        let spelling = f.canonicalSpelling
        let g: FloatFormat
        do { g = try FloatFormat(parsing: spelling) } catch {
            fatalError("canonical spelling \(spelling.debugDescription) of \(text.debugDescription) does not parse: \(error)")
        }
        if g != f {
            fatalError("\(text.debugDescription) → \(spelling.debugDescription) → \(g.canonicalSpelling) differs")
        }
    }
    _ = Float8E4M3FN(text)
}

#if FUZZING
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    check(bytes)
    return 0
}

@_cdecl("FuzzParse_main")
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
