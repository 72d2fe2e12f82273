/// Writes CSV per RFC 4180 (CRLF line ends, quotes only where needed).
/// Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab, CR first) get a leading apostrophe; plain numbers such as `-0.1` stay numbers.
/// Control characters from data are written escaped, never raw.
public struct CSVWriter {
    public var text = ""
    private let guardFormulas: Bool
    private let escapeControls: Bool
    private let delimiter: Character
    private let lineEnd: String

    /// - Parameters:
    ///   - byteOrderMark: start with a UTF-8 BOM so Excel and WPS read Chinese correctly.
    ///   - guardFormulas, escapeControls: on for reports people open; off for data files
    ///     written to be read back exactly (`quality convert`).
    public init(byteOrderMark: Bool, guardFormulas: Bool = true, escapeControls: Bool = true, delimiter: Character = ",", lineEnd: String = "\r\n") {
        if byteOrderMark { text = "\u{FEFF}" }
        self.guardFormulas = guardFormulas
        self.escapeControls = escapeControls
        self.delimiter = delimiter
        self.lineEnd = lineEnd
    }

    public mutating func row(_ cells: [String]) {
        text += cells.map(field).joined(separator: String(delimiter)) + lineEnd
    }

    func field(_ raw: String) -> String {
        // Line breaks stay (quoted); ESC, BEL and the other controls are shown escaped.
        var value = escapeControls ? escapingControlsExceptLineBreaks(raw) : raw
        if guardFormulas, let first = value.unicodeScalars.first,
            ["=", "+", "-", "@", "\t", "\r"].contains(first), Figure(value) == nil
        {
            value = "'" + value
        }
        if value.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
