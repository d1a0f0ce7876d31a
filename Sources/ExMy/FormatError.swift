/// An error describing why a format description, a format spelling or a conversion request is invalid.
///
/// Every message says what is wrong and, where there is one, how to fix it.
public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The human-readable explanation.
    public let message: String

    /// Creates an error with the given explanation.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
