/// A terminal table aligned by display width (a CJK character takes two
/// columns); cells too long for their column wrap onto more lines, never cut.
public struct TextTable {
    public enum Alignment { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    /// Columns that may wrap, with their widest width.
    public var wrapLimits: [Int: Int]
    public var rows: [[String]] = []

    public init(headers: [String], alignments: [Alignment]? = nil, wrapLimits: [Int: Int] = [:]) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
        self.wrapLimits = wrapLimits
    }

    /// Adds a row; `\n` inside a cell starts a new line in it, every other control character is escaped.
    public mutating func add(_ row: [String]) { rows.append(row.map(escapingControlsExceptLineBreaks)) }

    public func render(colorHeader: Bool = false) -> String {
        let columnCount = headers.count
        /// A cell's lines, each with its display width. Cells hold no control character but
        /// line breaks (`add` escapes the rest), so a line break is a character of its own.
        func lines(_ cell: String, column: Int) -> [(text: String, width: Int)] {
            let parts = cell.utf8.contains(0x0A)
                ? cell.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(Substring($0)) }
                : [cell]
            let wrapped = wrapLimits[column].map { limit in parts.flatMap { wrap($0, width: limit) } } ?? parts
            return wrapped.map { ($0, displayWidth($0)) }
        }
        let head = headers.enumerated().map { [($0.element, displayWidth($0.element))] }
        let body = rows.map { row in (0..<columnCount).map { i in lines(i < row.count ? row[i] : "", column: i) } }
        var widths = [Int](repeating: 0, count: columnCount)
        for row in [head] + body {
            for (i, cellLines) in row.enumerated() {
                for line in cellLines { widths[i] = max(widths[i], line.width) }
            }
        }
        var out: [UInt8] = []
        /// The `k`th line of a row's cells, padded to the columns, two spaces between, none at the end.
        func put(_ row: [[(text: String, width: Int)]], line k: Int) {
            let start = out.count
            for i in 0..<columnCount {
                if i > 0 { out.append(contentsOf: [0x20, 0x20]) }
                let (text, width) = k < row[i].count ? row[i][k] : ("", 0)
                let pad = repeatElement(UInt8(0x20), count: max(0, widths[i] - width))
                if alignments[i] == .right { out.append(contentsOf: pad) }
                out.append(contentsOf: text.utf8)
                if alignments[i] == .left, i < columnCount - 1 { out.append(contentsOf: pad) }
            }
            while out.count > start, out.last == 0x20 { out.removeLast() }
        }
        put(head, line: 0)
        if colorHeader { out = Array(ANSI.bold(String(decoding: out, as: UTF8.self)).utf8) }
        out += Array(("\n" + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n").utf8)
        for row in body {
            for k in 0..<(row.map(\.count).max() ?? 1) {
                put(row, line: k)
                out.append(0x0A)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

enum ANSI {
    static func bold(_ s: String) -> String { "\u{1B}[1m\(s)\u{1B}[0m" }
    static func green(_ s: String) -> String { "\u{1B}[32m\(s)\u{1B}[0m" }
    static func red(_ s: String) -> String { "\u{1B}[31m\(s)\u{1B}[0m" }
    static func yellow(_ s: String) -> String { "\u{1B}[33m\(s)\u{1B}[0m" }
    static func dim(_ s: String) -> String { "\u{1B}[2m\(s)\u{1B}[0m" }
}
