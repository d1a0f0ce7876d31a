import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TensorIO

@Suite("safetensors: malformed input gives the right error, never a crash")
struct MalformedSafetensorsTests {
    let directory = TemporaryDirectory()

    func error(_ bytes: [UInt8], skipping: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) -> TensorIOError? {
        expectTensorIOError(sourceLocation: sourceLocation) {
            _ = try SafetensorsFile(path: directory.write(bytes, to: "bad.safetensors"), skippingUnsupportedDTypes: skipping)
        }
    }

    func entry(_ name: String = "t", dtype: String = "F32", shape: String = "[2]", offsets: String = "[0,8]") -> String {
        #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
    }

    func image(_ entries: [String], data: [UInt8] = [UInt8](repeating: 0, count: 8)) -> [UInt8] {
        safetensorsImage(header: "{" + entries.joined(separator: ",") + "}", data: data)
    }

    @Test func missingFile() {
        let failure = expectTensorIOError { _ = try SafetensorsFile(path: directory.file("none.safetensors")) }
        #expect(failure?.kind == .fileNotFound)
        #expect(failure?.description.contains("none.safetensors") == true)
    }

    @Test func everyTruncationOfAValidFileFails() throws {
        var writer = SafetensorsWriter(metadata: ["format": "pt"])
        try writer.add("a", [Float](arrayLiteral: 1, 2, 3), shape: [3])
        try writer.add("b", [UInt16](arrayLiteral: 0x3F80, 0x4000), shape: [1, 2], as: .bfloat16)
        try writer.add("c", [Int8](arrayLiteral: -1), shape: [])
        let valid = writer.encode()
        let headerEnd = 8 + valid.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(try SafetensorsFile(path: directory.write(valid, to: "ok.safetensors")).tensors.count == 3)
        for length in 0..<valid.count {
            let failure = error(Array(valid.prefix(length)))
            let expected: String
            switch length {
            case 0..<8: expected = "truncatedHeader"
            case 8..<headerEnd: expected = "headerLengthBeyondFile"
            default: expected = "dataOffsetsOutOfRange"
            }
            #expect(failure?.kind.caseName == expected, "prefix of \(length) bytes: \(String(describing: failure))")
        }
    }

    @Test func everySingleByteCorruptionIsHandled() throws {
        var writer = SafetensorsWriter(metadata: ["k": "v"])
        try writer.add("layer.0.w", [Float](arrayLiteral: 1, 2, 3, 4), shape: [2, 2])
        try writer.add("layer.0.b", [UInt16](arrayLiteral: 1, 2), shape: [2], as: .float16)
        let valid = writer.encode()
        let replacements: [UInt8] = Array("\0\n \"\\,:{}[]-09e.".utf8) + [0x7F, 0x80, 0xC3, 0xFF]
        var errors = 0, successes = 0
        for position in 0..<(valid.count - 12) {
            for replacement in replacements where valid[position] != replacement {
                var corrupt = valid
                corrupt[position] = replacement
                do {
                    let file = try SafetensorsFile(path: directory.write(corrupt, to: "fuzz.safetensors"))
                    for name in file.tensorNames { _ = try file.readFloats(name) }
                    successes += 1
                } catch is TensorIOError {
                    errors += 1
                }
            }
        }
        #expect(errors > 0)
        #expect(successes > 0)
    }

    @Test func headerLength() throws {
        // Declared length beyond the file.
        var bytes = safetensorsImage(header: "{}")
        bytes[0] = 0xFF
        #expect(error(bytes)?.kind == .headerLengthBeyondFile(headerLength: 0xFF, fileSize: bytes.count))
        var huge = safetensorsImage(header: "{}")
        for i in 0..<8 { huge[i] = 0xFF }
        #expect(error(huge)?.kind == .headerLengthBeyondFile(headerLength: .max, fileSize: huge.count))
        #expect(error(huge)?.description.contains("18446744073709551615") == true)
        #expect(error([1, 0, 0])?.kind == .truncatedHeader(needed: 8, available: 3))
        // A length inside the file but above the limit.
        var writer = SafetensorsWriter()
        try writer.add("a", [Float](repeating: 0, count: 64), shape: [64])
        let path = directory.write(writer.encode(), to: "limit.safetensors")
        let limited = expectTensorIOError { _ = try SafetensorsFile(path: path, maximumHeaderLength: 16) }
        #expect(limited?.kind.caseName == "headerTooLarge")
        #expect(limited?.description.contains("exceeds the limit of 16 bytes") == true)
        #expect(throws: Never.self) { _ = try SafetensorsFile(path: path, maximumHeaderLength: 1000) }
    }

    @Test func notAJSONObject() {
        #expect(error(safetensorsImage(header: "[]"))?.kind == .badMagic)
        #expect(error(safetensorsImage(header: " {}", pad: false))?.kind == .badMagic)
        // An .npy file is not a safetensors file.
        #expect(error(fixture("f4_2x3"))?.kind.caseName == "headerLengthBeyondFile")
        #expect(error(safetensorsImage(header: "", pad: false))?.kind == .badMagic)
    }

    @Test(arguments: [
        "{",
        "{\"t\"}",
        "{\"t\":}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} x",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]} \"u\":{}}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2]}}",
        "{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}",
        "{\"t\":{\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"t\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[02],\"data_offsets\":[0,8]}}",
        "{\"t\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"t\":[1,2]}",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{t:{}}",
        "{'t':{}}",
        "{\"t\\x\":{}}",
        "{\"t\\u12\":{}}",
        "{\"t\\ud800\":{}}",
        "{\"t\\udc00x\":{}}",
        "{\"t\n\":{}}",
        "{\"__metadata__\":[],\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"__metadata__\":{},\"__metadata__\":{}}",
        "{\"__metadata__\":{\"a\":tru}}",
        "{\"__metadata__\":{\"a\":01.}}",
        "{\"__metadata__\":{\"a\":1e}}",
        "{\"__metadata__\":{\"a\":-}}",
        "{\"__metadata__\":{\"a\":{\"b\" 1}}}",
        "{\"__metadata__\":{\"a\":[1 2]}}",
    ])
    func malformedJSON(header: String) {
        let failure = error(safetensorsImage(header: header, data: [UInt8](repeating: 0, count: 8)))
        #expect(failure?.kind.caseName == "malformedHeader", "\(header): \(String(describing: failure))")
    }

    @Test func deepNestingIsRejectedWithoutStackOverflow() {
        let bomb = "{\"__metadata__\":{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}}"
        #expect(error(safetensorsImage(header: bomb))?.kind == .malformedHeader("JSON nested too deeply"))
    }

    @Test func invalidUTF8InNames() {
        var bytes = image([entry("ab")])
        let position = bytes[8...].firstIndex(of: UInt8(ascii: "a")) ?? 0
        bytes[position] = 0xC3  // a lead byte followed by 'b'
        #expect(error(bytes)?.kind.caseName == "malformedHeader")
        #expect(error(bytes)?.description.contains("UTF-8") == true)
    }

    @Test func unsupportedDTypeIsNamed() throws {
        for dtype in ["F4", "C64", "F6_E2M3", "f32", "Q4_K", ""] {
            let failure = error(image([entry(dtype: dtype)]))
            #expect(failure?.kind == .unsupportedDType(dtype, tensor: "t"))
            #expect(failure?.description.contains("tensor 't' has unsupported dtype '\(dtype)'") == true)
        }
        // Opt-in: skip such tensors, read the others.
        let mixed = image([entry("packed", dtype: "F4", shape: "[8]", offsets: "[0,4]"), entry("ok", dtype: "U8", shape: "[4]", offsets: "[4,8]")])
        let file = try SafetensorsFile(path: directory.write(mixed, to: "mixed.safetensors"), skippingUnsupportedDTypes: true)
        #expect(file.tensorNames == ["ok"])
        #expect(file.unsupportedTensors == ["packed": "F4"])
        // Skipped tensors still take part in the range and overlap checks.
        let overlapping = image([entry("packed", dtype: "F4", shape: "[8]", offsets: "[0,6]"), entry("ok", dtype: "U8", shape: "[4]", offsets: "[4,8]")])
        #expect(error(overlapping, skipping: true)?.kind == .overlappingTensors("packed", "ok"))
        let outside = image([entry("packed", dtype: "F4", shape: "[8]", offsets: "[0,9]")])
        #expect(error(outside, skipping: true)?.kind.caseName == "dataOffsetsOutOfRange")
    }

    @Test func dataOffsetProblems() {
        // begin > end
        #expect(error(image([entry(offsets: "[8,0]")]))?.kind == .invalidDataOffsets(tensor: "t", begin: 8, end: 0))
        // span does not match dtype × shape
        #expect(error(image([entry(shape: "[3]", offsets: "[0,8]")]))?.kind == .dataSizeMismatch(tensor: "t", byteCount: 8, expected: 12))
        #expect(error(image([entry(dtype: "F16", shape: "[2]", offsets: "[0,8]")]))?.kind == .dataSizeMismatch(tensor: "t", byteCount: 8, expected: 4))
        let message = error(image([entry(shape: "[3]", offsets: "[0,8]")]))?.description ?? ""
        #expect(message.contains("tensor 't' data_offsets span 8 bytes but dtype × shape needs 12 bytes"))
        // beyond the data section
        #expect(error(image([entry(offsets: "[4,12]")]))?.kind == .dataOffsetsOutOfRange(tensor: "t", end: 12, dataSectionSize: 8))
        #expect(error(image([entry(shape: "[0]", offsets: "[100,100]")]))?.kind == .dataOffsetsOutOfRange(tensor: "t", end: 100, dataSectionSize: 8))
        // overlapping
        let overlap = image([entry("a", offsets: "[0,8]"), entry("b", shape: "[1]", offsets: "[4,8]")])
        #expect(error(overlap)?.kind == .overlappingTensors("a", "b"))
        let same = image([entry("a", shape: "[1]", offsets: "[0,4]"), entry("b", shape: "[1]", offsets: "[0,4]")])
        #expect(error(same)?.kind == .overlappingTensors("a", "b"))
        let nested = image([entry("outer", offsets: "[0,8]"), entry("inner", dtype: "U8", shape: "[1]", offsets: "[2,3]")])
        #expect(error(nested)?.kind == .overlappingTensors("outer", "inner"))
        // Empty tensors may sit anywhere inside the section, even inside another tensor's bytes.
        let empties = image([entry("a", offsets: "[0,8]"), entry("e", shape: "[0]", offsets: "[4,4]"), entry("f", shape: "[2,0]", offsets: "[8,8]")])
        #expect(throws: Never.self) { _ = try SafetensorsFile(path: directory.write(empties, to: "empties.safetensors")) }
    }

    @Test func sizesAndOverflow() {
        // Element count overflows.
        #expect(error(image([entry(shape: "[4611686018427387904,4]")]))?.kind.caseName == "sizeOverflow")
        #expect(error(image([entry(shape: "[3037000500,3037000500]")]))?.kind.caseName == "sizeOverflow")
        // Byte count overflows.
        #expect(error(image([entry(dtype: "F64", shape: "[2305843009213693952]")]))?.kind.caseName == "sizeOverflow")
        // A dimension beyond Int, beyond UInt64.
        #expect(error(image([entry(shape: "[9223372036854775808]")]))?.kind.caseName == "sizeOverflow")
        #expect(error(image([entry(shape: "[99999999999999999999999]")]))?.kind.caseName == "sizeOverflow")
        // Offsets beyond UInt64.
        #expect(error(image([entry(offsets: "[0,18446744073709551616]")]))?.kind.caseName == "sizeOverflow")
        // Offsets that fit in UInt64 but not Int, and huge but consistent sizes.
        #expect(error(image([entry(dtype: "U8", shape: "[18446744073709551615]", offsets: "[0,18446744073709551615]")]))?.kind.caseName == "sizeOverflow")
        #expect(error(image([entry(dtype: "U8", shape: "[9223372036854775807]", offsets: "[0,9223372036854775807]")]))?.kind.caseName == "dataOffsetsOutOfRange")
        #expect(error(image([entry(offsets: "[18446744073709551615,18446744073709551615]")]))?.kind.caseName == "dataSizeMismatch")
        // Negative and fractional numbers.
        #expect(error(image([entry(shape: "[-2]")]))?.kind.caseName == "invalidShape")
        #expect(error(image([entry(shape: "[2.0]")]))?.kind.caseName == "invalidShape")
        #expect(error(image([entry(offsets: "[0,8e0]")]))?.kind.caseName == "invalidShape")
        #expect(error(image([entry(offsets: "[-1,8]")]))?.kind.caseName == "invalidShape")
    }

    @Test func fileShrinkingAfterOpenIsAnError() throws {
        var writer = SafetensorsWriter()
        try writer.add("a", [Float](repeating: 1, count: 1000), shape: [1000])
        let valid = writer.encode()
        let path = directory.write(valid, to: "shrink.safetensors")
        let file = try SafetensorsFile(path: path)
        #expect(truncate(path, off_t(valid.count - 100)) == 0)  // in place: the open descriptor sees it
        #expect(expectTensorIOError { _ = try file.readFloats("a") }?.kind.caseName == "truncatedData")
        #expect(expectTensorIOError { _ = try file.readRawBytes("a") }?.kind.caseName == "truncatedData")
        #expect(expectTensorIOError { try file.forEachChunk(of: "a", chunkSize: 64) { _ in } }?.kind.caseName == "truncatedData")
    }
}
