import ExMy

/// Text and `$readmemh` layouts of block vectors.
///
/// A line is TestFloat-style: upper-case hex fields separated by one space, each as wide as its
/// format, inputs first, then outputs, then the flags as two hex digits (1 inexact, 2 underflow,
/// 4 overflow, 8 infinite, 16 invalid):
///
/// - scaled conversion, B elements: `x_1 … x_B [t] scale e_1 … e_B flags` — the B source codes,
///   NVFP4's FP32 per-tensor scale `t` (two-level only; an input, since it depends on the whole
///   tensor), the scale code (E8M0, UE4M3 or FP32), the B element codes;
/// - dot product over K: `a_1 … a_K b_1 … b_K sa_1 … sa_n sb_1 … sb_n c d flags` — the codes of A
///   and B, the n = K / B scale codes of A and of B (none for an unscaled dot product), the
///   accumulator input C and the result D (FP32 codes).
///
/// The `$readmemh` word packs the same fields most significant first, the flags as 5 bits:
/// `{x_1, …, x_B, t, scale, e_1, …, e_B, flags[4:0]}` and
/// `{a_1, …, a_K, b_1, …, b_K, sa…, sb…, c, d, flags[4:0]}` (one word of a few hundred bits; the
/// header comment gives every field's part-select).
public struct BlockLayout: Sendable {
    /// The model whose function fixes the fields and their widths.
    public let model: BlockVectorModel
    let inputWidths: [Int]
    let outputWidths: [Int]

    /// Creates the layout of `model`'s vectors (the field widths are read from the model; nothing
    /// can fail).
    public init(_ model: BlockVectorModel) {
        self.model = model
        inputWidths = model.inputWidths
        outputWidths = model.outputWidths
    }

    var fieldCount: Int { inputWidths.count + outputWidths.count + 1 }

    /// The line of a vector.
    public func line(_ v: BlockVector) -> String {
        var text = ""
        for (value, width) in zip(v.inputs, inputWidths) {
            text += VectorLayout.hex(value, (width + 3) / 4)
            text += " "
        }
        for (value, width) in zip(v.outputs, outputWidths) {
            text += VectorLayout.hex(value, (width + 3) / 4)
            text += " "
        }
        text += VectorLayout.hex(UInt64(v.flags.rawValue), 2)
        return text
    }

    /// Reads a line: hex fields separated by spaces or tabs, as ``line(_:)`` writes them (any case,
    /// any width that fits the field's format).
    ///
    /// - Throws: ``VectorError`` saying what is wrong with the line.
    public func parse<S: StringProtocol>(_ text: S) throws -> BlockVector {
        let values = try VectorLayout.hexFields(text, capacity: fieldCount)
        guard values.count == fieldCount else {
            throw VectorError("expected \(fieldCount) hex fields (\(inputWidths.count) inputs, \(outputWidths.count) outputs, flags), found \(values.count)")
        }
        let names = model.columnNames + ["flags"]
        for (i, width) in (inputWidths + outputWidths).enumerated() where width < 64 && values[i] >> UInt64(width) != 0 {
            throw VectorError("field \(i + 1) (\(names[i])) '\(VectorLayout.hex(values[i], 1))' has bits above its format's \(width)")
        }
        let flags = values[fieldCount - 1]
        guard flags < 32 else { throw VectorError("flags '\(VectorLayout.hex(flags, 2))' are not TestFloat flags (00 … 1F)") }
        return BlockVector(inputs: Array(values[0..<inputWidths.count]),
                           outputs: Array(values[inputWidths.count..<(fieldCount - 1)]),
                           flags: TestFloatFlags(rawValue: UInt8(flags)))
    }

    // MARK: $readmemh

    /// The width of one `$readmemh` word: every input and output field and the five flag bits.
    public var hexWordBits: Int { inputWidths.reduce(0, +) + outputWidths.reduce(0, +) + 5 }

    /// The `$readmemh` word of a vector.
    public func hexWord(_ v: BlockVector) -> String {
        var bits = Array(zip(v.inputs, inputWidths)) + Array(zip(v.outputs, outputWidths))
        bits.append((UInt64(v.flags.rawValue), 5))
        return VectorLayout.packedHex(bits, totalBits: hexWordBits)
    }

    /// A `//` comment naming the packed fields, most significant first (Verilog part-selects).
    public var hexHeader: String {
        var fields: [String] = []
        var top = hexWordBits - 1
        for (name, width) in zip(model.columnNames + ["flags"], inputWidths + outputWidths + [5]) {
            fields.append("\(name)[\(top):\(top - width + 1)]")
            top -= width
        }
        return "// exmy vectors \(model.function.name) \(model.summary): \(hexWordBits)-bit words {\(fields.joined(separator: ", "))}; flags: 16 invalid, 8 infinite, 4 overflow, 2 underflow, 1 inexact"
    }
}

extension BlockVectorModel {
    /// The model in words, for headers and summaries (`scale e8m0(floor), elements e4m3fn nearest-even sat-finite`).
    public var summary: String {
        var parts: [String] = []
        if let scheme { parts.append("scale \(scheme.scale), elements \(element.canonicalSpelling)") } else { parts.append("elements \(element.canonicalSpelling), no scales") }
        switch function.kind {
        case .scaledConvert:
            if let scheme { parts.append("rounding \(scheme.rounding.spelling), overflow \(scheme.overflow.rawValue)") }
        case .dot:
            if let unit { parts.append("model \(unit.name)\(flagsModelled ? "" : " (flags not modelled)")") }
        }
        return parts.joined(separator: ", ")
    }
}

/// Checks block vector lines against a ``BlockVectorModel``.
///
/// Every output field must equal the model's, except that a NaN matches any NaN code of its format
/// unless ``checkNaNs``, and the element codes of a block whose expected scale is NaN are not
/// compared (OCP MX: a NaN scale makes every element NaN). The flags must match, unless the model
/// does not model them (a device's accumulator model).
public struct BlockVectorChecker: Sendable {
    /// The model that computes the expected outputs and flags.
    public let model: BlockVectorModel
    /// The layout lines are parsed with (``model``'s).
    public let layout: BlockLayout
    /// Whether a NaN output must have exactly the expected NaN code (`false`: any NaN code of its
    /// format matches).
    public var checkNaNs: Bool

    /// Creates a checker for `model`'s lines; `checkNaNs` as the property of that name.
    public init(_ model: BlockVectorModel, checkNaNs: Bool = false) {
        self.model = model
        self.layout = BlockLayout(model)
        self.checkNaNs = checkNaNs
    }

    /// The formats of the output fields.
    var outputFormats: [FloatFormat] {
        switch model.function.kind {
        case .scaledConvert: return [model.scaleFormat ?? .fp32] + Array(repeating: model.element, count: model.blockSize)
        case .dot: return [model.accumulator]
        }
    }

    /// Checks one line: `nil` when it matches, else the error line (`inputs => outputs flags
    /// expected outputs flags`, the differing output fields marked with `*`).
    ///
    /// - Throws: ``VectorError`` for a line that is not a vector of this function.
    public func check(line text: Substring) throws -> String? {
        let v = try layout.parse(text)
        let want = try model.evaluate(v.inputs)
        let formats = outputFormats
        let nanScale = model.isNaNScale(want.outputs)
        var differs: [Bool] = []
        for i in 0..<want.outputs.count {
            let got = v.outputs[i], expected = want.outputs[i], f = formats[i]
            var same = got == expected
            if !same && !checkNaNs && f.classify(got) == .nan && f.classify(expected) == .nan { same = true }
            if nanScale && i > 0 { same = true }
            differs.append(!same)
        }
        let flagsDiffer = model.flagsModelled && v.flags != want.flags
        guard differs.contains(true) || flagsDiffer else { return nil }
        let widths = layout.outputWidths
        func fields(_ outputs: [UInt64], mark: Bool) -> String {
            outputs.indices.map { (mark && differs[$0] ? "*" : "") + VectorLayout.hex(outputs[$0], (widths[$0] + 3) / 4) }.joined(separator: " ")
        }
        let inputs = zip(v.inputs, layout.inputWidths).map { VectorLayout.hex($0, ($1 + 3) / 4) }.joined(separator: " ")
        return "\(inputs) => \(fields(v.outputs, mark: true)) \(v.flags) expected \(fields(want.outputs, mark: false)) \(want.flags)"
    }

    /// Checks lines (blank lines and lines starting with `#` or `/` skipped); reports each error
    /// line (at most `maxErrors`) to `report`, and returns the counts.
    ///
    /// - Throws: ``VectorError`` naming the line number of a malformed line; whatever `report` throws.
    public func check<S: Sequence>(lines: S, maxErrors: Int = 20, report: (String) throws -> Void) throws -> VectorChecker.Summary where S.Element: StringProtocol {
        var summary = VectorChecker.Summary()
        var number = 0
        for line in lines {
            number += 1
            guard let first = line.utf8.first(where: { $0 != 32 && $0 != 9 && $0 != 13 }), first != UInt8(ascii: "#"), first != UInt8(ascii: "/") else { continue }
            let error: String?
            do { error = try check(line: Substring(line)) } catch let e as VectorError { throw VectorError("line \(number): \(e.message)") }
            summary.tests += 1
            if let error {
                summary.errors += 1
                if summary.errors <= maxErrors { try report(error) }
            }
        }
        return summary
    }

    /// TestFloat's closing line for a run.
    public func summaryLine(_ s: VectorChecker.Summary) -> String {
        let what = "\(model.function.name) (\(model.summary))"
        if s.errors == 0 { return "In \(s.tests) tests, no errors found in \(what)." }
        return "\(s.tests) tests performed; \(s.errors) error\(s.errors == 1 ? "" : "s") found in \(what)."
    }
}
