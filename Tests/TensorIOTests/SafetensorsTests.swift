import struct ExMy.SplitMix64
import Foundation
import Testing
@testable import TensorIO

@Suite("safetensors: reading, writing, selecting, streaming")
struct SafetensorsTests {
    let directory = TemporaryDirectory()

    @Test func fileWrittenByTheSafetensorsPackage() throws {
        let path = directory.write(fixture("st_numpy"), to: "numpy.safetensors")
        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == ["format": "np"])
        #expect(Set(file.tensorNames) == ["a.weight", "b.bias", "c.idx", "d.u8"])
        let a = try file.info("a.weight")
        #expect(a.dtype == .float32)
        #expect(a.shape == [2, 2])
        #expect(a.byteCount == 16)
        #expect(a.fileOffset == 8 + file.headerLength + a.dataOffsets.lowerBound)
        #expect(try file.readFloats("a.weight") == [1, 2, 3, 4])
        #expect(try file.readFloats("b.bias") == [0.5, -1, 2])
        #expect(try file.readElements("c.idx", as: Int64.self) == [1, -2])
        #expect(try file.readDoubles("c.idx") == [1, -2])
        #expect(try file.readElements("d.u8", as: UInt8.self) == [9, 8, 7])
        #expect(try file.readRawBytes("d.u8") == [9, 8, 7])
        // Tensors are listed in file order.
        let offsets = file.tensors.map(\.dataOffsets.lowerBound)
        #expect(offsets == offsets.sorted())
    }

    func roundTrip(_ build: (inout SafetensorsWriter) throws -> Void) throws -> SafetensorsFile {
        var writer = SafetensorsWriter()
        try build(&writer)
        let path = directory.file("rt-\(UUID().uuidString).safetensors")
        try writer.write(to: path)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == writer.encode())
        return try SafetensorsFile(path: path)
    }

    @Test func everyDTypeRoundTrips() throws {
        let floats: [Float] = [0, -0.0, 1, -1.5, .pi, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity]
        let doubles: [Double] = [0, -0.0, .pi, 0x1p-1030, -.greatestFiniteMagnitude, .infinity]
        let bf16: [UInt16] = [0x0000, 0x8000, 0x3F80, 0xC020, 0x7F7F, 0x0001, 0x7F80]
        let e4m3: [UInt8] = [0x00, 0x80, 0x38, 0x7E, 0xFE, 0x01, 0x08]
        let e5m2: [UInt8] = [0x00, 0x3C, 0x7B, 0x7C, 0xFC, 0x01]
        let e8m0: [UInt8] = [0, 1, 127, 128, 254]
        let file = try roundTrip { w in
            try w.add("f32", floats, shape: [3, 3])
            try w.add("f64", doubles, shape: [2, 3])
            #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
            try w.add("f16", [Float16](arrayLiteral: 0, 1, -2, 65504, .leastNonzeroMagnitude, .infinity), shape: [6])
            #endif
            try w.add("bf16", bf16, shape: [7], as: .bfloat16)
            try w.add("e4m3", e4m3, shape: [7], as: .float8E4M3FN)
            try w.add("e5m2", e5m2, shape: [6], as: .float8E5M2)
            try w.add("e8m0", e8m0, shape: [5], as: .float8E8M0)
            try w.add("u8", [UInt8](0...255), shape: [16, 16])
            try w.add("u16", [UInt16](arrayLiteral: 0, 1, 0x1234, .max), shape: [2, 2])
            try w.add("u32", [UInt32](arrayLiteral: 0, 0xDEAD_BEEF, .max), shape: [3])
            try w.add("u64", [UInt64](arrayLiteral: 0, .max), shape: [2])
            try w.add("i8", [Int8](arrayLiteral: .min, -1, 0, .max), shape: [4])
            try w.add("i16", [Int16](arrayLiteral: .min, -1, 0, .max), shape: [4])
            try w.add("i32", [Int32](arrayLiteral: .min, -1, 0, .max), shape: [4])
            try w.add("i64", [Int64](arrayLiteral: .min, -1, 0, .max), shape: [2, 2])
            try w.add("bool", [true, false, true], shape: [3])
            try w.add("scalar", [Float](arrayLiteral: 42), shape: [])
            try w.add("empty", [Float](), shape: [0, 5])
        }
        #expect(sameBits(try file.readFloats("f32"), floats))
        #expect(try file.readElements("f32", as: Float.self) == floats)
        #expect(sameBits(try file.readDoubles("f64"), doubles))
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        #expect(try file.readFloats("f16") == [0, 1, -2, 65504, 0x1p-24, .infinity])
        #expect(try file.info("f16").dtype == .float16)
        #endif
        #expect(try file.info("bf16").dtype == .bfloat16)
        #expect(try file.readElements("bf16", as: UInt16.self) == bf16)
        #expect(sameBits(try file.readFloats("bf16"), [0, -0.0, 1, -2.5, Float(bitPattern: 0x7F7F_0000), Float(bitPattern: 0x0001_0000), .infinity]))
        #expect(try file.readFloats("e4m3") == [0, -0.0, 1, 448, -448, 0x1p-9, 0x1p-6])
        #expect(try file.readFloats("e5m2") == [0, 1, 57344, .infinity, -.infinity, 0x1p-16])
        #expect(try file.readFloats("e8m0") == [0x1p-127, 0x1p-126, 1, 2, 0x1p127])
        #expect(try file.readElements("u8", as: UInt8.self) == [UInt8](0...255))
        #expect(try file.readElements("u16", as: UInt16.self) == [0, 1, 0x1234, .max])
        #expect(try file.readElements("u32", as: UInt32.self) == [0, 0xDEAD_BEEF, .max])
        #expect(try file.readFloats("u32") == [0, Float(0xDEAD_BEEF as UInt32), Float(UInt32.max)])
        #expect(try file.readElements("u64", as: UInt64.self) == [0, .max])
        #expect(try file.readElements("i8", as: Int8.self) == [.min, -1, 0, .max])
        #expect(try file.readElements("i16", as: Int16.self) == [.min, -1, 0, .max])
        #expect(try file.readElements("i32", as: Int32.self) == [.min, -1, 0, .max])
        #expect(try file.readDoubles("i32") == [-2_147_483_648, -1, 0, 2_147_483_647])
        #expect(try file.readElements("i64", as: Int64.self) == [.min, -1, 0, .max])
        #expect(try file.readElements("bool", as: Bool.self) == [true, false, true])
        #expect(try file.readFloats("scalar") == [42])
        #expect(try file.info("scalar").shape == [])
        #expect(try file.readFloats("empty") == [])
        #expect(try file.info("empty").dataOffsets.isEmpty)
        // Header names match the safetensors dtype strings.
        #expect(file.tensors.map(\.dtype.safetensorsName).contains("F8_E4M3"))
        // The reader keeps the writer's order.
        #expect(file.tensorNames.first == "f32")
    }

    @Test func headerIsPaddedAndMetadataKept() throws {
        var writer = SafetensorsWriter(metadata: ["format": "pt", "quote\"and\\slash": "new\nline \u{1} é 🦫"])
        try writer.add("a", [Float](arrayLiteral: 1), shape: [1])
        let image = writer.encode()
        let headerLength = image.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let path = directory.write(image, to: "meta.safetensors")
        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == writer.metadata)
        // Foundation's JSON parser agrees that the header is valid JSON.
        let json = try JSONSerialization.jsonObject(with: Data(image[8..<(8 + headerLength)])) as? [String: Any]
        #expect((json?["__metadata__"] as? [String: String]) == writer.metadata)
    }

    @Test func writerRejectsBadInput() throws {
        var writer = SafetensorsWriter()
        try writer.add("x", [Float](arrayLiteral: 1, 2), shape: [2])
        #expect(expectTensorIOError { try writer.add("x", [Float](arrayLiteral: 1), shape: [1]) }?.kind.caseName == "invalidArgument")
        #expect(expectTensorIOError { try writer.add("__metadata__", [Float](arrayLiteral: 1), shape: [1]) }?.kind.caseName == "invalidArgument")
        #expect(expectTensorIOError { try writer.add("y", [Float](arrayLiteral: 1, 2, 3), shape: [2, 2]) }?.kind == .shapeMismatch(shapeElementCount: 4, valueCount: 3))
        #expect(expectTensorIOError { try writer.add("z", [Float](arrayLiteral: 1), shape: [1], as: .float16) }?.kind.caseName == "invalidArgument")
        #expect(expectTensorIOError { try writer.add("r", rawBytes: [1, 2, 3], dtype: .float16, shape: [2]) }?.kind.caseName == "invalidArgument")
        #expect(expectTensorIOError { try writer.add("o", [Float](), shape: [1 << 40, 1 << 40]) }?.kind.caseName == "sizeOverflow")
        #expect(writer.tensorNames == ["x"])
    }

    @Test func selectionByNameAndGlob() throws {
        let file = try roundTrip { w in
            for layer in 0..<3 {
                for part in ["mlp.up_proj", "mlp.down_proj", "self_attn.q_proj"] {
                    try w.add("model.layers.\(layer).\(part).weight", [Float](repeating: Float(layer), count: 4), shape: [2, 2])
                }
            }
            try w.add("model.embed_tokens.weight", [Float](repeating: 0, count: 4), shape: [4])
            try w.add("lm_head.weight", [Float](repeating: 0, count: 4), shape: [4])
        }
        #expect(file.tensors.count == 11)
        #expect(file.tensors(matching: "model.layers.*.mlp.*").map(\.name) == [
            "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight",
            "model.layers.1.mlp.up_proj.weight", "model.layers.1.mlp.down_proj.weight",
            "model.layers.2.mlp.up_proj.weight", "model.layers.2.mlp.down_proj.weight",
        ])
        #expect(file.tensors(matching: "model.layers.?.self_attn.q_proj.weight").count == 3)
        #expect(file.tensors(matching: "*.weight").count == 11)
        #expect(file.tensors(matching: "lm_head.weight").map(\.name) == ["lm_head.weight"])
        #expect(file.tensors(matching: "lm_head").isEmpty)
        #expect(file.tensors(matching: "*").count == 11)
        #expect(file.contains("lm_head.weight"))
        #expect(!file.contains("lm_head"))
        let missing = expectTensorIOError { _ = try file.readFloats("lm_head") }
        #expect(missing?.kind == .tensorNotFound("lm_head"))
        #expect(missing?.description.hasSuffix(": no tensor named 'lm_head'") == true)
        #expect(expectTensorIOError { try file.forEachChunk(of: "nope") { _ in } }?.kind == .tensorNotFound("nope"))
    }

    @Test func streamingAMultiMegabyteFileMatchesFullReads() throws {
        let big = randomFloats(count: 1_500_001, seed: 2024)  // 6 MB of F32
        let bf16 = big.prefix(1_000_003).map { BitPatterns.bfloat16(from: $0) }
        let f64 = big.prefix(300_007).map { Double($0) * 1.000001 }
        let path = directory.file("big.safetensors")
        var writer = SafetensorsWriter(metadata: ["note": "streaming test"])
        try writer.add("big.f32", big, shape: [1_500_001])
        try writer.add("big.bf16", Array(bf16), shape: [1_000_003], as: .bfloat16)
        try writer.add("big.f64", Array(f64), shape: [300_007])
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        let f16 = big.prefix(200_001).map { Float16($0) }
        try writer.add("big.f16", Array(f16), shape: [200_001])
        #endif
        try writer.write(to: path)
        let file = try SafetensorsFile(path: path)

        for name in file.tensorNames {
            let full = try file.readFloats(name)
            for chunkSize in [1_000, defaultTensorChunkSize, 1 << 20, 3_000_000] {
                var streamed: [Float] = []
                streamed.reserveCapacity(full.count)
                var chunks = 0
                try file.forEachChunk(of: name, chunkSize: chunkSize) { chunk in
                    #expect(chunk.count <= chunkSize)
                    streamed.append(contentsOf: chunk)
                    chunks += 1
                }
                #expect(sameBits(streamed, full), "\(name) chunk \(chunkSize)")
                #expect(chunks == (full.count + chunkSize - 1) / chunkSize)
            }
            var doubles: [Double] = []
            try file.forEachChunk(of: name, chunkSize: 77_777, as: Double.self) { doubles += $0 }
            #expect(sameBits(doubles, try file.readDoubles(name)), "\(name) as Double")
        }
        #expect(sameBits(try file.readFloats("big.f32"), big))
        #expect(sameBits(try file.readFloats("big.bf16"), bf16.map(BitPatterns.float(fromBFloat16:))))
        #expect(sameBits(try file.readDoubles("big.f64"), Array(f64)))
        #expect(sameBits(try file.readFloats("big.f64"), f64.map(Float.init)))
        #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
        #expect(sameBits(try file.readFloats("big.f16"), f16.map(Float.init)))
        #endif
    }

    @Test func concurrentReadsFromOneFile() async throws {
        let file = try roundTrip { w in
            for i in 0..<16 { try w.add("t\(i)", [Float](repeating: Float(i), count: 10_000), shape: [100, 100]) }
        }
        let sums = try await withThrowingTaskGroup(of: (Int, Float).self) { group in
            for i in 0..<16 {
                group.addTask {
                    var sum: Float = 0
                    try file.forEachChunk(of: "t\(i)", chunkSize: 999) { for v in $0 { sum += v } }
                    return (i, sum)
                }
            }
            var result: [Int: Float] = [:]
            for try await (i, sum) in group { result[i] = sum }
            return result
        }
        for i in 0..<16 { #expect(sums[i] == Float(i) * 10_000) }
    }

    @Test func handWrittenHeaderWithEscapesAndExtraKeys() throws {
        // Names with escapes, keys in odd order, extra keys, whitespace, null metadata.
        let header = #"{ "__metadata__" : null , "w\u00e9ight\"\ud83e\udd2b" : { "shape" : [ 2 ] , "extra": {"a": [1, 2.5e3, true, null]}, "data_offsets" : [ 0 , 8 ] , "dtype" : "F32" } } "#
        let data = [Float](arrayLiteral: 1, 2).flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let file = try SafetensorsFile(path: directory.write(safetensorsImage(header: header, data: data), to: "escapes.safetensors"))
        #expect(file.tensorNames == ["wéight\"🤫"])
        #expect(try file.readFloats("wéight\"🤫") == [1, 2])
        #expect(file.metadata.isEmpty)
        // Unpadded header and an empty file are fine too.
        let bare = try SafetensorsFile(path: directory.write(safetensorsImage(header: "{}", pad: false), to: "empty.safetensors"))
        #expect(bare.tensors.isEmpty)
    }

    @Test func gapsBetweenTensorsAreTolerated() throws {
        let header = #"{"b":{"dtype":"U8","shape":[2],"data_offsets":[6,8]},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#
        let file = try SafetensorsFile(path: directory.write(safetensorsImage(header: header, data: [1, 2, 0, 0, 0, 0, 3, 4]), to: "gap.safetensors"))
        #expect(file.tensorNames == ["a", "b"])
        #expect(try file.readElements("b", as: UInt8.self) == [3, 4])
    }

    @Test func handParserAgreesWithJSONSerialization() throws {
        var writer = SafetensorsWriter(metadata: ["k": "v"])
        var rng = SplitMix64(seed: 99)
        for i in 0..<500 {
            let rank = Int.random(in: 0...3, using: &rng)
            let shape = (0..<rank).map { _ in Int.random(in: 0...3, using: &rng) }
            let count = shape.reduce(1, *)
            try writer.add("layer.\(i).\"q\\u\"\u{7}.é", [Float](repeating: 1, count: count), shape: shape)
        }
        let image = writer.encode()
        let path = directory.write(image, to: "many.safetensors")
        let file = try SafetensorsFile(path: path)
        let length = image.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(image[8..<(8 + length)])) as? [String: Any])
        #expect(json.count == file.tensors.count + 1)
        for tensor in file.tensors {
            let entry = try #require(json[tensor.name] as? [String: Any])
            #expect(entry["dtype"] as? String == tensor.dtype.safetensorsName)
            #expect((entry["shape"] as? [Int]) == tensor.shape)
            #expect((entry["data_offsets"] as? [Int]) == [tensor.dataOffsets.lowerBound, tensor.dataOffsets.upperBound])
        }
    }
}
