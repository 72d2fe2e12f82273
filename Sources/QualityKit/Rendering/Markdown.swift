/// Markdown that pastes cleanly into a report or an issue.
enum Markdown {
    /// A cell's text with pipes, emphasis, line breaks and HTML tags neutralised.
    static func cell(_ text: String) -> String {
        var out = ""
        let chars = Array(escapingControlsExceptLineBreaks(text))
        for (i, ch) in chars.enumerated() {
            switch ch {
            case "|": out += "\\|"
            case "\n", "\r\n": out += "<br>"
            case "<":
                // Only a `<` that could open an HTML tag is neutralised; `62.5 < 63` stays readable.
                let next = i + 1 < chars.count ? chars[i + 1] : " "
                out += (next.isLetter || next == "/" || next == "!" || next == "?") ? "&lt;" : "<"
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
