import ExMy
import ExMyCLI
import Foundation
import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif

// The in-process CLI: an argument vector and a file payload, decoded from the fuzzer's bytes, run
// through `ExMyCommand.parseAsRoot(args)` and `run()` with output captured, inside a scratch
// directory. Thrown errors are the CLI's messages and are fine; any trap, sanitizer report,
// out-of-memory or timeout is a finding.
//
// Input layout (see README.md, fuzz-cli):
//   byte 0  subcommand, index into `commands` (mod count)
//   byte 1  bits 0-2: payload file name (`payloadNames`); bit 3: append `--input <payload>` (commands
//           that read files); bit 4: append `--output <name>` with the name from byte 3 (encode,
//           decode, export)
//   byte 2  number of tokens after the format (mod 13)
//   byte 3  output name, index into `outputNames`
//   then    the format token (commands with a FORMAT argument), then the tokens
//   rest    the payload, written to the payload file and given as standard input
//
// A token starts with byte t:
//   t < 0x90          an option of the subcommand (`options`, mod count); t ≥ 0x80 joins it as
//                     `--name=value`; an option that takes a value reads a value token next
//   0x90 ≤ t < 0xF0   a stray value from `anyValues` (positionals, garbage)
//   t ≥ 0xF0          a free-form string: next byte is the length (mod 48), then that many bytes
// A value token starts with byte v: v < 0xA0 a value of the option's own class; v < 0xF0 a value
// from `anyValues`; else a free-form string as above.
//
// Paths: the scratch directory is the working directory while a command runs, so every relative
// path lands in it; free-form strings have every '/' replaced by '_' and NULs dropped, and the
// dictionaries hold only relative paths inside it. Nothing outside the scratch directory is named.
// Sizes: `analyze` synthetic counts are capped at 4096, `dot` lengths at 512 and trials at 4 (and
// small defaults are appended when absent), and `values`/`export` of formats wider than
// `listedBitWidthLimit` bits are skipped (2^16 codes take tens of seconds under ASan), so that one
// execution stays short. `check` (needs MPFR), `bench` and `report` (seconds to minutes per run,
// report writes a folder of files, bench allocates the machine's memory-bound sizes) are not driven.

// MARK: Dictionaries

let commands = ["encode", "decode", "info", "values", "analyze", "dot", "capybara", "profiles", "export", "quantize", "dequantize"]
let takesFormat: Set<String> = ["encode", "decode", "info", "values", "export", "quantize"]
let readsFiles: Set<String> = ["encode", "decode", "analyze", "dot", "quantize", "dequantize"]
let writesOutput: Set<String> = ["encode", "decode", "export", "quantize", "dequantize"]

let payloadNames = ["in.txt", "in.npy", "in.safetensors", "in.bin", "in.raw", "in", "codes.txt", "x.npy"]
let outputNames = ["out.txt", "out.npy", "out.bin", "outdir", "ro.txt", "link.txt", "old.txt", "-", "", "outdir/",
                   "outdir/new.txt", "missing/new.txt", "in.txt", ".", "out.raw", "old.txt.exmy-partial"]

let formats = [
    "e4m3fn", "e5m2", "e4m3fnuz", "e5m2fnuz", "e2m1fn", "e3m2fn", "e2m3fn", "e8m0fnu", "e8m0", "bf16", "fp16", "fp32",
    "tf32", "e11m52", "e10m52", "e10m40", "e11m10", "binary8p3se", "binary8p1se", "binary8p1sf", "binary3p1se",
    "binary8p4sf", "e4m3b11fnuz", "ue4m3", "e4m3", "e0m0", "e1m0", "e3m3:bias=5,subnormals=off", "e4m3:bias=1,bias=2",
    "e4m3:signed,unsigned", "e5m2:unsigned", "e4m3:=", "e2m0:subnormals=off,zero=off,specials=p3109-finite",
    "e0m0:twos-complement,specials=none", "e4m3:bias=99999999999999999999", "e11m52:bias=-1", "e12m52", "e11m53",
    "e3m2:twos-complement", "e8m23", "e4m7:bias=-104,subnormals=off,zero=off,specials=fnuz", "e5m10:zero=off",
    "e2m1:unsigned,specials=none", "e1m62", "e63m0", "E4M3FN", "e4m3fn ", "fp8", "", "e4m3:bias=-99999", "e8m0:bias=127",
]
let roundings = ["nearest-even", "nearest-away", "nearest-zero", "toward-zero", "up", "down", "away", "odd", "stochastic",
                 "stochastic-a", "stochastic-b", "stochastic-c", "rne", "rtz", "sr", "truncation", "floor", "ceil", "even", "x"]
let numbers = ["-1", "0", "1", "2", "3", "7", "8", "16", "31", "32", "33", "62", "63", "64", "127", "128", "255", "256",
               "4096", "65536", "2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
               "18446744073709551615", "18446744073709551616", "99999999999999999999", "-9223372036854775808", "+5",
               "1e308", "1e400", "-1e400", "nan", "inf", "-inf", "0.5", "-0", "1.5", "0x10", "1e9", "100G", "1M", "7e9",
               "1e-300", "1K", "1.0625000000000000001", "-2147483649"]
let classes: [String: [String]] = [
    "format": formats,
    "rounding": roundings,
    "overflow": ["sat-finite", "sat-propagate", "none", "saturate"],
    "profile": ["ocp", "ocp-sat", "ml_dtypes", "torch", "cuda-satfinite", "onnx", "p3109", "onnx-cast23", "ieee"],
    "number": numbers,
    "io": ["text", "binary", "npy", "safetensors"],
    "dtype": ["f32", "f64", "f16", "bf16", "u8", "u16", "u32", "f8"],
    "path": payloadNames + outputNames + ["in.safetensors", "*.npy", "outdir/keep.txt"],
    "scheme": ["absmax", "per-tensor", "per-channel", "mxfp8-e4m3", "mxfp8-e5m2", "mxfp6-e3m2", "mxfp6-e2m3", "mxfp4",
               "mxint8", "nvfp4", "none", "blockwise"],
    "scale-format": ["fp32", "e8m0", "ue4m3", "e8m0fnu", "e4m3fn", "e5m2", "e0m0"],
    "scale-rounding": ["floor", "ceil", "even", "up", "down"],
    "distribution": ["normal", "normal:2", "normal:-1", "laplace", "laplace:0", "uniform:0", "uniform:1e308",
                     "student-t:1", "student-t:0", "lognormal:0:1", "lognormal:1000:1000", "outliers:0.01:100",
                     "outliers:-1:nan", "normal:inf", "normal:nan", "same", "cauchy"],
    "output-format": ["text", "markdown", "csv", "json", "latex", "html"],
    "kind": ["c", "sv", "csv", "thresholds", "verilog"],
    "order": ["sequential", "pairwise", "promoted", "promote", "sequential,pairwise,promoted", ",", ""],
    "accumulator": ["exact", "fp32", "fp16", "bf16", "e5m2", "e8m13", "exact,fp32,fp16", "e0m0", "e11m52", ",", ""],
    "lengths": ["16", "1", "0", "-1", "1,2,3", "16384", "16385", "512", ",", "", "16,64", "16777217", " 7 , 9"],
    "tensor": ["w", "*", "a.*", "[", "x", "tensor", "", "w*", "?", "[a-", "**"],
    "capybara-number": numbers + ["1e10", "7e9", "1e12", "0.0", "1e-10", "1T", "1P", "5e", "G"],
    "block": ["channel", "0", "-1", "1", "32", "128", "1073741824", "1073741825", "9223372036854775807"],
    "constant": ["n=1", "alpha=nan", "=", "beta=-1", "epsilon=inf", "d=0", "gamma=1e308", "delta=", "nu=x", "x=1", "n"],
    "plot-metric": ["mean-rel", "max-rel", "mean-norm", "max-norm", "median"],
    "input-format": formats + ["none"],
    "product": ["exact"] + formats,
]
let anyValues = Array(Set(classes.values.joined())).sorted() + ["--help", "-h", "--version", "--", "help", "-", "--json"]

/// An option: its spelling and value class (nil for a flag).
struct Opt { let name: String; let value: String? }

let streamOptions = [
    Opt(name: "--rounding", value: "rounding"), Opt(name: "--random-bits", value: "number"), Opt(name: "--seed", value: "number"),
    Opt(name: "--overflow", value: "overflow"), Opt(name: "--profile", value: "profile"), Opt(name: "--input", value: "path"),
    Opt(name: "--output", value: "path"), Opt(name: "--io", value: "io"), Opt(name: "--threads", value: "number"),
    Opt(name: "--quiet", value: nil), Opt(name: "--dtype", value: "dtype"), Opt(name: "--pack", value: nil),
]
let options: [String: [Opt]] = [
    "encode": streamOptions,
    "decode": streamOptions.filter { !["--rounding", "--random-bits", "--seed", "--overflow", "--profile"].contains($0.name) }
        + [Opt(name: "--count", value: "number")],
    "info": [Opt(name: "--json", value: nil)],
    "values": [Opt(name: "--json", value: nil), Opt(name: "--csv", value: nil)],
    "analyze": [
        Opt(name: "--format", value: "format"), Opt(name: "--scheme", value: "scheme"), Opt(name: "--block", value: "block"),
        Opt(name: "--axis", value: "number"), Opt(name: "--scale-format", value: "scale-format"),
        Opt(name: "--scale-rounding", value: "scale-rounding"), Opt(name: "--input", value: "path"),
        Opt(name: "--tensor", value: "tensor"), Opt(name: "--distribution", value: "distribution"),
        Opt(name: "--count", value: "number"), Opt(name: "--seed", value: "number"), Opt(name: "--rounding", value: "rounding"),
        Opt(name: "--random-bits", value: "number"), Opt(name: "--overflow", value: "overflow"),
        Opt(name: "--per-tensor", value: nil), Opt(name: "--histogram", value: nil),
        Opt(name: "--output-format", value: "output-format"), Opt(name: "--json", value: nil),
        Opt(name: "--quiet", value: nil),
    ],
    "dot": [
        Opt(name: "--lengths", value: "lengths"), Opt(name: "--trials", value: "number"),
        Opt(name: "--input-format", value: "input-format"), Opt(name: "--a-format", value: "input-format"),
        Opt(name: "--b-format", value: "input-format"), Opt(name: "--scheme", value: "scheme"),
        Opt(name: "--b-scheme", value: "scheme"), Opt(name: "--block", value: "block"),
        Opt(name: "--input-rounding", value: "rounding"), Opt(name: "--product", value: "product"),
        Opt(name: "--product-rounding", value: "rounding"), Opt(name: "--accumulator", value: "accumulator"),
        Opt(name: "--rounding", value: "rounding"), Opt(name: "--random-bits", value: "number"),
        Opt(name: "--order", value: "order"), Opt(name: "--promote", value: "number"),
        Opt(name: "--promote-format", value: "product"), Opt(name: "--overflow", value: "overflow"),
        Opt(name: "--distribution", value: "distribution"), Opt(name: "--b-distribution", value: "distribution"),
        Opt(name: "--seed", value: "number"), Opt(name: "--input", value: "path"), Opt(name: "--tensor", value: "tensor"),
        Opt(name: "--input-b", value: "path"), Opt(name: "--tensor-b", value: "tensor"),
        Opt(name: "--output-format", value: "output-format"), Opt(name: "--json", value: nil),
        Opt(name: "--svg", value: "path"), Opt(name: "--plot-metric", value: "plot-metric"),
        Opt(name: "--quiet", value: nil),
    ],
    "capybara": [
        Opt(name: "--params", value: "capybara-number"), Opt(name: "--tokens", value: "capybara-number"),
        Opt(name: "--format", value: "format"), Opt(name: "--block", value: "block"),
        Opt(name: "--compute", value: "capybara-number"), Opt(name: "--constant", value: "constant"),
        Opt(name: "--json", value: nil),
    ],
    "profiles": [],
    "export": [Opt(name: "--kind", value: "kind"), Opt(name: "--output", value: "path")],
    "quantize": [
        Opt(name: "--input", value: "path"), Opt(name: "--output", value: "path"), Opt(name: "--tensor", value: "tensor"),
        Opt(name: "--rounding", value: "rounding"), Opt(name: "--random-bits", value: "number"), Opt(name: "--seed", value: "number"),
        Opt(name: "--overflow", value: "overflow"), Opt(name: "--profile", value: "profile"), Opt(name: "--element", value: "format"),
        Opt(name: "--block", value: "block"), Opt(name: "--scale-rounding", value: "scale-rounding"), Opt(name: "--pad", value: nil),
        Opt(name: "--threads", value: "number"), Opt(name: "--quiet", value: nil),
    ],
    "dequantize": [
        Opt(name: "--input", value: "path"), Opt(name: "--output", value: "path"), Opt(name: "--dtype", value: "dtype"),
        Opt(name: "--threads", value: "number"), Opt(name: "--quiet", value: nil),
    ],
]
let commonOptions = [Opt(name: "--help", value: nil), Opt(name: "--version", value: nil), Opt(name: "--", value: nil)]

// MARK: Decoding

/// One execution: the argument vector (without the program name), the payload's file name and bytes.
struct Case {
    var arguments: [String] = []
    var payloadName = "in.txt"
    var payload: [UInt8] = []
}

/// A free-form string: printable or not, but never a path out of the scratch directory.
func freeForm(_ r: inout ByteReader) -> String {
    let n = Int(r.byte() % 48)
    var bytes: [UInt8] = []
    for _ in 0..<n where r.offset < r.bytes.count { bytes.append(r.byte()) }
    let text = String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self)
    return text.replacingOccurrences(of: "/", with: "_")
}

func value(_ r: inout ByteReader, class name: String?) -> String {
    let v = r.byte()
    if v < 0xA0, let name, let list = classes[name], !list.isEmpty { return list[Int(v) % list.count] }
    if v < 0xF0 { return anyValues[Int(v) % anyValues.count] }
    return freeForm(&r)
}

func decode(_ bytes: [UInt8]) -> Case {
    var r = ByteReader(bytes)
    var c = Case()
    let command = commands[Int(r.byte()) % commands.count]
    let b1 = r.byte(), tokenCount = Int(r.byte() % 13), outputName = outputNames[Int(r.byte()) % outputNames.count]
    c.payloadName = payloadNames[Int(b1 & 7)]
    var args = [command]
    if takesFormat.contains(command) { args.append(value(&r, class: "format")) }
    let opts = (options[command] ?? []) + commonOptions
    for _ in 0..<tokenCount where r.offset < r.bytes.count {
        let t = r.byte()
        if t < 0x90 {
            let o = opts[Int(t) % opts.count]
            if let cls = o.value {
                let v = value(&r, class: cls)
                if t >= 0x80 { args.append("\(o.name)=\(v)") } else { args += [o.name, v] }
            } else {
                args.append(o.name)
            }
        } else if t < 0xF0 {
            args.append(anyValues[Int(t) % anyValues.count])
        } else {
            args.append(freeForm(&r))
        }
    }
    if b1 & 8 != 0 && readsFiles.contains(command) { args += ["--input", c.payloadName] }
    if b1 & 16 != 0 && writesOutput.contains(command) { args += ["--output", outputName] }
    c.arguments = capped(args)
    c.payload = r.offset < bytes.count ? Array(bytes[r.offset...]) : []
    return c
}

/// Caps the sizes of synthetic work (`analyze --count`, `dot --lengths/--trials`) and appends small
/// defaults, so that one execution stays short. Values that are not integers pass unchanged (they
/// are the CLI's to refuse).
func capped(_ args: [String]) -> [String] {
    guard let command = args.first, command == "analyze" || command == "dot" else { return args }
    var out = args
    func cap(_ name: String, _ limit: Int, list: Bool = false) {
        func fix(_ v: String) -> String {
            let parts = v.split(separator: ",", omittingEmptySubsequences: false).map { p -> String in
                if let n = Int(p.trimmingCharacters(in: .whitespaces)), n > limit { return String(limit) }
                return String(p)
            }
            return list ? parts.joined(separator: ",") : (Int(v).map { $0 > limit ? String(limit) : v } ?? v)
        }
        var seen = false
        var i = 1
        while i < out.count {
            if out[i] == "--" { break }
            if out[i] == "--\(name)", i + 1 < out.count { out[i + 1] = fix(out[i + 1]); seen = true; i += 2; continue }
            if out[i].hasPrefix("--\(name)=") { out[i] = "--\(name)=" + fix(String(out[i].dropFirst(name.count + 3))); seen = true }
            i += 1
        }
        if !seen, let d = ["count": "512", "lengths": "16,64", "trials": "2"][name] {
            out.insert(contentsOf: ["--\(name)", d], at: 1)
        }
    }
    if command == "analyze" { cap("count", 4096) } else { cap("lengths", 512, list: true); cap("trials", 4) }
    return out
}

// MARK: Scratch directory

nonisolated(unsafe) var scratch: String = {
    var template = Array("/tmp/exmy-fuzz-cli-XXXXXX".utf8CString)
    guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
        fatalError("cannot create a scratch directory under /tmp")
    }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
}()
nonisolated(unsafe) var home = FileManager.default.currentDirectoryPath

func writeFile(_ name: String, _ bytes: [UInt8], mode: mode_t = 0o644) {
    let fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { fatalError("fuzz-cli: cannot write scratch file \(name)") }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

/// Empties the scratch directory and lays out the fixtures: an existing directory with a file in
/// it, a read-only file, a symlink, an ordinary old file and a stale `.exmy-partial` name, and the
/// payload. Must be called with the scratch directory as the working directory.
func resetScratch(_ c: Case) {
    let fm = FileManager.default
    for name in (try? fm.contentsOfDirectory(atPath: ".")) ?? [] {
        // lstat-based removal: a symlink is removed, never followed.
        if (try? fm.removeItem(atPath: name)) == nil {
            _ = chmod(name, 0o755)
            try? fm.removeItem(atPath: name)
        }
    }
    mkdir("outdir", 0o755)
    writeFile("outdir/keep.txt", Array("kept\n".utf8))
    writeFile("ro.txt", Array("1\n".utf8), mode: 0o444)
    writeFile("old.txt", Array("0x38\n".utf8))
    writeFile("old.txt.exmy-partial", Array("user data\n".utf8))
    symlink("old.txt", "link.txt")
    writeFile(c.payloadName, c.payload)
}

/// The widest format whose every code `values` and `export` are asked to list.
let listedBitWidthLimit = 12

/// Whether the case lists every code of a format too wide to finish quickly under ASan.
func listsTooManyCodes(_ c: Case) -> Bool {
    guard let command = c.arguments.first, command == "values" || command == "export" else { return false }
    return c.arguments.dropFirst().contains { (try? FloatFormat(parsing: $0))?.bitWidth ?? 0 > listedBitWidthLimit }
}

/// Runs one case; returns the output or the CLI's error message.
@discardableResult
func execute(_ c: Case) -> String {
    if listsTooManyCodes(c) { return "skipped: lists more than 2^\(listedBitWidthLimit) codes" }
    let back = home
    guard chdir(scratch) == 0 else { fatalError("fuzz-cli: cannot enter \(scratch)") }
    defer { _ = chdir(back) }
    resetScratch(c)
    if getenv("FUZZ_CLI_SETUP_ONLY") != nil { return "setup only: files laid out, command not run" }
    // Standard input reads the payload (commands without --input read it).
    let fd = open(c.payloadName, O_RDONLY | O_CLOEXEC)
    if fd >= 0 { dup2(fd, STDIN_FILENO); close(fd) }
    do {
        let out = try ExMyCommand.runCapturing(c.arguments)
        return "ok: \(out.text.utf8.count) bytes of text, \(out.data.count) bytes of data"
    } catch {
        return "error: \(error)"
    }
}

/// The command line that reproduces a case with the built `exmy`, from inside the scratch directory.
func commandLine(_ c: Case) -> String {
    func quote(_ s: String) -> String {
        s.isEmpty || s.contains(where: { !($0.isLetter || $0.isNumber || "-_=.,:+@%^".contains($0)) || !$0.isASCII })
            ? "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" : s
    }
    return "exmy " + c.arguments.map(quote).joined(separator: " ") + " < \(c.payloadName)"
}

func check(_ bytes: [UInt8]) {
    let c = decode(bytes)
    let verbose = getenv("FUZZ_CLI_VERBOSE") != nil
    if verbose {
        FileHandle.standardError.write(Data("fuzz-cli: in \(scratch): \(commandLine(c))  (payload \(c.payload.count) bytes)\n".utf8))
    }
    let result = execute(c)
    if verbose { FileHandle.standardError.write(Data("fuzz-cli: \(result)\n".utf8)) }
}

#if FUZZING
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    check(bytes)
    return 0
}

/// libFuzzer writes crash artifacts while the callback runs, that is inside the scratch directory:
/// make `-artifact_prefix`/`-exact_artifact_path` absolute (default: the starting directory).
@_cdecl("FuzzCLI_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var args = (0..<Int(argc)).map { String(cString: argv![$0]!) }
    var hasPrefix = false
    for (i, a) in args.enumerated() {
        for flag in ["-artifact_prefix=", "-exact_artifact_path="] where a.hasPrefix(flag) {
            let path = String(a.dropFirst(flag.count))
            if flag == "-artifact_prefix=" { hasPrefix = true }
            if !path.hasPrefix("/") { args[i] = flag + home + "/" + path }
        }
    }
    if !hasPrefix { args.insert("-artifact_prefix=\(home)/", at: 1) }
    _ = scratch
    // Remove the scratch directory at a normal exit (each -fork job is a process of its own); a
    // crash leaves it, with the crashing input's files, for inspection.
    atexit { try? FileManager.default.removeItem(atPath: scratch) }
    var cArgs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    var count = Int32(args.count)
    return cArgs.withUnsafeMutableBufferPointer { buffer in
        var pointer = buffer.baseAddress
        return LLVMFuzzerRunDriver(&count, &pointer) { data, size in fuzzTestOneInput(data, size) }
    }
}
#else
@main
struct Replay {
    /// `fuzz-cli FILE...` runs each input verbosely and leaves the scratch directory (named on
    /// standard error) with the last input's files, so the printed `exmy` command can be rerun there.
    static func main() {
        setenv("FUZZ_CLI_VERBOSE", "1", 1)
        exit(replay(CommandLine.arguments.dropFirst(), check))
    }
}
#endif
