/// Markdown that pastes cleanly into a report or an issue.
enum Markdown {
    /// A cell's text with pipes, line breaks and HTML-significant characters neutralised.
    static func cell(_ text: String) -> String {
        var out = ""
        for ch in escapingControls(text) {
            switch ch {
            case "|": out += "\\|"
            case "\n", "\r\n": out += "<br>"
            case "<": out += "&lt;"
            case "\\": out += "\\\\"
            case "*", "_", "`", "[", "]": out += "\\\(ch)"
            default: out.append(ch)
            }
        }
        return out
    }

    static func table(headers: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var out = "| " + headers.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + headers.indices.map { rightAligned.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows {
            out += "| " + row.map(cell).joined(separator: " | ") + " |\n"
        }
        return out
    }
}
