import struct ExMy.SplitMix64
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TensorIO

/// A fresh temporary directory, removed when the value is deinitialised.
final class TemporaryDirectory {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.path
        let url = URL(fileURLWithPath: base).appendingPathComponent("tensorio-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` (in place, not atomically: this is fast enough to call thousands
    /// of times) and returns the path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) -> String {
        let target = file(name)
        // Replace by unlinking first: truncating an existing file makes ext4 flush it on close
        // (auto_da_alloc), which costs milliseconds per call.
        // Plain stdio, not the library's writers: those sync every file to disk before renaming it.
        _ = unlink(target)
        guard let file = fopen(target, "wb") else {
            Issue.record("cannot create \(target)")
            return target
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if fclose(file) != 0 || written != bytes.count { Issue.record("cannot write \(target)") }
        return target
    }
}

/// Decodes one of the embedded NumPy fixtures.
func fixture(_ name: String) -> [UInt8] {
    guard let text = NumpyFixtures.base64[name], let data = Data(base64Encoded: text) else {
        fatalError("no fixture \(name)")
    }
    return [UInt8](data)
}

/// Runs `body`, which must throw a ``TensorIOError``; returns it (recording an issue otherwise).
@discardableResult
func expectTensorIOError(
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> TensorIOError? {
    do {
        try body()
        Issue.record("expected a TensorIOError \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
        return nil
    } catch let error as TensorIOError {
        return error
    } catch {
        Issue.record("expected a TensorIOError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

extension TensorIOError.Kind {
    /// The case name, for compact assertions.
    var caseName: String {
        switch self {
        case .fileNotFound: return "fileNotFound"
        case .ioFailure: return "ioFailure"
        case .notARegularFile: return "notARegularFile"
        case .unusableOutput: return "unusableOutput"
        case .badMagic: return "badMagic"
        case .truncatedHeader: return "truncatedHeader"
        case .unsupportedVersion: return "unsupportedVersion"
        case .headerLengthBeyondFile: return "headerLengthBeyondFile"
        case .headerTooLarge: return "headerTooLarge"
        case .malformedHeader: return "malformedHeader"
        case .unsupportedDType: return "unsupportedDType"
        case .fortranOrder: return "fortranOrder"
        case .invalidShape: return "invalidShape"
        case .shapeMismatch: return "shapeMismatch"
        case .sizeOverflow: return "sizeOverflow"
        case .invalidDataOffsets: return "invalidDataOffsets"
        case .dataOffsetsOutOfRange: return "dataOffsetsOutOfRange"
        case .dataSizeMismatch: return "dataSizeMismatch"
        case .overlappingTensors: return "overlappingTensors"
        case .truncatedData: return "truncatedData"
        case .tensorNotFound: return "tensorNotFound"
        case .elementTypeMismatch: return "elementTypeMismatch"
        case .invalidArgument: return "invalidArgument"
        }
    }
}

/// A safetensors file image from a header string (padded to 8 bytes) and data bytes.
func safetensorsImage(header: String, data: [UInt8] = [], pad: Bool = true) -> [UInt8] {
    var json = Array(header.utf8)
    if pad { while json.count % 8 != 0 { json.append(0x20) } }
    var bytes: [UInt8] = []
    let length = UInt64(json.count)
    for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
    return bytes + json + data
}

/// A `.npy` image with a version 1.0 header holding `dict` verbatim, followed by `data`.
func npyImage(dict: String, data: [UInt8] = [], major: UInt8 = 1, minor: UInt8 = 0) -> [UInt8] {
    let text = Array((dict + "\n").utf8)
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, minor]
    if major == 1 {
        bytes += [UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
    } else {
        bytes += [UInt8(text.count & 0xFF), UInt8((text.count >> 8) & 0xFF), UInt8((text.count >> 16) & 0xFF), UInt8(text.count >> 24)]
    }
    return bytes + text + data
}

/// Bitwise equality for arrays (NaN payloads and signed zeros included); memcmp, so it is fast
/// even in debug builds.
func sameBits<T: BitwiseCopyable>(_ a: [T], _ b: [T]) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBytes { x in
        b.withUnsafeBytes { y in
            x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0
        }
    }
}

/// `count` pseudo-random floats, uniform in [-scale, scale), generated quickly.
func randomFloats(count: Int, scale: Float = 4, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        for i in 0..<count {
            let unit = Float(rng.next() >> 40) * 0x1p-24  // [0, 1)
            buffer[i] = (unit * 2 - 1) * scale
        }
        initialized = count
    }
}

