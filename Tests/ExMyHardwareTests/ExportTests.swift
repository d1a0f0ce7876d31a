import ExMy
import ExMyHardware
import Foundation
import Testing
import ExMyTestSupport

/// The hardware export, read back from its text (CSV, C header, SystemVerilog) and checked against
/// the engine: the decode table against `FloatFormat.decode` for every code, and an encoder built in
/// this file from the exported thresholds only against `FloatFormat.encode(x, rounding:
/// .toNearestOrEven, overflow: .none)` on every threshold, its neighbouring Doubles, and every value.
struct ExportTests {
    /// The formats the brief names.
    static let named = ["e4m3fn", "e5m2", "e2m1fn", "e3m2fn", "e2m3fn", "e8m0fnu", "ue4m3", "e4m3fnuz", "fp3-e1m1", "binary8p3se"]
    /// Edge cases: no subnormals, M = 0 with and without zero, two's complement, unsigned P3109 with ∞,
    /// 16 bits, and values outside binary32 (binary64 SystemVerilog, double C table).
    static let edges = [
        "fp3-e1m1-nosub", "fp3-e2m0", "mxint8", "binary8p1se", "binary8p1ue", "binary7p4uf", "e3m4", "e5m2fnuz",
        "e4m3:bias=-130,specials=fn", "e3m2:bias=-20,subnormals=off,specials=none",
    ]

    // MARK: Reading the text back

    /// RFC 4180 records (CRLF-separated; quoted fields with doubled quotes).
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.unicodeScalars.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field)
                field = ""
            } else if c == "\r" && chars.first == "\n" {
                chars.removeFirst()
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        #expect(record.isEmpty && field.isEmpty, "the CSV must end with CRLF")
        return records
    }

    /// A number as the exports spell it: decimal, C hexadecimal (with an optional `f` suffix),
    /// `nan`/`inf` or the `<math.h>` macros `NAN`/`INFINITY`, signed.
    static func number(_ text: String) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces)
        let negative = t.hasPrefix("-")
        if negative { t.removeFirst() }
        let magnitude: Double?
        switch t.lowercased() {
        case "nan": magnitude = .nan
        case "inf", "infinity": magnitude = .infinity
        default:
            if t.hasPrefix("0x"), t.contains("p"), t.hasSuffix("f") { t.removeLast() }
            magnitude = Double(t)
        }
        guard let m = magnitude else { return nil }
        return negative ? -m : m
    }

    static func code(_ text: String) -> UInt64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.lowercased().hasPrefix("0x") { return UInt64(t.dropFirst(2), radix: 16) }
        return UInt64(t)
    }

    /// Equal as values: NaN equals NaN of the same sign; zeros must agree in sign.
    static func same(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN && a.sign == b.sign }
        return a == b && a.sign == b.sign
    }

    /// The body of a C array `name[...] ... = { ... };`, comments removed, split at commas.
    static func cArray(_ header: String, _ name: String) -> [String]? {
        guard let start = header.range(of: " \(name)["),
              let open = header.range(of: "{", range: start.upperBound..<header.endIndex),
              let close = header.range(of: "};", range: open.upperBound..<header.endIndex)
        else { return nil }
        // Comments in the arrays are single-line `/* … */` after the entries.
        return header[open.upperBound..<close.lowerBound].split(separator: "\n").flatMap { line in
            let code = line.range(of: "/*").map { line[..<$0.lowerBound] } ?? line[...]
            return code.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    // MARK: The encoder built from exported data only

    struct Row: Equatable {
        var threshold: Double
        var tieUpper: Bool
        var below: UInt64
        var above: UInt64
    }

    struct ExportedEncoder {
        var positive: [Row] = []
        var negative: [Row] = []
        var nan: UInt64 = 0, negativeNaN: UInt64 = 0
        var infinity: UInt64 = 0, negativeInfinity: UInt64 = 0
        var zero: UInt64 = 0, negativeZero: UInt64 = 0

        func encode(_ x: Double) -> UInt64 {
            if x.isNaN { return x.sign == .minus ? negativeNaN : nan }
            if x.isInfinite { return x < 0 ? negativeInfinity : infinity }
            if x == 0 { return x.sign == .minus ? negativeZero : zero }
            let rows = x < 0 ? negative : positive
            let a = abs(x)
            // The first row with a below its threshold (a tie stays below when the tie goes to the lower side).
            var lo = 0, hi = rows.count
            while lo < hi {
                let mid = (lo + hi) / 2
                let r = rows[mid]
                if a < r.threshold || (a == r.threshold && !r.tieUpper) { hi = mid } else { lo = mid + 1 }
            }
            return lo < rows.count ? rows[lo].below : rows[rows.count - 1].above
        }

        /// Rows ascend and each row's code above is the next row's code below.
        func isConsistent() -> Bool {
            [positive, negative].allSatisfy { rows in
                !rows.isEmpty && rows.indices.dropLast().allSatisfy { rows[$0].threshold < rows[$0 + 1].threshold && rows[$0].above == rows[$0 + 1].below }
            }
        }

        var thresholds: [Double] { (positive + negative).map(\.threshold) }
    }

    /// The encoder read from the thresholds CSV.
    static func encoder(fromCSV csv: String) throws -> ExportedEncoder {
        let records = Self.parseCSV(csv)
        #expect(records.first == ["side", "kind", "lower", "upper", "threshold", "threshold_hex", "tie", "code_below", "code_above"])
        var e = ExportedEncoder()
        for r in records.dropFirst() {
            try #require(r.count == 9)
            let below = try #require(Self.code(r[7])), above = try #require(Self.code(r[8]))
            let negative = r[0] == "negative"
            switch r[1] {
            case "nan": if negative { e.negativeNaN = below } else { e.nan = below }
            case "infinity": if negative { e.negativeInfinity = below } else { e.infinity = below }
            case "zero": if negative { e.negativeZero = below } else { e.zero = below }
            case "midpoint", "overflow":
                let t = try #require(Self.number(r[4]))
                let lower = try #require(Self.number(r[2])), upper = try #require(Self.number(r[3]))
                #expect(Self.number(r[5]) == t)
                #expect(t - lower == upper - t && lower < t && t < upper, "\(r)")
                #expect(r[6] == "lower" || r[6] == "upper")
                let row = Row(threshold: t, tieUpper: r[6] == "upper", below: below, above: above)
                if negative { e.negative.append(row) } else { e.positive.append(row) }
            default: Issue.record("unknown kind \(r[1])")
            }
        }
        return e
    }

    /// The encoder read from the C header's arrays and the special cases of its encode function.
    static func encoder(fromHeader header: String, id: String) throws -> ExportedEncoder {
        func rows(_ side: String, thresholdsOf thresholdSide: String) throws -> [Row] {
            let t = try #require(Self.cArray(header, "exmy_\(id)_\(thresholdSide)_threshold")).map { try #require(Self.number($0)) }
            let up = try #require(Self.cArray(header, "exmy_\(id)_\(thresholdSide)_tie_up"))
            let codes = try #require(Self.cArray(header, "exmy_\(id)_\(side)_code")).map { try #require(Self.code($0)) }
            try #require(up.count == t.count && codes.count == t.count + 1)
            return t.indices.map { Row(threshold: t[$0], tieUpper: up[$0] == "1", below: codes[$0], above: codes[$0 + 1]) }
        }
        var e = ExportedEncoder()
        e.positive = try rows("pos", thresholdsOf: "pos")
        let sharesThresholds = Self.cArray(header, "exmy_\(id)_neg_threshold") == nil
        e.negative = try rows("neg", thresholdsOf: sharesThresholds ? "pos" : "neg")
        /// `if (<test>) return <cond> ? <a> : <b>;`
        func special(_ test: String) throws -> (UInt64, UInt64) {
            let line = try #require(header.split(separator: "\n").first { $0.contains("if (\(test)) return") })
            let tail = try #require(line.split(separator: "?").last)
            let parts = tail.replacingOccurrences(of: ";", with: "").split(separator: ":")
            return (try #require(Self.code(String(parts[0]))), try #require(Self.code(String(parts[1]))))
        }
        (e.negativeNaN, e.nan) = try special("isnan(x)")
        (e.negativeInfinity, e.infinity) = try special("isinf(x)")
        (e.negativeZero, e.zero) = try special("x == 0")
        return e
    }

    /// Every threshold with its Double neighbours, every value, the specials and a few extremes, both signs.
    static func probes(_ format: FloatFormat, thresholds: [Double]) -> [Double] {
        var xs: [Double] = [0, .infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, format.greatestFiniteMagnitude * 4]
        for t in thresholds { xs += [t, t.nextUp, t.nextDown] }
        for c in 0..<(UInt64(1) << UInt64(format.bitWidth)) where format.decode(c).isFinite { xs.append(format.decode(c)) }
        return xs + xs.map { -$0 }
    }

    static func engine(_ format: FloatFormat, _ x: Double) -> UInt64 {
        format.encode(x, rounding: .toNearestOrEven, overflow: .none).code
    }

    // MARK: Tests

    @Test(arguments: named + edges)
    func decodeTableMatchesTheEngine(_ name: String) throws {
        let format = try FloatFormat(parsing: name)
        let export = try HardwareExport(format)
        let records = Self.parseCSV(export.decodeCSV())
        #expect(records.first == ["code", "hex", "class", "value", "value_hex"])
        try #require(records.count == 1 + (1 << format.bitWidth))
        var mismatches = 0
        for (i, r) in records.dropFirst().enumerated() {
            let c = UInt64(i)
            let value = try #require(Self.number(r[3])), hexValue = try #require(Self.number(r[4]))
            if Self.code(r[0]) != c || Self.code(r[1]) != c || r[2] != format.classify(c).rawValue
                || !Self.same(value, format.decode(c)) || !Self.same(hexValue, format.decode(c)) {
                mismatches += 1
                if mismatches < 5 { Issue.record("\(name) code \(c): CSV \(r), engine \(format.decode(c))") }
            }
        }
        #expect(mismatches == 0)

        // The C header's decode table, read back.
        let header = export.cHeader()
        let literals = try #require(Self.cArray(header, "exmy_\(export.identifier)_decode"))
        try #require(literals.count == 1 << format.bitWidth)
        for (i, literal) in literals.enumerated() {
            let v = try #require(Self.number(literal), "\(literal)")
            #expect(Self.same(v, format.decode(UInt64(i))), "\(name) code \(i): header \(literal)")
        }
        #expect(header.contains("static const \(export.valuesFitBinary32 ? "float" : "double") exmy_\(export.identifier)_decode["))

        // The SystemVerilog decode case table: the IEEE pattern of every value.
        let sv = export.systemVerilog()
        let w = export.systemVerilogUsesBinary32 ? 32 : 64
        let items = sv.split(separator: "\n").filter { $0.contains(": value = \(w)'h") && !$0.contains("default") }
        try #require(items.count == 1 << format.bitWidth)
        for (i, item) in items.enumerated() {
            let parts = item.split(separator: " ").map(String.init)
            let c = try #require(UInt64(String(parts[0].split(separator: "h")[1].dropLast()), radix: 16))
            let bits = try #require(UInt64(String(parts[3].split(separator: "h")[1].dropLast()), radix: 16))
            let v = w == 32 ? Double(Float(bitPattern: UInt32(bits))) : Double(bitPattern: bits)
            #expect(c == UInt64(i) && Self.same(v, format.decode(c)), "\(name): \(item)")
        }
    }

    @Test(arguments: named + edges)
    func thresholdEncoderMatchesTheEngine(_ name: String) throws {
        let format = try FloatFormat(parsing: name)
        let export = try HardwareExport(format)
        let fromCSV = try Self.encoder(fromCSV: export.thresholdsCSV())
        let fromHeader = try Self.encoder(fromHeader: export.cHeader(), id: export.identifier)
        #expect(fromCSV.isConsistent())
        #expect(fromHeader.positive == fromCSV.positive && fromHeader.negative == fromCSV.negative)
        #expect(fromHeader.thresholds.count == fromCSV.thresholds.count)
        // One threshold per pair of adjacent non-negative values, plus the overflow threshold.
        let values = (0...format.maxMagnitudeCode).filter { [.zero, .subnormal, .normal].contains(format.classify($0)) }
        #expect(fromCSV.positive.count == values.count)

        var mismatches = 0
        for x in Self.probes(format, thresholds: fromCSV.thresholds) {
            let expected = Self.engine(format, x)
            let got = [fromCSV.encode(x), fromHeader.encode(x), export.encode(x)]
            if got.contains(where: { $0 != expected }) {
                mismatches += 1
                if mismatches < 5 { Issue.record("\(name): x = \(x) (\(x.bitPattern)) engine \(expected), CSV/header/library \(got)") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: named + edges)
    func systemVerilogComparisonTableMatchesTheCSV(_ name: String) throws {
        let format = try FloatFormat(parsing: name)
        let export = try HardwareExport(format)
        let csv = try Self.encoder(fromCSV: export.thresholdsCSV())
        let w = export.systemVerilogUsesBinary32 ? 32 : 64
        let lines = export.systemVerilog().split(separator: "\n").map(String.init)
        var side: [Row] = []
        var sides: [[Row]] = []
        for line in lines {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.contains("inputs, on the magnitude") { side = [] }
            if t.contains("(mag <= ") || t.contains("(mag <  ") {
                let tieUpper = t.contains("(mag <  ")
                let pattern = try #require(t.split(separator: "'h").dropFirst().first?.prefix { $0 != ")" })
                let bits = try #require(UInt64(pattern, radix: 16))
                let value = w == 32 ? Double(Float(bitPattern: UInt32(bits))) : Double(bitPattern: bits)
                let codeText = try #require(t.split(separator: "code = ").last?.split(separator: ";").first)
                let c = try #require(UInt64(String(codeText.split(separator: "h")[1]), radix: 16))
                side.append(Row(threshold: value, tieUpper: tieUpper, below: c, above: 0))
            } else if t.hasPrefix("else code = ") {
                let codeText = try #require(t.dropFirst("else code = ".count).split(separator: ";").first)
                let c = try #require(UInt64(String(codeText.split(separator: "h")[1]), radix: 16))
                for i in side.indices { side[i].above = i + 1 < side.count ? side[i + 1].below : c }
                sides.append(side)
            }
        }
        try #require(sides.count == 2)
        #expect(sides[0] == csv.positive)
        #expect(sides[1] == csv.negative)
        #expect(export.systemVerilogUsesBinary32 == (name != "e4m3:bias=-130,specials=fn"))
    }

    /// The e2m1fn thresholds CSV, typed in from OCP MX §5.3.3 (values 0, 0.5, 1, 1.5, 2, 3, 4, 6) and
    /// the ties-to-even rule (0.5, 1.5 and 3 are odd; 0, 1, 2, 4 even; 6 = 1.5·4 is odd).
    @Test func e2m1fnThresholdsAsTypedIn() throws {
        let positive = [
            "midpoint,0,0.5,0.25,0x1p-2,lower", "midpoint,0.5,1,0.75,0x1.8p-1,upper", "midpoint,1,1.5,1.25,0x1.4p+0,lower",
            "midpoint,1.5,2,1.75,0x1.cp+0,upper", "midpoint,2,3,2.5,0x1.4p+1,lower", "midpoint,3,4,3.5,0x1.cp+1,upper",
            "midpoint,4,6,5,0x1.4p+2,lower", "overflow,6,8,7,0x1.cp+2,upper",
        ]
        var expected = "side,kind,lower,upper,threshold,threshold_hex,tie,code_below,code_above\r\n"
        expected += "positive,nan,,,,,,0x0,0x0\r\nnegative,nan,,,,,,0x0,0x0\r\n"
        expected += "positive,infinity,,,,,,0x7,0x7\r\nnegative,infinity,,,,,,0xF,0xF\r\n"
        expected += "positive,zero,,,,,,0x0,0x0\r\nnegative,zero,,,,,,0x8,0x8\r\n"
        for (i, row) in positive.enumerated() { expected += "positive,\(row),0x\(i),0x\(min(i + 1, 7))\r\n" }
        let hex = Array("89ABCDEF")
        for (i, row) in positive.enumerated() { expected += "negative,\(row),0x\(hex[i]),0x\(hex[min(i + 1, 7)])\r\n" }
        #expect(try HardwareExport(.e2m1fn).thresholdsCSV() == expected)
    }

    @Test func knownAnswers() throws {
        let e4m3 = try HardwareExport(.e4m3fn)
        #expect(e4m3.encode(464) == 0x7E)  // the tie goes to 448 (even), no overflow
        #expect(e4m3.encode(464.00000000000006) == 0x7F)  // past the overflow threshold: NaN
        #expect(e4m3.encode(-431.99999999999994) == 0xFD)
        #expect(e4m3.positive.thresholds.last?.kind == .overflow && e4m3.positive.thresholds.last?.value == 464)
        let e5m2 = try HardwareExport(.e5m2)
        #expect(e5m2.positive.thresholds.last?.value == 61440 && e5m2.positive.thresholds.last?.tie == .upper)
        #expect(e5m2.encode(61440) == 0x7C && e5m2.encode(-61440) == 0xFC)
        let e8m0 = try HardwareExport(.e8m0fnu)
        #expect(e8m0.encode(3) == 129)  // M = 0: ties round up in magnitude, 3 → 4
        #expect(e8m0.encode(0) == 0xFF && e8m0.encode(-1) == 0xFF)
        #expect(HardwareExport.hexFloat(12) == "0x1.8p+3")
        #expect(HardwareExport.hexFloat(-0x1p-1074) == "-0x1p-1074")
        #expect(HardwareExport.hexFloat(0x1.fffffffffffffp1023, suffix: "f") == "0x1.fffffffffffffp+1023f")
        #expect(HardwareExport.hexFloat(-0.0) == "-0x0p+0")
        #expect(HardwareExport.exactDecimal(0x1p-9) == "0.001953125")
        #expect(HardwareExport.exactDecimal(0x1p127) == "170141183460469231731687303715884105728")
        #expect(Double(HardwareExport.exactDecimal(0x1p-1074)) == 0x1p-1074)
        #expect(try HardwareExport(FloatFormat(parsing: "fp3-e1m1"), name: "FP3 (e1m1)!").identifier == "fp3_e1m1")
    }

    /// 16-bit formats through the library's tables only (reading their multi-megabyte text back is
    /// slow in a debug build; the text is written by the same code as for the 8-bit formats above).
    @Test(arguments: ["fp16", "bf16"])
    func sixteenBitTablesMatchTheEngine(_ name: String) throws {
        let format = try FloatFormat(parsing: name)
        let export = try HardwareExport(format)
        #expect(export.decodeTable.count == 1 << 16)
        #expect(export.decodeTable.allSatisfy { Self.same($0.value, format.decode($0.code)) && $0.codeClass == format.classify($0.code) })
        let thresholds = (export.positive.thresholds + export.negative.thresholds).map(\.value)
        var mismatches = 0
        for x in Self.probes(format, thresholds: thresholds) where export.encode(x) != Self.engine(format, x) {
            mismatches += 1
            if mismatches < 5 { Issue.record("\(name): x = \(x) tables \(export.encode(x)), engine \(Self.engine(format, x))") }
        }
        #expect(mismatches == 0)
        #expect(export.valuesFitBinary32 && export.thresholdsFitBinary32)
    }

    @Test func unexportableFormatsThrow() throws {
        #expect(throws: FormatError.self) { try HardwareExport(.fp32) }
        // Least quantum 2^-1074: the midpoint 2^-1075 between 0 and it is not a Double.
        #expect(throws: FormatError.self) { try HardwareExport(FloatFormat(parsing: "e5m2:bias=1073")) }
    }

    // MARK: gcc and Icarus Verilog

    /// `tool` on PATH, if any.
    static func onPath(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let gccPath = onPath("gcc")
    static let iverilogPath = onPath("iverilog")
    static let vvpPath = onPath("vvp")

    /// Simulates the SystemVerilog modules with Icarus Verilog (`iverilog -g2012`): every threshold's
    /// IEEE pattern and its neighbouring patterns, every value and the specials go through the
    /// encode module, every code through the decode module, compared with the engine.
    @Test(.enabled(if: ExportTests.iverilogPath != nil && ExportTests.vvpPath != nil, "Icarus Verilog (iverilog, vvp) is not on PATH: the SystemVerilog simulation is skipped"),
          arguments: ["e4m3fn", "e2m1fn", "e8m0fnu", "ue4m3", "e4m3fnuz", "binary8p3se", "mxint8", "e4m3:bias=-130,specials=fn"])
    func systemVerilogSimulatesLikeTheEngine(_ name: String) throws {
        let iverilog = try #require(Self.iverilogPath), vvp = try #require(Self.vvpPath)
        let format = try FloatFormat(parsing: name)
        let export = try HardwareExport(format)
        let id = export.identifier
        let w = export.systemVerilogUsesBinary32 ? 32 : 64
        let k = format.bitWidth
        // Inputs as bit patterns of the module's width, with the Double they stand for.
        var inputs: [(bits: UInt64, value: Double)] = []
        func add(_ v: Double) {
            if w == 32 {
                let f = Float(v)
                for g in [f, f.nextUp, f.nextDown, -f, -f.nextUp, -f.nextDown] { inputs.append((UInt64(g.bitPattern), Double(g))) }
            } else {
                for g in [v, v.nextUp, v.nextDown, -v, -v.nextUp, -v.nextDown] { inputs.append((g.bitPattern, g)) }
            }
        }
        for t in export.positive.thresholds + export.negative.thresholds { add(t.value) }
        for e in export.decodeTable where e.value.isFinite { add(e.value) }
        for v in [0, Double.infinity, Double.nan] { add(v) }
        let digits = w / 4
        func hex(_ x: UInt64, _ n: Int) -> String {
            let h = String(x, radix: 16)
            return String(repeating: "0", count: max(0, n - h.count)) + h
        }
        var bench = """
            module tb;
                logic [\(w - 1):0] value;
                logic [\(k - 1):0] code;
                logic [\(k - 1):0] c;
                logic [\(w - 1):0] decoded;
                exmy_\(id)_encode enc (.value(value), .code(code));
                exmy_\(id)_decode dec (.code(c), .value(decoded));
                initial begin

            """
        for input in inputs { bench += "        value = \(w)'h\(hex(input.bits, digits)); #1 $display(\"%h\", code);\n" }
        for code in 0..<(1 << k) { bench += "        c = \(k)'d\(code); #1 $display(\"%h\", decoded);\n" }
        bench += "        $finish;\n    end\nendmodule\n"

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exmy-sv-\(id)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sv = dir.appendingPathComponent("exmy_\(id).sv"), tb = dir.appendingPathComponent("tb.sv")
        try export.systemVerilog().write(to: sv, atomically: true, encoding: .utf8)
        try bench.write(to: tb, atomically: true, encoding: .utf8)
        let sim = dir.appendingPathComponent("sim.vvp").path
        let compiled = try Self.run(iverilog, ["-g2012", "-Wall", "-o", sim, sv.path, tb.path])
        try #require(compiled.status == 0, "iverilog failed:\n\(compiled.output)")
        #expect(!compiled.output.contains("warning"), "\(compiled.output)")
        let ran = try Self.run(vvp, ["-n", sim])
        try #require(ran.status == 0)
        let lines = ran.output.split(separator: "\n").map(String.init).filter { $0.allSatisfy(\.isHexDigit) }
        try #require(lines.count == inputs.count + (1 << k), "\(ran.output.prefix(2000))")
        var mismatches = 0
        for (input, line) in zip(inputs, lines) where UInt64(line, radix: 16) != Self.engine(format, input.value) {
            mismatches += 1
            if mismatches < 5 { Issue.record("\(name): SV encodes \(input.value) as \(line), engine \(Self.engine(format, input.value))") }
        }
        #expect(mismatches == 0)
        for (code, line) in lines.dropFirst(inputs.count).enumerated() {
            let bits = try #require(UInt64(line, radix: 16))
            let v = w == 32 ? Double(Float(bitPattern: UInt32(bits))) : Double(bitPattern: bits)
            #expect(Self.same(v, format.decode(UInt64(code))), "\(name) code \(code): SV decodes \(line)")
        }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let r = try Subprocess.run(executable, arguments)
        return (r.status, r.output + r.error)
    }

    /// Compiles the header with gcc (`-std=c99 -Wall -Wextra -pedantic -Werror`), encodes every probe
    /// through the header's function and prints the decode table, and compares both with the engine.
    @Test(.enabled(if: ExportTests.gccPath != nil, "gcc is not on PATH: the C compile-and-run check is skipped"),
          arguments: ["e4m3fn", "e5m2", "e8m0fnu", "ue4m3", "e4m3fnuz", "mxint8", "binary8p1ue", "e4m3:bias=-130,specials=fn"])
    func cHeaderCompilesAndEncodesLikeTheEngine(_ name: String) throws {
        let gcc = try #require(Self.gccPath)
        let format = try FloatFormat(parsing: name)
        let export = try HardwareExport(format)
        let id = export.identifier
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exmy-export-\(id)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try export.cHeader().write(to: dir.appendingPathComponent("exmy_\(id).h"), atomically: true, encoding: .utf8)

        let inputs = Self.probes(format, thresholds: export.positive.thresholds.map(\.value) + export.negative.thresholds.map(\.value))
        var program = "#include <stdio.h>\n#include \"exmy_\(id).h\"\n\nstatic const double inputs[] = {\n"
        for x in inputs { program += "    \(HardwareExport.hexFloat(x)),\n" }
        program += """
            };

            int main(void)
            {
                unsigned i;
                for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) printf("%u\\n", (unsigned)exmy_\(id)_encode(inputs[i]));
                for (i = 0; i < EXMY_\(id.uppercased())_CODE_COUNT; i++) printf("%a\\n", (double)exmy_\(id)_decode[i]);
                return 0;
            }

            """
        try program.write(to: dir.appendingPathComponent("main.c"), atomically: true, encoding: .utf8)
        let binary = dir.appendingPathComponent("encode").path
        let compiled = try Self.run(gcc, ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-O1", "-o", binary, dir.appendingPathComponent("main.c").path])
        try #require(compiled.status == 0, "gcc failed:\n\(compiled.output)")
        let ran = try Self.run(binary, [])
        try #require(ran.status == 0)
        let lines = ran.output.split(separator: "\n").map(String.init)
        try #require(lines.count == inputs.count + (1 << format.bitWidth))
        var mismatches = 0
        for (x, line) in zip(inputs, lines) where UInt64(line) != Self.engine(format, x) {
            mismatches += 1
            if mismatches < 5 { Issue.record("\(name): C encodes \(x) as \(line), engine \(Self.engine(format, x))") }
        }
        #expect(mismatches == 0)
        for (i, line) in lines.dropFirst(inputs.count).enumerated() {
            let v = try #require(Self.number(line), "\(line)")
            #expect(Self.same(v, format.decode(UInt64(i))), "\(name) code \(i): C decodes \(line)")
        }
    }
}
