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
        var widths = headers.map(displayWidth)
        let wrapped: [[[String]]] = rows.map { row in
            (0..<columnCount).map { i in
                let cell = i < row.count ? row[i] : ""
                if let limit = wrapLimits[i] { return cell.split(separator: "\n", omittingEmptySubsequences: false).flatMap { wrap(String($0), width: limit) } }
                return cell.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            }
        }
        for row in wrapped {
            for (i, lines) in row.enumerated() {
                for line in lines { widths[i] = max(widths[i], displayWidth(line)) }
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for i in 0..<columnCount {
                let cell = cells[i]
                let isLast = i == columnCount - 1
                if alignments[i] == .right {
                    parts.append(padLeft(cell, to: widths[i]))
                } else {
                    parts.append(isLast ? cell : padRight(cell, to: widths[i]))
                }
            }
            return parts.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = ""
        let header = line(headers)
        out += (colorHeader ? ANSI.bold(header) : header) + "\n"
        out += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in wrapped {
            let height = row.map(\.count).max() ?? 1
            for k in 0..<height {
                out += line(row.map { k < $0.count ? $0[k] : "" }) + "\n"
            }
        }
        return out
    }
}

enum ANSI {
    static func bold(_ s: String) -> String { "\u{1B}[1m\(s)\u{1B}[0m" }
    static func green(_ s: String) -> String { "\u{1B}[32m\(s)\u{1B}[0m" }
    static func red(_ s: String) -> String { "\u{1B}[31m\(s)\u{1B}[0m" }
    static func yellow(_ s: String) -> String { "\u{1B}[33m\(s)\u{1B}[0m" }
    static func dim(_ s: String) -> String { "\u{1B}[2m\(s)\u{1B}[0m" }
}
