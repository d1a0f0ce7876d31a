import Foundation

/// The output formats a ``Table`` renders to.
package enum TableFormat: String, CaseIterable, Hashable, Sendable, Codable {
    /// Aligned plain text for terminals.
    case text
    /// A GitHub-flavoured Markdown pipe table.
    case markdown
    /// Comma-separated values with RFC 4180 quoting.
    case csv
    /// A JSON array with one object per row, keyed by column header.
    case json
    /// A LaTeX `tabular`.
    case latex

    /// The customary file extension for this format, without the dot.
    package var fileExtension: String {
        switch self {
        case .text: return "txt"
        case .markdown: return "md"
        case .csv: return "csv"
        case .json: return "json"
        case .latex: return "tex"
        }
    }
}

/// A small table of text cells with a title and aligned columns, rendered as plain text,
/// Markdown, CSV, JSON or LaTeX.
///
/// Cells are strings; format numbers with ``number(_:_:)`` so that every renderer shows the same
/// digits. A cell whose text is a JSON number (`1`, `-0.5`, `6.25e-2`) counts as numeric: the JSON
/// renderer writes it as a number, every other cell (including `nan` and `inf`) as a string.
///
/// ```swift
/// var t = Table(title: "E2M1", headers: ["code", "value"])
/// t.append(["0x1", Table.number(0.5)])
/// print(t.render(.markdown))
/// ```
///
/// Rows shorter than the header are padded with empty cells; cells beyond the last column are not
/// rendered. Every rendering ends with a newline and is deterministic.
package struct Table: Hashable, Sendable {
    /// How a column's cells are aligned in the text, Markdown and LaTeX renderings.
    package enum Alignment: String, CaseIterable, Hashable, Sendable, Codable {
        /// Flush left.
        case left
        /// Flush right (the usual choice for numbers).
        case right
        /// Centred.
        case center
    }

    /// A column: its header and alignment.
    package struct Column: Hashable, Sendable {
        /// The header text (the key of the column in the JSON rendering).
        package var header: String
        /// How the column's cells are aligned.
        package var alignment: Alignment

        /// Creates a column.
        package init(_ header: String, alignment: Alignment = .left) {
            self.header = header
            self.alignment = alignment
        }
    }

    /// How ``number(_:_:)`` spells a `Double`.
    package enum NumberStyle: Hashable, Sendable {
        /// The shortest text that reads back as the same `Double`; integers without a fraction (`448`).
        case shortest
        /// At most the given number of significant digits (C's `%g`), exponent written `1e-5`.
        case significant(Int)
        /// Exactly the given number of digits after the decimal point (C's `%f`).
        case fixed(Int)
        /// Scientific notation with the given number of digits after the point (`1.50e3`).
        case scientific(Int)
    }

    /// The title, shown above the text and Markdown renderings and as the LaTeX caption; CSV and
    /// JSON leave it out.
    package var title: String?
    /// The columns, left to right.
    package var columns: [Column]
    /// The rows of cells, top to bottom.
    package var rows: [[String]]

    /// Creates a table from columns with explicit alignments.
    package init(title: String? = nil, columns: [Column], rows: [[String]] = []) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    /// Creates a table from header texts. A column is right-aligned when it has at least one
    /// non-empty cell and every non-empty cell is a number (``isNumeric(_:)``, or `nan`/`inf`/`-inf`);
    /// otherwise it is left-aligned.
    package init(title: String? = nil, headers: [String], rows: [[String]] = []) {
        let columns = headers.enumerated().map { index, header -> Column in
            let cells = rows.compactMap { index < $0.count ? $0[index] : nil }.filter { !$0.isEmpty }
            let numeric = !cells.isEmpty && cells.allSatisfy { Table.isNumeric($0) || Table.specialNumbers.contains($0.lowercased()) }
            return Column(header, alignment: numeric ? .right : .left)
        }
        self.init(title: title, columns: columns, rows: rows)
    }

    /// Appends a row.
    package mutating func append(_ row: [String]) { rows.append(row) }

    /// Renders the table in `format`.
    package func render(_ format: TableFormat) -> String {
        switch format {
        case .text: return renderText()
        case .markdown: return renderMarkdown()
        case .csv: return renderCSV()
        case .json: return renderJSON()
        case .latex: return renderLaTeX()
        }
    }

    // MARK: Cells

    static let specialNumbers: Set<String> = ["nan", "-nan", "+nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"]

    /// The rows padded or cut to the number of columns.
    var normalizedRows: [[String]] {
        rows.map { row in
            (0..<columns.count).map { $0 < row.count ? row[$0] : "" }
        }
    }

    /// Whether `cell` is a number in JSON's grammar: an optional `-`, an integer part without
    /// leading zeros, an optional fraction and an optional exponent (`0`, `-1.5`, `2e-3`, `1E+9`).
    /// `nan`, `inf`, `+1`, `.5`, `0x10` and text with spaces are not.
    package static func isNumeric(_ cell: String) -> Bool {
        let s = Array(cell.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < s.count, s[i] == UInt8(ascii: "-") { i += 1 }
        guard i < s.count else { return false }
        if s[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            return false
        }
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < s.count, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
            i += 1
            if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == s.count
    }

    /// Spells `value` for a cell: `nan`, `inf` and `-inf` for the special values, otherwise as
    /// `style` says. Finite results are JSON numbers (see ``isNumeric(_:)``), so the JSON rendering
    /// writes them as numbers.
    ///
    /// ```swift
    /// Table.number(448)                    // "448"
    /// Table.number(0.1)                    // "0.1"
    /// Table.number(1.0 / 3, .significant(3)) // "0.333"
    /// Table.number(1e-5, .significant(2))  // "1e-5"
    /// Table.number(2.5, .fixed(2))         // "2.50"
    /// Table.number(1500, .scientific(2))   // "1.50e3"
    /// ```
    package static func number(_ value: Double, _ style: NumberStyle = .shortest) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        switch style {
        case .shortest:
            if value == value.rounded(), abs(value) < 0x1p53 {
                return value == 0 && value.sign == .minus ? "-0" : String(Int64(value))
            }
            return tidyExponent(value.description)
        case .significant(let n):
            return tidyExponent(String(format: "%.\(max(1, n))g", value))
        case .fixed(let n):
            return String(format: "%.\(max(0, n))f", value)
        case .scientific(let n):
            return tidyExponent(String(format: "%.\(max(0, n))e", value))
        }
    }

    /// `1e-05` → `1e-5`, `1.5e+03` → `1.5e3`.
    static func tidyExponent(_ text: String) -> String {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        let mantissa = text[..<e]
        var exponent = Substring(text[text.index(after: e)...])
        var negative = false
        if exponent.first == "+" || exponent.first == "-" {
            negative = exponent.first == "-"
            exponent = exponent.dropFirst()
        }
        exponent = exponent.drop { $0 == "0" }
        if exponent.isEmpty { exponent = "0" }
        return String(mantissa) + "e" + (negative ? "-" : "") + String(exponent)
    }

    // MARK: Plain text

    /// Pads `text` to `width` characters.
    static func pad(_ text: String, to width: Int, _ alignment: Alignment) -> String {
        let gap = max(0, width - text.count)
        switch alignment {
        case .left: return text + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + text
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: gap - left)
        }
    }

    static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = line
        while line.last == " " { line.removeLast() }
        return line
    }

    /// Aligned plain text: the title, the header, a rule of dashes under each column, the rows.
    /// Columns are separated by two spaces; trailing spaces are removed; line breaks inside cells
    /// become spaces.
    package func renderText() -> String {
        let clean: (String) -> String = { $0.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ") }
        let header = columns.map { clean($0.header) }
        let body = normalizedRows.map { $0.map(clean) }
        let widths = columns.indices.map { c in ([header[c].count] + body.map { $0[c].count }).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            Self.trimmingTrailingSpaces(columns.indices.map { Self.pad(cells[$0], to: widths[$0], columns[$0].alignment) }.joined(separator: "  "))
        }
        var out = ""
        if let title { out += clean(title) + "\n" }
        out += line(header) + "\n"
        out += widths.map { String(repeating: "-", count: max(1, $0)) }.joined(separator: "  ") + "\n"
        for row in body { out += line(row) + "\n" }
        return out
    }

    // MARK: Markdown

    /// A GitHub-flavoured Markdown pipe table, padded so that the source is aligned too. The title,
    /// when present, is a bold paragraph above the table. `|` in cells is escaped as `\|` and line
    /// breaks become `<br>`.
    package func renderMarkdown() -> String {
        let escape: (String) -> String = {
            $0.replacingOccurrences(of: "|", with: "\\|")
                .replacingOccurrences(of: "\r\n", with: "<br>").replacingOccurrences(of: "\n", with: "<br>")
                .replacingOccurrences(of: "\r", with: "<br>")
        }
        let header = columns.map { escape($0.header) }
        let body = normalizedRows.map { $0.map(escape) }
        let widths = columns.indices.map { c in max(3, ([header[c].count] + body.map { $0[c].count }).max() ?? 0) }
        func line(_ cells: [String]) -> String {
            "| " + columns.indices.map { Self.pad(cells[$0], to: widths[$0], columns[$0].alignment) }.joined(separator: " | ") + " |"
        }
        let rule = columns.indices.map { c -> String in
            let w = widths[c]
            switch columns[c].alignment {
            case .left: return ":" + String(repeating: "-", count: w - 1)
            case .right: return String(repeating: "-", count: w - 1) + ":"
            case .center: return ":" + String(repeating: "-", count: w - 2) + ":"
            }
        }
        var out = ""
        if let title { out += "**" + title.replacingOccurrences(of: "\n", with: " ") + "**\n\n" }
        out += line(header) + "\n"
        out += "| " + rule.joined(separator: " | ") + " |\n"
        for row in body { out += line(row) + "\n" }
        return out
    }

    // MARK: CSV

    /// Quotes one CSV field as RFC 4180 asks: fields containing a comma, a double quote, CR or LF
    /// are enclosed in double quotes, with inner double quotes doubled.
    package static func csvField(_ text: String) -> String {
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// RFC 4180 CSV: a header record, then one record per row, every record ended by CRLF. The
    /// title is not written.
    package func renderCSV() -> String {
        var out = columns.map { Self.csvField($0.header) }.joined(separator: ",") + "\r\n"
        for row in normalizedRows {
            out += row.map(Self.csvField).joined(separator: ",") + "\r\n"
        }
        return out
    }

    // MARK: JSON

    /// A JSON string literal for `text` (quotes, backslashes and control characters escaped).
    package static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A JSON array with one object per row, keys in column order. Numeric cells
    /// (``isNumeric(_:)``) are JSON numbers; every other cell, `nan` and `inf` included, is a
    /// string. A repeated header gets a suffix (`value`, `value_2`) so that keys stay unique. The
    /// title is not written.
    package func renderJSON() -> String {
        var seen: [String: Int] = [:]
        let keys = columns.map { column -> String in
            let n = (seen[column.header] ?? 0) + 1
            seen[column.header] = n
            return n == 1 ? column.header : "\(column.header)_\(n)"
        }
        let body = normalizedRows
        guard !body.isEmpty else { return "[]\n" }
        var lines: [String] = []
        for row in body {
            let fields = columns.indices.map { c in
                Self.jsonString(keys[c]) + ": " + (Self.isNumeric(row[c]) ? row[c] : Self.jsonString(row[c]))
            }
            lines.append("  {" + fields.joined(separator: ", ") + "}")
        }
        return "[\n" + lines.joined(separator: ",\n") + "\n]\n"
    }

    // MARK: LaTeX

    /// Escapes LaTeX's special characters (`\ & % $ # _ { } ~ ^ < > |`) so that `text` prints as
    /// written; line breaks become spaces.
    package static func latexEscaped(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "&": out += "\\&"
            case "%": out += "\\%"
            case "$": out += "\\$"
            case "#": out += "\\#"
            case "_": out += "\\_"
            case "{": out += "\\{"
            case "}": out += "\\}"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "<": out += "\\textless{}"
            case ">": out += "\\textgreater{}"
            case "|": out += "\\textbar{}"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    /// A LaTeX `tabular` with `\hline` rules (no packages needed). With a title, the tabular sits in
    /// a centred `table` float whose `\caption` is the title.
    package func renderLaTeX() -> String {
        let spec = columns.map { column -> String in
            switch column.alignment {
            case .left: return "l"
            case .right: return "r"
            case .center: return "c"
            }
        }.joined()
        func line(_ cells: [String]) -> String { cells.map(Self.latexEscaped).joined(separator: " & ") + " \\\\\n" }
        var tabular = "\\begin{tabular}{\(spec)}\n\\hline\n"
        tabular += line(columns.map(\.header))
        tabular += "\\hline\n"
        for row in normalizedRows { tabular += line(row) }
        tabular += "\\hline\n\\end{tabular}\n"
        guard let title else { return tabular }
        return "\\begin{table}[htbp]\n\\centering\n\\caption{\(Self.latexEscaped(title))}\n" + tabular + "\\end{table}\n"
    }
}
