/// Writes CSV per RFC 4180 (CRLF line ends, quotes only where needed).
/// Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab, CR first) get a leading apostrophe; plain numbers such as `-0.1` stay numbers.
/// Control characters from data are written escaped, never raw.
public struct CSVWriter {
    public var text = ""
    private let guardFormulas: Bool

    /// - Parameter byteOrderMark: start with a UTF-8 BOM so Excel and WPS read Chinese correctly.
    public init(byteOrderMark: Bool, guardFormulas: Bool = true) {
        if byteOrderMark { text = "\u{FEFF}" }
        self.guardFormulas = guardFormulas
    }

    public mutating func row(_ cells: [String]) {
        text += cells.map(field).joined(separator: ",") + "\r\n"
    }

    func field(_ raw: String) -> String {
        // Line breaks stay (quoted); ESC, BEL and the other controls are shown escaped.
        var value = escapingControlsExceptLineBreaks(raw)
        if guardFormulas, let first = value.unicodeScalars.first,
            ["=", "+", "-", "@", "\t", "\r"].contains(first), Figure(value) == nil
        {
            value = "'" + value
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
