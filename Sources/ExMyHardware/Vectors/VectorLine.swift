import ExMy

/// One test vector: operand codes, the random bits of a stochastic rule, the result and the flags.
///
/// The text form is TestFloat's: fields in upper-case hex separated by one space, each as wide as
/// its format (`ceil(bits / 4)` digits), a comparison's result as one digit, the flags as two hex
/// digits (1 inexact, 2 underflow, 4 overflow, 8 infinite, 16 invalid). A stochastic rule's random
/// bits come after the operands, `ceil(N / 4)` digits:
///
///     3F800000 33800000 3F800000 01        f32_add: 1 + 2^-24, a tie, rounds to 1 (inexact)
///     47E8 1 4F 01                         f16_to_e4m3fn, stochastic-a with 4 bits: 7.90625 lies
///                                          13/16 of the way from 7.5 to 8; R = 1 < 3 rounds down
public struct Vector: Hashable, Sendable {
    /// The operand codes in the function's operand format, as many as its
    /// ``VectorFunction/Operation/arity``.
    public var operands: [UInt64]
    /// The stochastic rule's random bits (0 for a deterministic rule).
    public var random: UInt64
    /// The result code and flags the line states (the model's, for a generated vector; the
    /// device's, for a line being checked).
    public var expected: VectorResult

    /// Creates a vector from its fields, as given (nothing is checked against a model).
    public init(operands: [UInt64], random: UInt64 = 0, expected: VectorResult) {
        self.operands = operands
        self.random = random
        self.expected = expected
    }
}

/// Text and `$readmemh` layouts of a model's vectors.
public struct VectorLayout: Sendable {
    /// The model whose function fixes the fields and their widths.
    public let model: VectorModel

    /// Creates the layout of `model`'s vectors (nothing can fail).
    public init(_ model: VectorModel) { self.model = model }

    var operandDigits: Int { (model.function.operandFormat.bitWidth + 3) / 4 }
    var randomDigits: Int { (model.randomBitCount + 3) / 4 }
    var resultBits: Int { model.function.operation.isComparison ? 1 : model.function.resultFormat.bitWidth }
    var resultDigits: Int { (resultBits + 3) / 4 }
    var fieldCount: Int { model.function.operation.arity + (model.randomBitCount > 0 ? 1 : 0) + 2 }

    static func hex(_ value: UInt64, _ digits: Int) -> String {
        let h = String(value, radix: 16, uppercase: true)
        return h.count >= digits ? h : String(repeating: "0", count: digits - h.count) + h
    }

    /// The TestFloat line of a vector.
    public func line(_ v: Vector) -> String {
        var fields = v.operands.map { Self.hex($0, operandDigits) }
        if model.randomBitCount > 0 { fields.append(Self.hex(v.random, randomDigits)) }
        fields.append(Self.hex(v.expected.result, resultDigits))
        fields.append(Self.hex(UInt64(v.expected.flags.rawValue), 2))
        return fields.joined(separator: " ")
    }

    /// The hex fields of a line, separated by spaces, tabs, `\r` or `\n`, in one pass over the
    /// bytes (TestFloat files run to millions of lines); any case, at most 16 digits each.
    ///
    /// - Throws: ``VectorError`` naming the first field that is not such a number.
    static func hexFields<S: StringProtocol>(_ text: S, capacity: Int) throws -> [UInt64] {
        var values: [UInt64] = []
        values.reserveCapacity(capacity)
        var current: UInt64 = 0, digits = 0, bad = false
        func finish() throws {
            guard digits > 0 else { return }
            if bad || digits > 16 {
                throw VectorError("field \(values.count + 1) is not a hex number of at most 16 digits")
            }
            values.append(current)
            current = 0; digits = 0
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                try finish()
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"): current = current &<< 4 | UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): current = current &<< 4 | UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): current = current &<< 4 | UInt64(byte - UInt8(ascii: "A") + 10)
            default: bad = true
            }
            digits += 1
        }
        try finish()
        return values
    }

    /// Reads a line: hex fields as ``line(_:)`` writes them (any case, any width that fits),
    /// separated by spaces or tabs; surrounding white space (a `\r` included) is ignored.
    ///
    /// - Throws: ``VectorError`` saying what is wrong with the line.
    public func parse<S: StringProtocol>(_ text: S) throws -> Vector {
        let values = try Self.hexFields(text, capacity: fieldCount)
        guard values.count == fieldCount else {
            throw VectorError("expected \(fieldCount) hex fields (\(fieldNames.joined(separator: " "))), found \(values.count)")
        }
        let arity = model.function.operation.arity
        let opMask = model.function.operandFormat.codeMask
        for i in 0..<arity where values[i] & ~opMask != 0 {
            throw VectorError("operand \(i + 1) '\(Self.hex(values[i], 1))' has bits above the format's \(model.function.operandFormat.bitWidth)")
        }
        let flags = values[fieldCount - 1]
        guard flags < 32 else { throw VectorError("flags '\(Self.hex(flags, 2))' are not TestFloat flags (00 … 1F)") }
        return Vector(
            operands: Array(values[0..<arity]),
            random: model.randomBitCount > 0 ? values[arity] : 0,
            expected: VectorResult(result: values[fieldCount - 2], flags: TestFloatFlags(rawValue: UInt8(flags))))
    }

    /// The names of a line's fields, for messages and headers.
    public var fieldNames: [String] {
        var names = (0..<model.function.operation.arity).map { ["a", "b", "c"][$0] }
        if model.randomBitCount > 0 { names.append("random") }
        return names + ["result", "flags"]
    }

    // MARK: $readmemh

    /// The width of one `$readmemh` word: every operand, the random bits, the result and the five
    /// flag bits, packed most significant first.
    public var hexWordBits: Int {
        model.function.operation.arity * model.function.operandFormat.bitWidth + model.randomBitCount + resultBits + 5
    }

    /// The `$readmemh` word of a vector, `ceil(hexWordBits / 4)` hex digits:
    /// `{a, b, c, random, result, flags[4:0]}` (fields a function does not have are absent).
    public func hexWord(_ v: Vector) -> String {
        var bits: [(UInt64, Int)] = v.operands.map { ($0, model.function.operandFormat.bitWidth) }
        if model.randomBitCount > 0 { bits.append((v.random, model.randomBitCount)) }
        bits.append((v.expected.result, resultBits))
        bits.append((UInt64(v.expected.flags.rawValue), 5))
        return Self.packedHex(bits, totalBits: hexWordBits)
    }

    /// `fields` (value, width) packed most significant first into one word of `totalBits`, written
    /// as `ceil(totalBits / 4)` upper-case hex digits.
    static func packedHex(_ bits: [(UInt64, Int)], totalBits: Int) -> String {
        // Pack into 4-bit nibbles from the least significant end.
        var words: [UInt64] = []  // little-endian 64-bit limbs
        var used = 0
        for (value, width) in bits.reversed() {
            var remaining = width, val = value & (width == 64 ? .max : (1 << UInt64(width)) - 1)
            while remaining > 0 {
                let limb = used / 64, offset = used % 64
                if limb == words.count { words.append(0) }
                let take = min(remaining, 64 - offset)
                let chunk = take == 64 ? val : val & ((1 << UInt64(take)) - 1)
                words[limb] |= chunk << UInt64(offset)
                val = take == 64 ? 0 : val >> UInt64(take)
                remaining -= take
                used += take
            }
        }
        let digits = (totalBits + 3) / 4
        var text = ""
        for i in (0..<digits).reversed() {
            let bit = i * 4, limb = bit / 64, offset = bit % 64
            let nibble = limb < words.count ? (words[limb] >> UInt64(offset)) & 0xF : 0
            text.append(Character(String(nibble, radix: 16, uppercase: true)))
        }
        return text
    }

    /// A `//` comment naming the packed fields, most significant first (Verilog part-selects).
    public var hexHeader: String {
        var fields: [String] = []
        var top = hexWordBits - 1
        func field(_ name: String, _ width: Int) {
            fields.append("\(name)[\(top):\(top - width + 1)]")
            top -= width
        }
        for i in 0..<model.function.operation.arity { field(["a", "b", "c"][i], model.function.operandFormat.bitWidth) }
        if model.randomBitCount > 0 { field("random", model.randomBitCount) }
        field("result", resultBits)
        field("flags", 5)
        return "// exmy vectors \(model.function.name) rounding \(model.settings.roundingName) overflow \(model.settings.overflow.rawValue): \(hexWordBits)-bit words {\(fields.joined(separator: ", "))}; flags: 16 invalid, 8 infinite, 4 overflow, 2 underflow, 1 inexact"
    }
}
