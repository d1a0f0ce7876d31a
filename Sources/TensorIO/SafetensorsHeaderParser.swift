/// One tensor entry of a safetensors header, as written, before validation against the file.
struct RawSafetensorsEntry {
    var name: String
    var dtypeName: String
    var shape: [Int]
    var begin: UInt64
    var end: UInt64
}

/// A parser specialised for the safetensors JSON header.
///
/// It reads the top-level object directly into tensor entries instead of building a generic
/// JSON tree, so a header of many megabytes costs one pass and little more memory than the
/// entries themselves. It is a complete JSON parser as far as acceptance goes (strings with all
/// escapes and UTF-8 validation, numbers, literals, nesting), with a nesting limit so hostile
/// input cannot exhaust the stack. Integers too large for their field are reported as
/// ``TensorIOError/Kind/sizeOverflow(_:)``.
struct SafetensorsHeaderParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let path: String
    private var position = 0
    private static let maximumDepth = 64

    init(bytes: UnsafeBufferPointer<UInt8>, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Parses the header: tensor entries in header order, and the string entries of `__metadata__`.
    /// Duplicate tensor names are left for the caller to detect (it hashes the names anyway).
    mutating func parse() throws -> (entries: [RawSafetensorsEntry], metadata: [String: String]) {
        guard bytes.first == UInt8(ascii: "{") else {
            throw TensorIOError(path: path, kind: .badMagic)
        }
        position = 1
        var entries: [RawSafetensorsEntry] = []
        var metadata: [String: String] = [:]
        var sawMetadata = false
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw malformed("expected a tensor name string") }
                let name = try parseString()
                try expect(UInt8(ascii: ":"))
                if name == "__metadata__" {
                    guard !sawMetadata else { throw malformed("duplicate '__metadata__'") }
                    sawMetadata = true
                    metadata = try parseMetadata()
                } else {
                    entries.append(try parseEntry(name: name))
                }
                skipWhitespace()
                guard let next = peek() else { throw malformed("the header ends inside the top-level object") }
                position += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { throw malformed("expected ',' or '}' after the entry for '\(name)'") }
            }
        }
        // The header may be padded with spaces (the reference writer pads to 8 bytes).
        skipWhitespace()
        guard position == bytes.count else {
            throw malformed("unexpected bytes after the JSON object at header byte \(position)")
        }
        return (entries, metadata)
    }

    // MARK: - Entries

    private mutating func parseEntry(name: String) throws -> RawSafetensorsEntry {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else { throw malformed("the entry for tensor '\(name)' is not an object") }
        position += 1
        var dtype: String?
        var shape: [Int]?
        var offsets: [UInt64]?
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw malformed("expected a key in the entry for tensor '\(name)'") }
                let key = try parseString()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                switch key {
                case "dtype":
                    guard dtype == nil else { throw malformed("duplicate 'dtype' for tensor '\(name)'") }
                    guard peek() == UInt8(ascii: "\"") else { throw malformed("'dtype' of tensor '\(name)' is not a string") }
                    dtype = try parseString()
                case "shape":
                    guard shape == nil else { throw malformed("duplicate 'shape' for tensor '\(name)'") }
                    let dims = try parseIntegerArray(field: "shape", tensor: name)
                    var converted: [Int] = []
                    converted.reserveCapacity(dims.count)
                    for dimension in dims {
                        guard dimension <= UInt64(Int.max) else {
                            throw TensorIOError(path: path, kind: .sizeOverflow("dimension \(dimension) of tensor '\(name)'"))
                        }
                        converted.append(Int(dimension))
                    }
                    shape = converted
                case "data_offsets":
                    guard offsets == nil else { throw malformed("duplicate 'data_offsets' for tensor '\(name)'") }
                    let pair = try parseIntegerArray(field: "data_offsets", tensor: name)
                    guard pair.count == 2 else {
                        throw malformed("'data_offsets' of tensor '\(name)' has \(pair.count) numbers, not 2")
                    }
                    offsets = pair
                default:
                    try skipValue(depth: 1)
                }
                skipWhitespace()
                guard let next = peek() else { throw malformed("the header ends inside the entry for tensor '\(name)'") }
                position += 1
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { throw malformed("expected ',' or '}' in the entry for tensor '\(name)'") }
            }
        }
        guard let dtype else { throw malformed("tensor '\(name)' has no 'dtype'") }
        guard let shape else { throw malformed("tensor '\(name)' has no 'shape'") }
        guard let offsets else { throw malformed("tensor '\(name)' has no 'data_offsets'") }
        return RawSafetensorsEntry(name: name, dtypeName: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// `[n, n, …]` of non-negative integers.
    private mutating func parseIntegerArray(field: String, tensor: String) throws -> [UInt64] {
        guard peek() == UInt8(ascii: "[") else { throw malformed("'\(field)' of tensor '\(tensor)' is not an array") }
        position += 1
        var values: [UInt64] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return values
        }
        while true {
            skipWhitespace()
            values.append(try parseUnsignedInteger(field: field, tensor: tensor))
            skipWhitespace()
            guard let next = peek() else { throw malformed("the header ends inside '\(field)' of tensor '\(tensor)'") }
            position += 1
            if next == UInt8(ascii: "]") { return values }
            guard next == UInt8(ascii: ",") else { throw malformed("expected ',' or ']' in '\(field)' of tensor '\(tensor)'") }
        }
    }

    private mutating func parseUnsignedInteger(field: String, tensor: String) throws -> UInt64 {
        let start = position
        var value: UInt64 = 0
        var overflow = false
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            value = next
            position += 1
        }
        let digits = position - start
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            throw TensorIOError(path: path, kind: .invalidShape("'\(field)' of tensor '\(tensor)' has a non-integer number"))
        }
        guard digits > 0 else {
            if peek() == UInt8(ascii: "-") {
                throw TensorIOError(path: path, kind: .invalidShape("'\(field)' of tensor '\(tensor)' has a negative number"))
            }
            throw malformed("'\(field)' of tensor '\(tensor)' holds something other than integers")
        }
        guard digits == 1 || bytes[start] != UInt8(ascii: "0") else {
            throw malformed("'\(field)' of tensor '\(tensor)' has a number with a leading zero")
        }
        guard !overflow else {
            throw TensorIOError(path: path, kind: .sizeOverflow("a number in '\(field)' of tensor '\(tensor)'"))
        }
        return value
    }

    // MARK: - Metadata

    /// `__metadata__`: an object (or `null`); string values are kept, others skipped.
    private mutating func parseMetadata() throws -> [String: String] {
        skipWhitespace()
        if consumeLiteral("null") { return [:] }
        guard peek() == UInt8(ascii: "{") else { throw malformed("'__metadata__' is not an object") }
        position += 1
        var result: [String: String] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return result
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw malformed("expected a key in '__metadata__'") }
            let key = try parseString()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            if peek() == UInt8(ascii: "\"") {
                result[key] = try parseString()
            } else {
                try skipValue(depth: 2)
            }
            skipWhitespace()
            guard let next = peek() else { throw malformed("the header ends inside '__metadata__'") }
            position += 1
            if next == UInt8(ascii: "}") { return result }
            guard next == UInt8(ascii: ",") else { throw malformed("expected ',' or '}' in '__metadata__'") }
        }
    }

    // MARK: - Generic JSON

    private mutating func skipValue(depth: Int) throws {
        guard depth < Self.maximumDepth else { throw malformed("JSON nested too deeply") }
        skipWhitespace()
        guard let byte = peek() else { throw malformed("the header ends where a value was expected") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try parseString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            skipWhitespace()
            if peek() == close {
                position += 1
                return
            }
            while true {
                skipWhitespace()
                if close == UInt8(ascii: "}") {
                    guard peek() == UInt8(ascii: "\"") else { throw malformed("expected an object key at header byte \(position)") }
                    _ = try parseString()
                    try expect(UInt8(ascii: ":"))
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let next = peek() else { throw malformed("the header ends inside an object or array") }
                position += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else { throw malformed("expected ',' at header byte \(position - 1)") }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
        default:
            guard consumeLiteral("true") || consumeLiteral("false") || consumeLiteral("null") else {
                throw malformed("unexpected character at header byte \(position)")
            }
        }
    }

    private mutating func skipNumber() throws {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        func digits(_ p: inout Self) -> Int {
            var n = 0
            while let b = p.peek(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { p.position += 1; n += 1 }
            return n
        }
        guard digits(&self) > 0 else { throw malformed("bad number at header byte \(start)") }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw malformed("bad number at header byte \(start)") }
        }
        if let b = peek(), b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            position += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw malformed("bad number at header byte \(start)") }
        }
    }

    private mutating func consumeLiteral(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        let utf8 = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for i in 0..<count where bytes[position + i] != utf8[i] { return false }
        position += count
        return true
    }

    /// A JSON string starting at the current `"`; validates UTF-8 and decodes escapes.
    private mutating func parseString() throws -> String {
        let start = position
        position += 1
        let contentStart = position
        // Fast path: no escapes.
        var combined: UInt8 = 0
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<position])
                position += 1
                if combined < 0x80 {
                    // ASCII is valid UTF-8; this initialiser is much faster than the validating one.
                    return String(decoding: content, as: UTF8.self)
                }
                guard let string = String(validating: content, as: UTF8.self) else {
                    throw malformed("invalid UTF-8 in the string at header byte \(start)")
                }
                return string
            }
            combined |= byte
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw malformed("control character in the string at header byte \(start)") }
            position += 1
        }
        guard position < bytes.count else { throw malformed("unterminated string at header byte \(start)") }
        // Slow path: decode escapes into a byte buffer.
        var decoded = [UInt8](bytes[contentStart..<position])
        while true {
            guard position < bytes.count else { throw malformed("unterminated string at header byte \(start)") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw malformed("control character in the string at header byte \(start)") }
            guard byte == UInt8(ascii: "\\") else {
                decoded.append(byte)
                continue
            }
            guard position < bytes.count else { throw malformed("unterminated string at header byte \(start)") }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4(start)
                if (0xD800..<0xDC00).contains(scalar) {
                    guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw malformed("unpaired surrogate in the string at header byte \(start)")
                    }
                    position += 2
                    let low = try parseHex4(start)
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw malformed("unpaired surrogate in the string at header byte \(start)")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else {
                    throw malformed("unpaired surrogate in the string at header byte \(start)")
                }
                decoded.append(contentsOf: String(Character(unicode)).utf8)
            default:
                throw malformed("invalid escape in the string at header byte \(start)")
            }
        }
        guard let string = String(validating: decoded, as: UTF8.self) else {
            throw malformed("invalid UTF-8 in the string at header byte \(start)")
        }
        return string
    }

    private mutating func parseHex4(_ stringStart: Int) throws -> UInt32 {
        guard bytes.count - position >= 4 else { throw malformed("truncated \\u escape in the string at header byte \(stringStart)") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed("bad \\u escape in the string at header byte \(stringStart)")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    // MARK: - Helpers

    private func malformed(_ what: String) -> TensorIOError {
        TensorIOError(path: path, kind: .malformedHeader(what))
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipWhitespace()
        guard peek() == byte else {
            throw malformed("expected '\(Character(Unicode.Scalar(byte)))' at header byte \(position)")
        }
        position += 1
    }
}
