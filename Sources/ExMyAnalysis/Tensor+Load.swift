import Foundation
import TensorIO

extension Tensor {
    /// Loads one floating-point tensor from a `.npy` file, or from a `.safetensors` file by exact
    /// name or by a glob that matches exactly one tensor (`name` may be omitted when the file holds
    /// a single floating-point tensor). float16, bfloat16 and float64 are widened to `Float`.
    public static func load(path: String, name: String?) throws -> Tensor {
        let floatTypes: [TensorDType] = [.float32, .float64, .float16, .bfloat16]
        if path.hasSuffix(".npy") {
            if name != nil { throw AnalysisError("a tensor name applies to .safetensors files only") }
            let file = try NpyFile(path: path)
            guard floatTypes.contains(file.dtype) else {
                throw AnalysisError("\(path): dtype \(file.dtype) is not a floating-point type (float32, float64, float16, bfloat16)")
            }
            try AnalysisMemory.check(AnalysisMemory.tensorBytes(elementCount: file.elementCount), for: "\(path): the array of shape \(file.shape)",
                                     advice: "give a smaller tensor")
            return try Tensor(name: (path as NSString).lastPathComponent, values: try file.readFloats(), shape: file.shape)
        }
        guard path.hasSuffix(".safetensors") else { throw AnalysisError("\(path): unknown file type (use .npy or .safetensors)") }
        let file = try SafetensorsFile(path: path, skippingUnsupportedDTypes: true)
        let candidates = (try name.map { file.contains($0) ? [try file.info($0)] : file.tensors(matching: $0) } ?? file.tensors)
            .filter { floatTypes.contains($0.dtype) }
        guard candidates.count == 1, let info = candidates.first else {
            let what = name.map { "'\($0)' matches \(candidates.count) floating-point tensors" } ?? "the file holds \(candidates.count) floating-point tensors"
            throw AnalysisError("\(path): \(what); name exactly one with --tensor (\(file.inventory()))")
        }
        try AnalysisMemory.check(AnalysisMemory.tensorBytes(elementCount: info.elementCount), for: "\(path): tensor '\(info.name)' of shape \(info.shape)",
                                 advice: "give a smaller tensor")
        return try Tensor(name: info.name, values: try file.readFloats(info.name), shape: info.shape)
    }
}
