/// A Python literal, as far as `.npy` headers use them.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dictionary([(key: PythonLiteral, value: PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.boolean(x), .boolean(y)): return x == y
        case (.none, .none): return true
        case let (.tuple(x), .tuple(y)), let (.list(x), .list(y)): return x == y
        case let (.dictionary(x), .dictionary(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

/// Parses the header of a `.npy` file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` followed by padding.
///
/// Only literals are accepted (strings, integers, `True`/`False`/`None`, tuples, lists, dicts);
/// nothing is evaluated. Nesting is limited so hostile input cannot exhaust the stack, and
/// integers that overflow `Int` are reported rather than trapping.
struct NpyHeaderParser {
    private let bytes: [UInt8]
    private let latin1: Bool
    private let path: String
    private var position = 0
    private static let maximumDepth = 32

    init(bytes: [UInt8], latin1: Bool, path: String) {
        self.bytes = bytes
        self.latin1 = latin1
        self.path = path
    }

    /// The whole header as one literal; only whitespace may follow it.
    mutating func parseHeader() throws(TensorIOError) -> PythonLiteral {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        // NumPy pads with spaces and ends with '\n'; older writers padded with NUL bytes.
        while position < bytes.count, bytes[position] == 0 { position += 1 }
        guard position == bytes.count else {
            throw malformed("unexpected text after the header dict at byte \(position)")
        }
        return value
    }

    private func malformed(_ what: String) -> TensorIOError {
        TensorIOError(path: path, kind: .malformedHeader(what))
    }

    private func decode(_ raw: [UInt8]) -> String {
        if latin1 {
            var scalars = String.UnicodeScalarView()
            for byte in raw { scalars.append(Unicode.Scalar(byte)) }
            return String(scalars)
        }
        return String(decoding: raw, as: UTF8.self)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                position += 1
            default:
                return
            }
        }
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    mutating func parseValue(depth: Int) throws(TensorIOError) -> PythonLiteral {
        guard depth < Self.maximumDepth else { throw malformed("literals nested too deeply") }
        skipWhitespace()
        guard let byte = peek() else { throw malformed("the header ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "{"):
            return try parseDictionary(depth: depth)
        case UInt8(ascii: "("):
            return .tuple(try parseSequence(close: UInt8(ascii: ")"), depth: depth))
        case UInt8(ascii: "["):
            return .list(try parseSequence(close: UInt8(ascii: "]"), depth: depth))
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        default:
            if consumeWord("True") { return .boolean(true) }
            if consumeWord("False") { return .boolean(false) }
            if consumeWord("None") { return .none }
            throw malformed("unexpected character '\(decode([byte]))' at byte \(position)")
        }
    }

    private mutating func consumeWord(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else {
            return false
        }
        let end = position + utf8.count
        if end < bytes.count, isIdentifierByte(bytes[end]) { return false }
        position = end
        return true
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    private mutating func parseString() throws(TensorIOError) -> String {
        let quote = bytes[position]
        let start = position
        position += 1
        var raw: [UInt8] = []
        while true {
            guard let byte = peek() else { throw malformed("unterminated string starting at byte \(start)") }
            position += 1
            if byte == quote { break }
            if byte == UInt8(ascii: "\n") { throw malformed("newline inside the string starting at byte \(start)") }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = peek() else { throw malformed("unterminated string starting at byte \(start)") }
                position += 1
                switch escaped {
                case UInt8(ascii: "n"): raw.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): raw.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): raw.append(escaped)
                default: raw.append(UInt8(ascii: "\\")); raw.append(escaped)
                }
                continue
            }
            raw.append(byte)
        }
        return decode(raw)
    }

    private mutating func parseInteger() throws(TensorIOError) -> Int {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
            negative = bytes[position] == UInt8(ascii: "-")
            position += 1
        }
        var value = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let digit = Int(byte - UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !o1, !o2 else {
                throw TensorIOError(path: path, kind: .sizeOverflow("the header integer starting at byte \(start)"))
            }
            value = next
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw malformed("expected digits at byte \(position)") }
        // Python 2 era files wrote long integers with an 'L' suffix.
        if let byte = peek(), byte == UInt8(ascii: "L") || byte == UInt8(ascii: "l") { position += 1 }
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            || byte == UInt8(ascii: "x") || byte == UInt8(ascii: "j") || byte == UInt8(ascii: "_")
        {
            throw malformed("only decimal integers are allowed, at byte \(start)")
        }
        return value
    }

    private mutating func parseSequence(close: UInt8, depth: Int) throws(TensorIOError) -> [PythonLiteral] {
        let start = position
        position += 1
        var items: [PythonLiteral] = []
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw malformed("unterminated tuple or list starting at byte \(start)") }
            if byte == close {
                position += 1
                return items
            }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard let next = peek() else { throw malformed("unterminated tuple or list starting at byte \(start)") }
            if next == UInt8(ascii: ",") {
                position += 1
            } else if next != close {
                throw malformed("expected ',' or '\(decode([close]))' at byte \(position)")
            }
        }
    }

    private mutating func parseDictionary(depth: Int) throws(TensorIOError) -> PythonLiteral {
        let start = position
        position += 1
        var entries: [(key: PythonLiteral, value: PythonLiteral)] = []
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw malformed("unterminated dict starting at byte \(start)") }
            if byte == UInt8(ascii: "}") {
                position += 1
                return .dictionary(entries)
            }
            let key = try parseValue(depth: depth + 1)
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw malformed("expected ':' at byte \(position)") }
            position += 1
            let value = try parseValue(depth: depth + 1)
            entries.append((key, value))
            skipWhitespace()
            guard let next = peek() else { throw malformed("unterminated dict starting at byte \(start)") }
            if next == UInt8(ascii: ",") {
                position += 1
            } else if next != UInt8(ascii: "}") {
                throw malformed("expected ',' or '}' at byte \(position)")
            }
        }
    }
}

extension PythonLiteral {
    /// Python source for the literal (used to name unsupported descrs in error messages).
    var rendered: String {
        switch self {
        case let .string(text): return "'\(text)'"
        case let .integer(value): return String(value)
        case let .boolean(value): return value ? "True" : "False"
        case .none: return "None"
        case let .tuple(items):
            return "(" + items.map(\.rendered).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case let .list(items): return "[" + items.map(\.rendered).joined(separator: ", ") + "]"
        case let .dictionary(entries):
            return "{" + entries.map { "\($0.key.rendered): \($0.value.rendered)" }.joined(separator: ", ") + "}"
        }
    }
}
