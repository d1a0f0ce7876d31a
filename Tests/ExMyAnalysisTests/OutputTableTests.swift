import ExMyAnalysis
import Testing

/// Every renderer on one small table, against expected text typed in by hand.
struct OutputTableTests {
    /// Three columns (left, right, centre) with a comma, quotes, a pipe, `%` and `_` in the cells.
    static let demo = Table(
        title: "Demo",
        columns: [.init("name"), .init("value", alignment: .right), .init("note", alignment: .center)],
        rows: [["e2m1fn", "6", "max"], ["a_b", "-0.5", "x, \"y\""], ["50%", "nan", "p|q"]])

    @Test func text() {
        let expected = """
            Demo
            name    value   note
            ------  -----  ------
            e2m1fn      6   max
            a_b      -0.5  x, "y"
            50%       nan   p|q

            """
        #expect(Self.demo.render(.text) == expected)
    }

    @Test func markdown() {
        let expected = """
            **Demo**

            | name   | value |  note  |
            | :----- | ----: | :----: |
            | e2m1fn |     6 |  max   |
            | a_b    |  -0.5 | x, "y" |
            | 50%    |   nan |  p\\|q  |

            """
        #expect(Self.demo.render(.markdown) == expected)
    }

    @Test func csvQuotesAsRFC4180() {
        let expected = "name,value,note\r\n" + "e2m1fn,6,max\r\n" + "a_b,-0.5,\"x, \"\"y\"\"\"\r\n" + "50%,nan,p|q\r\n"
        #expect(Self.demo.render(.csv) == expected)
        // Line breaks force quotes too; plain spaces do not.
        let t = Table(headers: ["a", "b"], rows: [["two\nlines", "with space"], ["cr\rhere", "\"q\""]])
        #expect(t.renderCSV() == "a,b\r\n\"two\nlines\",with space\r\n\"cr\rhere\",\"\"\"q\"\"\"\r\n")
    }

    @Test func json() {
        let expected = """
            [
              {"name": "e2m1fn", "value": 6, "note": "max"},
              {"name": "a_b", "value": -0.5, "note": "x, \\"y\\""},
              {"name": "50%", "value": "nan", "note": "p|q"}
            ]

            """
        #expect(Self.demo.render(.json) == expected)
    }

    @Test func jsonEscapesAndKeys() {
        let t = Table(headers: ["v", "v", "s"], rows: [["1e-5", "inf", "tab\there\u{1}\\"], ["007", "-0", ""]])
        let expected = """
            [
              {"v": 1e-5, "v_2": "inf", "s": "tab\\there\\u0001\\\\"},
              {"v": "007", "v_2": -0, "s": ""}
            ]

            """
        #expect(t.renderJSON() == expected)
        #expect(Table(headers: ["a"]).renderJSON() == "[]\n")
    }

    @Test func latex() {
        let expected = """
            \\begin{table}[htbp]
            \\centering
            \\caption{Demo}
            \\begin{tabular}{lrc}
            \\hline
            name & value & note \\\\
            \\hline
            e2m1fn & 6 & max \\\\
            a\\_b & -0.5 & x, "y" \\\\
            50\\% & nan & p\\textbar{}q \\\\
            \\hline
            \\end{tabular}
            \\end{table}

            """
        #expect(Self.demo.render(.latex) == expected)
    }

    @Test func latexEscapesEverySpecialCharacter() {
        #expect(Table.latexEscaped(#"\ & % $ # _ { } ~ ^ < > |"#)
            == ##"\textbackslash{} \& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textless{} \textgreater{} \textbar{}"##)
        let untitled = Table(columns: [.init("x_1")], rows: [["$5"]])
        #expect(untitled.renderLaTeX() == "\\begin{tabular}{l}\n\\hline\nx\\_1 \\\\\n\\hline\n\\$5 \\\\\n\\hline\n\\end{tabular}\n")
    }

    @Test func shortRowsArePaddedAndLongRowsCut() {
        let t = Table(columns: [.init("a"), .init("b")], rows: [["1"], ["2", "3", "4"]])
        #expect(t.renderCSV() == "a,b\r\n1,\r\n2,3\r\n")
        #expect(t.renderText() == "a  b\n-  -\n1\n2  3\n")
    }

    @Test func headersInitialiserAlignsNumericColumnsRight() {
        let t = Table(headers: ["format", "max", "mixed", "empty"], rows: [["e4m3fn", "448", "1", ""], ["e5m2", "inf", "x", ""]])
        #expect(t.columns.map(\.alignment) == [.left, .right, .left, .left])
    }

    @Test func numericCells() {
        for s in ["0", "-0", "6", "-0.5", "1e-5", "1E+9", "2.50", "123456789012345678901234567890"] {
            #expect(Table.isNumeric(s), "\(s)")
        }
        for s in ["", "-", "nan", "inf", "+1", ".5", "5.", "01", "1e", "0x10", " 1", "1 ", "1,5", "--1"] {
            #expect(!Table.isNumeric(s), "\(s)")
        }
    }

    @Test func numberStyles() {
        #expect(Table.number(448) == "448")
        #expect(Table.number(-0.0) == "-0")
        #expect(Table.number(0.1) == "0.1")
        #expect(Table.number(0x1p-127) == "5.877471754111438e-39")
        #expect(Table.number(1e300) == "1e300")
        #expect(Table.number(.nan) == "nan")
        #expect(Table.number(-.infinity) == "-inf")
        #expect(Table.number(1.0 / 3, .significant(3)) == "0.333")
        #expect(Table.number(1e-5, .significant(2)) == "1e-5")
        #expect(Table.number(2.5, .fixed(2)) == "2.50")
        #expect(Table.number(1500, .scientific(2)) == "1.50e3")
        #expect(Table.number(0.00015, .scientific(1)) == "1.5e-4")
        // Every finite spelling is a JSON number.
        for v in [448, -0.0, 0.1, 0x1p-127, 1e300, 1.0 / 3] { #expect(Table.isNumeric(Table.number(v))) }
    }

    @Test func everyFormatEndsWithANewlineAndIsDeterministic() {
        for format in TableFormat.allCases {
            let a = Self.demo.render(format), b = Self.demo.render(format)
            #expect(a == b)
            #expect(a.unicodeScalars.last == "\n")
        }
        #expect(TableFormat.allCases.map(\.fileExtension) == ["txt", "md", "csv", "json", "tex"])
    }
}
