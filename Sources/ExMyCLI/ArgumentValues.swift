import ArgumentParser
import TensorIO

/// Parsing of option values that ArgumentParser's defaults get wrong for numbers.
///
/// Numeric options are declared `parsing: .unconditional`, so that `--block -1` hands `-1` to the
/// command (which says what range the option takes) instead of failing with "Missing value".
enum ArgumentValues {
    /// A seed: an integer 0 … 2^64 − 1 (`--seed -1` is refused with the range, not read as a flag).
    static func seed(_ option: String) -> @Sendable (String) throws -> UInt64 {
        { text in
            guard let v = UInt64(text) else {
                throw ValidationError("\(option) takes an integer from 0 to \(UInt64.max) (2^64 − 1)")
            }
            return v
        }
    }
}

/// A tensor-file error in the CLI's words: the file named once, and no library API.
func cliMessage(_ error: TensorIOError) -> String {
    if case .unsupportedDType(let dtype, nil) = error.kind, dtype.contains("anonymous void type") {
        let code = dtype.split(separator: " ").first.map(String.init) ?? dtype
        return "\(error.path): dtype '\(code)' is an anonymous void type (ml_dtypes writes bfloat16 and FP8 arrays so) and does not say which format it holds; save the array as float32, float64 or float16 (numpy: x.astype(np.float32))"
    }
    return error.description
}
