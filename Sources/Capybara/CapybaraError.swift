/// An error raised by the Capybara module: an invalid constant or argument, a malformed number,
/// or a fit that the data cannot determine.
///
/// Every case carries enough context to print a message a command-line user can act on:
///
/// ```swift
/// do { _ = try CapybaraConstants(n: -1, alpha: 0.2368, d: 68973.0621, beta: 0.5162,
///                                epsilon: 1.9061, gamma: 11334.5197, delta: 3.1926, nu: 2.9543) }
/// catch { print(error) }   // constant n = -1.0 is invalid: must be a finite number > 0
/// ```
public enum CapybaraError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A constant of the law is outside the range the law needs.
    case invalidConstant(name: String, value: Double, requirement: String)
    /// An argument of a law function is outside the function's domain.
    case invalidArgument(name: String, value: Double, requirement: String)
    /// A number written for the command line could not be read.
    case malformedNumber(text: String, reason: String)
    /// A least-squares fit is not determined by its samples.
    case illPosedFit(reason: String)

    /// A one-line message naming the offending value and what was expected.
    public var description: String {
        switch self {
        case let .invalidConstant(name, value, requirement):
            return "constant \(name) = \(value) is invalid: must be \(requirement)"
        case let .invalidArgument(name, value, requirement):
            return "argument \(name) = \(value) is invalid: must be \(requirement)"
        case let .malformedNumber(text, reason):
            return "cannot read number \"\(text)\": \(reason)"
        case let .illPosedFit(reason):
            return "cannot fit the information-loss law: \(reason)"
        }
    }
}

// MARK: - Argument checks shared by the module

@inline(__always)
func requirePositive(_ value: Double, _ name: String) throws(CapybaraError) {
    guard value.isFinite, value > 0 else {
        throw .invalidArgument(name: name, value: value, requirement: "a finite number > 0")
    }
}

@inline(__always)
func requireBits(_ value: Double, _ name: String) throws(CapybaraError) {
    guard value.isFinite, value > -0.5 else {
        throw .invalidArgument(
            name: name, value: value,
            requirement: "a finite bit count > -0.5 (the law uses bits + 0.5)")
    }
}
