/// A shell-style pattern for selecting tensors by name.
///
/// - `*` matches any run of characters, including none and including `.`
///   (so `model.layers.*.mlp.*` matches `model.layers.0.mlp.up_proj.weight`);
/// - `?` matches exactly one character;
/// - `\` makes the next character literal (`\*` matches a `*`);
/// - every other character matches itself.
///
/// A pattern without `*` or `?` matches only the identical name. Matching works on Unicode
/// scalars and takes at most O(pattern × name) steps (no exponential backtracking).
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    private enum Token: Hashable {
        case literal(Unicode.Scalar)
        case anyOne
        case anyRun
    }

    /// The pattern as given.
    public let pattern: String
    private let tokens: [Token]

    /// Compiles `pattern`.
    public init(_ pattern: String) {
        self.pattern = pattern
        var tokens: [Token] = []
        var escaped = false
        for scalar in pattern.unicodeScalars {
            if escaped {
                tokens.append(.literal(scalar))
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "*" {
                if tokens.last != .anyRun { tokens.append(.anyRun) }
            } else if scalar == "?" {
                tokens.append(.anyOne)
            } else {
                tokens.append(.literal(scalar))
            }
        }
        if escaped { tokens.append(.literal("\\")) }
        self.tokens = tokens
    }

    /// Whether the pattern contains `*` or `?` (otherwise it names exactly one string).
    public var hasWildcards: Bool {
        tokens.contains { $0 == .anyRun || $0 == .anyOne }
    }

    /// Whether `name` matches the whole pattern.
    public func matches(_ name: String) -> Bool {
        let text = Array(name.unicodeScalars)
        var t = 0, p = 0
        var starToken = -1, starText = 0
        while t < text.count {
            if p < tokens.count {
                switch tokens[p] {
                case .anyRun:
                    starToken = p
                    starText = t
                    p += 1
                    continue
                case .anyOne:
                    t += 1; p += 1
                    continue
                case let .literal(scalar) where scalar == text[t]:
                    t += 1; p += 1
                    continue
                default:
                    break
                }
            }
            guard starToken >= 0 else { return false }
            // Let the last '*' absorb one more character and retry from there.
            starText += 1
            t = starText
            p = starToken + 1
        }
        while p < tokens.count, tokens[p] == .anyRun { p += 1 }
        return p == tokens.count
    }

    /// The pattern as given.
    public var description: String { pattern }
}
