import struct ExMy.SplitMix64
import Foundation
import Testing
@testable import TensorIO

@Suite("npy: files written by NumPy")
struct NpyNumpyFixtureTests {
    let directory = TemporaryDirectory()

    func open(_ name: String, voidAs: TensorDType? = nil) throws -> NpyFile {
        try NpyFile(path: directory.write(fixture(name), to: name + ".npy"), interpretingVoidAs: voidAs)
    }

    @Test func float32Matrix() throws {
        let file = try open("f4_2x3")
        #expect(file.shape == [2, 3])
        #expect(file.dtype == .float32)
        #expect(file.header.descr == "<f4")
        #expect(file.header.version == .v1)
        #expect(file.header.dataOffset == 128)
        let expected: [Float] = [1.5, -2.25, 3.0, 0.1, 1e30, -0.0]
        #expect(sameBits(try file.readFloats(), expected))
        #expect(sameBits(try file.readElements(as: Float.self), expected))
        #expect(try file.readDoubles() == expected.map(Double.init))
        #expect(try file.readRawBytes() == expected.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
    }

    @Test func float64() throws {
        let file = try open("f8_1d")
        #expect(file.shape == [4])
        let expected: [Double] = [.pi, -1e300, .leastNonzeroMagnitude, 0.1]
        #expect(sameBits(try file.readDoubles(), expected))
        #expect(sameBits(try file.readFloats(), expected.map(Float.init)))
    }

    @Test func float16() throws {
        let file = try open("f2_1d")
        #expect(file.dtype == .float16)
        // 6e-08 is the binary16 subnormal 1 × 2^-24.
        let expected: [Float] = [1.0, -2.5, 65504.0, 0x1p-24, .infinity, -0.0]
        #expect(sameBits(try file.readFloats(), expected))
        let bits = try file.readElements(as: UInt16.self)
        #expect(bits == [0x3C00, 0xC100, 0x7BFF, 0x0001, 0x7C00, 0x8000])
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        #expect(try file.readElements(as: Float16.self).map(Float.init) == expected)
        #endif
    }

    @Test func integersAndBool() throws {
        #expect(try open("u1_1d").readElements(as: UInt8.self) == [0, 1, 127, 255])
        #expect(try open("u1_1d").readFloats() == [0, 1, 127, 255])
        let u2 = try open("u2_2x2")
        #expect(u2.shape == [2, 2])
        #expect(try u2.readElements(as: UInt16.self) == [0, 1, 40000, 65535])
        #expect(try open("u4_1d").readElements(as: UInt32.self) == [0, 7, 4_000_000_000])
        #expect(try open("u4_1d").readDoubles() == [0, 7, 4_000_000_000])
        #expect(try open("i1_1d").readElements(as: Int8.self) == [-128, -1, 0, 127])
        #expect(try open("i1_1d").readFloats() == [-128, -1, 0, 127])
        #expect(try open("i8_1d").readElements(as: Int64.self) == [-(1 << 40), 3])
        let b = try open("b1_1d")
        #expect(b.dtype == .bool)
        #expect(try b.readElements(as: Bool.self) == [true, false, true])
        #expect(try b.readFloats() == [1, 0, 1])
    }

    @Test func scalarEmptyAndThreeDimensional() throws {
        let scalar = try open("f4_scalar")
        #expect(scalar.shape == [])
        #expect(scalar.elementCount == 1)
        #expect(try scalar.readFloats() == [3.25])

        let empty = try open("f4_empty_0x3")
        #expect(empty.shape == [0, 3])
        #expect(empty.elementCount == 0)
        #expect(try empty.readFloats() == [])
        var chunks = 0
        try empty.forEachChunk { _ in chunks += 1 }
        #expect(chunks == 0)

        let cube = try open("f4_3d")
        #expect(cube.shape == [2, 3, 4])
        #expect(try cube.readFloats() == (0..<24).map(Float.init))
    }

    @Test func bigEndianIsSwapped() throws {
        let f = try open("f4_be")
        #expect(f.header.isBigEndian)
        #expect(f.header.descr == ">f4")
        #expect(try f.readFloats() == [1.0, -2.0, 0.5])
        #expect(try f.readElements(as: Float.self) == [1.0, -2.0, 0.5])
        #expect(try f.readRawBytes().prefix(4) == [0x3F, 0x80, 0x00, 0x00])  // raw keeps file order
        var streamed: [Float] = []
        try f.forEachChunk(chunkSize: 2) { streamed += $0 }
        #expect(streamed == [1.0, -2.0, 0.5])
        let u = try open("u2_be")
        #expect(try u.readElements(as: UInt16.self) == [1, 258])
        #expect(try u.readDoubles() == [1, 258])
    }

    @Test func versionsTwoAndThree() throws {
        let v2 = try open("f4_v2")
        #expect(v2.header.version == .v2)
        #expect(try v2.readFloats() == [1, 2])
        let v3 = try open("f4_v3")
        #expect(v3.header.version == .v3)
        #expect(try v3.readFloats() == [1, 2])
    }

    @Test func mlDtypesVoidTypes() throws {
        let error = expectTensorIOError { _ = try open("bf16_ml_dtypes") }
        #expect(error?.kind.caseName == "unsupportedDType")
        #expect(error?.description.contains("<V2") == true)
        let bf16 = try open("bf16_ml_dtypes", voidAs: .bfloat16)
        #expect(bf16.dtype == .bfloat16)
        #expect(try bf16.readFloats() == [1.0, -2.5, 3.140625])
        let mismatch = expectTensorIOError { _ = try open("bf16_ml_dtypes", voidAs: .float32) }
        #expect(mismatch?.kind.caseName == "unsupportedDType")
        let fp8 = try open("f8e4m3_ml_dtypes", voidAs: .float8E4M3FN)
        #expect(try fp8.readFloats() == [1.0, -2.5, 448.0])
    }

    @Test func bfloat16BitsSavedAsUInt16() throws {
        // np.save(f, bf16_array.view(np.uint16)) — the u2 fixture read as bfloat16 bits.
        let file = try open("u2_2x2")
        let bf16 = try file.reinterpreted(as: .bfloat16)
        #expect(bf16.dtype == .bfloat16)
        #expect(bf16.shape == [2, 2])
        #expect(sameBits(try bf16.readFloats(), [0, 1, 40000, 65535].map { BitPatterns.float(fromBFloat16: $0) }))
        let error = expectTensorIOError { _ = try file.reinterpreted(as: .float32) }
        #expect(error?.kind == .elementTypeMismatch(stored: .uint16, requested: "float32"))
        // Byte order is kept.
        let big = try open("u2_be").reinterpreted(as: .float16)
        #expect(try big.readFloats() == [BitPatterns.float(fromFloat16: 1), BitPatterns.float(fromFloat16: 258)])
    }

    @Test func unsupportedNumpyTypesNameTheDescr() throws {
        for (name, text) in [("str_U3", "<U3"), ("structured", "structured"), ("c8", "<c8")] {
            let error = expectTensorIOError { _ = try open(name) }
            #expect(error?.kind.caseName == "unsupportedDType", "\(name)")
            #expect(error?.description.contains(text) == true, "\(name): \(String(describing: error))")
        }
    }

    @Test func fortranOrderIsRejected() {
        let error = expectTensorIOError { _ = try open("f4_fortran") }
        #expect(error?.kind == .fortranOrder)
        #expect(error?.description.contains("f4_fortran.npy") == true)
        #expect(error?.description.contains("Fortran") == true)
    }
}

@Suite("npy: writing and round trips")
struct NpyRoundTripTests {
    let directory = TemporaryDirectory()

    func roundTrip<T: TensorElement & Equatable>(
        _ values: [T], shape: [Int], as dtype: TensorDType? = nil, version: NpyFormatVersion? = nil,
        voidAs: TensorDType? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> NpyFile {
        let path = directory.file("rt-\(UUID().uuidString).npy")
        try NpyWriter.write(values, shape: shape, to: path, as: dtype, version: version)
        let file = try NpyFile(path: path, interpretingVoidAs: voidAs)
        #expect(file.shape == shape, sourceLocation: sourceLocation)
        #expect(file.dtype == dtype ?? T.tensorDType, sourceLocation: sourceLocation)
        #expect(try file.readElements(as: T.self) == values, sourceLocation: sourceLocation)
        // The in-memory encoding is byte-identical to the file.
        let image = try NpyWriter.encode(values, shape: shape, as: dtype, version: version)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == image, sourceLocation: sourceLocation)
        // Data starts 64-byte aligned, as NumPy writes it.
        #expect(file.header.dataOffset % 64 == 0, sourceLocation: sourceLocation)
        return file
    }

    @Test func everyDType() throws {
        let floats: [Float] = [0, -0.0, 1, -1.5, .pi, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity]
        #expect(sameBits(try roundTrip(floats, shape: [3, 3]).readFloats(), floats))
        let doubles: [Double] = [0, -0.0, .pi, 0x1p-1030, -.greatestFiniteMagnitude, .infinity]
        #expect(sameBits(try roundTrip(doubles, shape: [2, 3]).readDoubles(), doubles))
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        let halves: [Float16] = [0, 1, -2, 65504, .leastNonzeroMagnitude, .infinity, 0.333]
        #expect(try roundTrip(halves, shape: [7]).readFloats() == halves.map(Float.init))
        #endif
        #expect(try roundTrip([UInt8](0...255), shape: [16, 16]).readFloats() == (0...255).map(Float.init))
        _ = try roundTrip([UInt16](arrayLiteral: 0, 1, 0x1234, .max), shape: [2, 2])
        _ = try roundTrip([UInt32](arrayLiteral: 0, 1, 0xDEAD_BEEF, .max), shape: [4])
        _ = try roundTrip([UInt64](arrayLiteral: 0, .max), shape: [2])
        _ = try roundTrip([Int8](arrayLiteral: .min, -1, 0, .max), shape: [4])
        _ = try roundTrip([Int16](arrayLiteral: .min, -1, 0, .max), shape: [4])
        _ = try roundTrip([Int32](arrayLiteral: .min, -1, 0, .max), shape: [4])
        _ = try roundTrip([Int64](arrayLiteral: .min, -1, 0, .max), shape: [4])
        #expect(try roundTrip([true, false, false, true], shape: [4]).readFloats() == [1, 0, 0, 1])
        // Formats NumPy lacks, as bit patterns with the ml_dtypes void descr.
        let bf16Bits: [UInt16] = [0x3F80, 0xC020, 0x7F80, 0xFFC1]
        let bf16 = try roundTrip(bf16Bits, shape: [4], as: .bfloat16, voidAs: .bfloat16)
        #expect(bf16.header.descr == "<V2")
        let bf16Floats = try bf16.readFloats()
        #expect(Array(bf16Floats.prefix(3)) == [1.0, -2.5, .infinity])
        #expect(bf16Floats[3].isNaN)
        let e4m3 = try roundTrip([UInt8](arrayLiteral: 0x38, 0x7E, 0x01, 0xFF), shape: [4], as: .float8E4M3FN, voidAs: .float8E4M3FN)
        let e4m3Floats = try e4m3.readFloats()
        #expect(Array(e4m3Floats.prefix(3)) == [1, 448, 0x1p-9])
        #expect(e4m3Floats[3].isNaN)
    }

    @Test(arguments: NpyFormatVersion.allCases)
    func explicitVersions(version: NpyFormatVersion) throws {
        let file = try roundTrip([Float](arrayLiteral: 1, 2, 3, 4, 5, 6), shape: [1, 2, 3], version: version)
        #expect(file.header.version == version)
    }

    @Test func shapesScalarEmptyHighRank() throws {
        #expect(try roundTrip([Float](arrayLiteral: 42), shape: []).readFloats() == [42])
        #expect(try roundTrip([Float](), shape: [0]).elementCount == 0)
        #expect(try roundTrip([Double](), shape: [3, 0, 2]).elementCount == 0)
        let values = (0..<720).map(Float.init)
        #expect(try roundTrip(values, shape: [2, 3, 4, 5, 6]).readFloats() == values)
    }

    @Test func oneDimensionalConvenience() throws {
        let path = directory.file("oned.npy")
        try NpyWriter.write([Float](arrayLiteral: 1, 2, 3), to: path)
        let (shape, values) = try NpyFile.readFloats(path: path)
        #expect(shape == [3])
        #expect(values == [1, 2, 3])
    }

    @Test func headerBytesMatchNumpy() throws {
        // NumPy's own encoding of the same arrays, byte for byte.
        #expect(try NpyWriter.encode([Float](arrayLiteral: 1.5, -2.25, 3.0, 0.1, 1e30, -0.0), shape: [2, 3]) == fixture("f4_2x3"))
        #expect(try NpyWriter.encode([Float](arrayLiteral: 3.25), shape: []) == fixture("f4_scalar"))
        #expect(try NpyWriter.encode([UInt16](arrayLiteral: 0, 1, 40000, 65535), shape: [2, 2]) == fixture("u2_2x2"))
        #expect(try NpyWriter.encode([UInt8](arrayLiteral: 0, 1, 127, 255), shape: [4]) == fixture("u1_1d"))
        #expect(try NpyWriter.encode([Float](arrayLiteral: 1, 2), shape: [2], version: .v2) == fixture("f4_v2"))
        #expect(try NpyWriter.encode([Float](arrayLiteral: 1, 2), shape: [2], version: .v3) == fixture("f4_v3"))
        #expect(try NpyWriter.encode([true, false, true], shape: [3]) == fixture("b1_1d"))
        #expect(try NpyWriter.encode([UInt16](arrayLiteral: 0x3F80, 0xC020, 0x4049), shape: [3], as: .bfloat16) == fixture("bf16_ml_dtypes"))
    }

    @Test func largeHeaderSwitchesToVersionTwo() throws {
        // 30 000 dimensions of size 1 ("1, " each) need a header of about 90 000 bytes, more
        // than version 1.0's 2-byte length field can describe.
        let shape = [Int](repeating: 1, count: 30_000)
        let file = try roundTrip([Float](arrayLiteral: 7), shape: shape)
        #expect(file.header.version == .v2)
        let error = expectTensorIOError { _ = try NpyWriter.encode([Float](arrayLiteral: 7), shape: shape, version: .v1) }
        #expect(error?.kind.caseName == "invalidArgument")
    }

    @Test func writerRejectsBadArguments() {
        let mismatch = expectTensorIOError { _ = try NpyWriter.encode([Float](arrayLiteral: 1, 2, 3), shape: [2, 2]) }
        #expect(mismatch?.kind == .shapeMismatch(shapeElementCount: 4, valueCount: 3))
        let negative = expectTensorIOError { _ = try NpyWriter.encode([Float](), shape: [-1, 0]) }
        #expect(negative?.kind.caseName == "invalidShape")
        let overflow = expectTensorIOError { _ = try NpyWriter.encode([Float](), shape: [1 << 62, 1 << 62]) }
        #expect(overflow?.kind.caseName == "sizeOverflow")
        let wrongType = expectTensorIOError { _ = try NpyWriter.encode([Float](arrayLiteral: 1), shape: [1], as: .bfloat16) }
        #expect(wrongType?.kind.caseName == "invalidArgument")
        let missingDirectory = expectTensorIOError { try NpyWriter.write([Float](), shape: [0], to: directory.file("no/such/dir.npy")) }
        #expect(missingDirectory?.kind == .fileNotFound)
    }

    @Test func readingAsAnIncompatibleTypeFails() throws {
        let file = try roundTrip([Float](arrayLiteral: 1, 2), shape: [2])
        let error = expectTensorIOError { _ = try file.readElements(as: UInt16.self) }
        #expect(error?.kind == .elementTypeMismatch(stored: .float32, requested: "UInt16"))
        #expect(try file.readElements(as: UInt32.self) == [Float(1).bitPattern, Float(2).bitPattern])
    }

    @Test func chunkedReadEqualsFullRead() throws {
        var rng = SplitMix64(seed: 7)
        let values = (0..<10_007).map { _ in Float.random(in: -1000...1000, using: &rng) }
        let f32 = try roundTrip(values, shape: [10_007])
        for chunkSize in [1, 7, 4096, 10_007, 1 << 20] {
            var streamed: [Float] = []
            var largest = 0
            try f32.forEachChunk(chunkSize: chunkSize) { chunk in
                largest = max(largest, chunk.count)
                streamed += chunk
            }
            #expect(streamed == values)
            #expect(largest == min(chunkSize, values.count))
        }
        let f64 = try roundTrip(values.map(Double.init), shape: [10_007])
        var streamed: [Float] = []
        try f64.forEachChunk(chunkSize: 1000) { streamed += $0 }
        #expect(streamed == values)
        var doubles: [Double] = []
        try f32.forEachChunk(chunkSize: 333, as: Double.self) { doubles += $0 }
        #expect(doubles == values.map(Double.init))
        let bad = expectTensorIOError { try f32.forEachChunk(chunkSize: 0) { _ in } }
        #expect(bad?.kind.caseName == "invalidArgument")
    }

    @Test func bodyErrorsPropagate() throws {
        struct Stop: Error {}
        let file = try roundTrip((0..<100).map(Float.init), shape: [100])
        var calls = 0
        #expect(throws: Stop.self) {
            try file.forEachChunk(chunkSize: 10) { _ in
                calls += 1
                if calls == 3 { throw Stop() }
            }
        }
        #expect(calls == 3)
    }
}
