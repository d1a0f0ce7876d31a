/// RFC 4180 CSV: a header record, then one record per row, every record ended by CRLF; a field
/// holding a comma, quote or line break is quoted, with quotes doubled.
struct CSVTable {
    var header: [String]
    var rows: [[String]] = []

    init(header: [String]) { self.header = header }

    func rendered() -> String {
        var out = ""
        for record in [header] + rows {
            out += record.map(Self.field).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
