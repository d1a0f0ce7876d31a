import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TensorIO

@Suite("npy: malformed input gives the right error, never a crash")
struct MalformedNpyTests {
    let directory = TemporaryDirectory()

    func open(_ bytes: [UInt8], name: String = "bad.npy", voidAs: TensorDType? = nil) throws -> NpyFile {
        try NpyFile(path: directory.write(bytes, to: name), interpretingVoidAs: voidAs)
    }

    func error(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> TensorIOError? {
        expectTensorIOError(sourceLocation: sourceLocation) { _ = try open(bytes) }
    }

    @Test func missingFileAndDirectory() {
        let missing = expectTensorIOError { _ = try NpyFile(path: directory.file("absent.npy")) }
        #expect(missing?.kind == .fileNotFound)
        #expect(missing?.description == directory.file("absent.npy") + ": no such file")
        let folder = expectTensorIOError { _ = try NpyFile(path: directory.path) }
        #expect(folder?.kind == .notARegularFile(.directory))
    }

    @Test func everyTruncationOfAValidFileFails() throws {
        let valid = fixture("f4_2x3")  // 128-byte header + 24 data bytes
        #expect(try open(valid).readFloats().count == 6)
        for length in 0..<valid.count {
            let failure = error(Array(valid.prefix(length)))
            let expected: String
            switch length {
            case 0..<10: expected = "truncatedHeader"
            case 10..<128: expected = "headerLengthBeyondFile"
            default: expected = "truncatedData"
            }
            #expect(failure?.kind.caseName == expected, "prefix of \(length) bytes: \(String(describing: failure))")
            #expect(failure?.description.hasPrefix(directory.file("bad.npy") + ": ") == true)
        }
        // Version 2.0 has a 4-byte length field.
        let v2 = fixture("f4_v2")
        for length in 0..<v2.count {
            let failure = error(Array(v2.prefix(length)))
            #expect(failure != nil, "v2 prefix of \(length) bytes")
            if length < 12 { #expect(failure?.kind.caseName == "truncatedHeader") }
        }
    }

    @Test func everySingleByteCorruptionIsHandled() throws {
        // Overwrite each header byte with characters that stress the parser; every outcome must
        // be either a successful open or a TensorIOError (the test itself would crash otherwise).
        let valid = fixture("f4_3d")
        let replacements: [UInt8] = Array("\0\n '\"(),:{}[]-9Lx\\\u{7F}".utf8) + [0x80, 0xFF]
        var errors = 0, successes = 0
        for position in 0..<128 {
            for replacement in replacements where valid[position] != replacement {
                var corrupt = valid
                corrupt[position] = replacement
                do {
                    let file = try open(corrupt)
                    _ = try file.readFloats()
                    successes += 1
                } catch is TensorIOError {
                    errors += 1
                }
            }
        }
        #expect(errors > 0)
        #expect(successes > 0)  // e.g. changes inside the padding are harmless
    }

    @Test func badMagic() {
        #expect(error(Array("\u{93}NUMPX".utf8) + [1, 0, 0, 0])?.kind == .badMagic)
        #expect(error(Array("PK\u{3}\u{4}".utf8))?.kind == .badMagic)
        var notNpy = fixture("f4_2x3")
        notNpy[0] = 0x94
        #expect(error(notNpy)?.kind == .badMagic)
        #expect(error(notNpy)?.description.contains("bad magic") == true)
    }

    @Test func unsupportedVersions() {
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"
        #expect(error(npyImage(dict: dict, data: [0, 0, 0, 0], major: 4))?.kind == .unsupportedVersion(major: 4, minor: 0))
        #expect(error(npyImage(dict: dict, data: [0, 0, 0, 0], major: 1, minor: 1))?.kind == .unsupportedVersion(major: 1, minor: 1))
        #expect(error(npyImage(dict: dict, data: [0, 0, 0, 0], major: 0))?.kind == .unsupportedVersion(major: 0, minor: 0))
        let message = error(npyImage(dict: dict, major: 9))?.description ?? ""
        #expect(message.contains("version 9.0"))
    }

    @Test func headerLengthBeyondFile() {
        var bytes = npyImage(dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }")
        bytes[8] = 0xFF
        bytes[9] = 0xFF
        #expect(error(bytes)?.kind == .headerLengthBeyondFile(headerLength: 65535, fileSize: bytes.count))
        var v2 = npyImage(dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", major: 2)
        v2[8] = 0xFF; v2[9] = 0xFF; v2[10] = 0xFF; v2[11] = 0xFF
        #expect(error(v2)?.kind == .headerLengthBeyondFile(headerLength: 0xFFFF_FFFF, fileSize: v2.count))
    }

    @Test(arguments: [
        "",
        "[]",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } trailing",
        "{'descr': '<f4', 'fortran_order': False}",
        "{'descr': '<f4', 'shape': (1,)}",
        "{'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
        "{'descr': 4, 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': 1}",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1,)}",
        "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
        "{1: '<f4', 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (0x10,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': ((((((((((((((((((((((((((((((((((((1,),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),),)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-,)}",
    ])
    func malformedHeaderDicts(dict: String) {
        let failure = error(npyImage(dict: dict, data: [0, 0, 0, 0]))
        #expect(failure?.kind.caseName == "malformedHeader" || failure?.kind.caseName == "invalidShape", "\(dict): \(String(describing: failure))")
    }

    @Test func malformedHeaderMessagesAreSpecific() {
        let missing = error(npyImage(dict: "{'descr': '<f4'}"))
        #expect(missing?.kind == .malformedHeader("missing key 'fortran_order', 'shape'"))
        let extra = error(npyImage(dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}", data: [0, 0, 0, 0]))
        #expect(extra?.description.contains("unexpected key 'x'") == true)
        let nested = error(npyImage(dict: String(repeating: "(", count: 10_000)))
        #expect(nested?.kind == .malformedHeader("literals nested too deeply"))
    }

    @Test func toleratedHeaderVariants() throws {
        // Key order, double quotes, no trailing comma, Python 2 'L' suffix, '=' and no byte order.
        let variants = [
            "{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}",
            "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }",
            "{'descr': '=f4', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': 'f4', 'fortran_order': False, 'shape': (2,), }",
            "  {'descr':'<f4','fortran_order':False,'shape':(2,)}   ",
        ]
        let data = [Float](arrayLiteral: 1, -1).flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        for dict in variants {
            #expect(try open(npyImage(dict: dict, data: data)).readFloats() == [1, -1], "\(dict)")
        }
        // Trailing bytes after the data are ignored, as NumPy does.
        #expect(try open(npyImage(dict: variants[0], data: data + [1, 2, 3])).readFloats() == [1, -1])
    }

    @Test func unsupportedDTypesAreNamed() {
        for descr in ["<c16", "|O", "<U8", "<M8[ns]", "|S4", ">c8", "<f16", "<V2", "<x4"] {
            let failure = error(npyImage(dict: "{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,)}", data: [UInt8](repeating: 0, count: 16)))
            #expect(failure?.kind == .unsupportedDType(descr, tensor: nil) || failure?.description.contains(descr) == true, "\(descr)")
            #expect(failure?.description.contains("unsupported dtype '\(descr)") == true, "\(String(describing: failure))")
        }
        let structured = error(npyImage(dict: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", data: [0, 0, 0, 0]))
        #expect(structured?.kind == .unsupportedDType("structured dtype [('a', '<f4')]", tensor: nil))
    }

    @Test func fortranOrder() {
        let failure = error(npyImage(dict: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2)}", data: [UInt8](repeating: 0, count: 16)))
        #expect(failure?.kind == .fortranOrder)
    }

    @Test func shapesAndSizes() {
        func header(_ descr: String, _ shape: String) -> [UInt8] {
            npyImage(dict: "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }", data: [0, 0, 0, 0, 0, 0, 0, 0])
        }
        #expect(error(header("<f4", "(-1,)"))?.kind.caseName == "invalidShape")
        #expect(error(header("<f4", "(2, -3)"))?.kind.caseName == "invalidShape")
        #expect(error(header("<f4", "('a',)"))?.kind.caseName == "invalidShape")
        // Element count overflows Int.
        #expect(error(header("<f4", "(4611686018427387904, 4)"))?.kind.caseName == "sizeOverflow")
        #expect(error(header("<f4", "(3037000500, 3037000500)"))?.kind.caseName == "sizeOverflow")
        // Element count fits, byte count does not.
        #expect(error(header("<f8", "(2305843009213693952,)"))?.kind.caseName == "sizeOverflow")
        // A dimension beyond Int.
        #expect(error(header("<f4", "(99999999999999999999999,)"))?.kind.caseName == "sizeOverflow")
        #expect(error(header("<f4", "(-99999999999999999999999,)"))?.kind.caseName == "sizeOverflow")
        // Fits in Int, far beyond the file.
        #expect(error(header("<f4", "(1000000000000,)"))?.kind == .truncatedData(expected: 4_000_000_000_000, available: 8))
        #expect(error(header("<f4", "(3,)"))?.kind == .truncatedData(expected: 12, available: 8))
        // Zero-size dimension with a huge other one: zero elements, fine.
        #expect(throws: Never.self) { _ = try open(header("<f4", "(0, 4611686018427387904)")) }
    }

    @Test func fileShrinkingAfterOpenIsAnError() throws {
        let path = directory.write(fixture("f4_2x3"), to: "shrink.npy")
        let file = try NpyFile(path: path)
        #expect(truncate(path, 140) == 0)  // in place: the open descriptor sees the shorter file
        let failure = expectTensorIOError { _ = try file.readFloats() }
        #expect(failure?.kind.caseName == "truncatedData")
        let chunked = expectTensorIOError { try file.forEachChunk(chunkSize: 2) { _ in } }
        #expect(chunked?.kind.caseName == "truncatedData")
    }
}
