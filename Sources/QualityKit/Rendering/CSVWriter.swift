/// Writes CSV per RFC 4180 (CRLF line ends, quotes only where needed).
/// Text cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab, CR first) get a leading apostrophe; plain numbers such as `-0.1` stay numbers.
/// Control characters from data are written escaped, never raw.
public struct CSVWriter {
    /// The UTF-8 written so far.
    public private(set) var bytes: [UInt8] = []
    private let guardFormulas: Bool
    private let escapeControls: Bool
    private let delimiterByte: UInt8
    private let lineEnd: [UInt8]

    /// - Parameters:
    ///   - byteOrderMark: start with a UTF-8 BOM so Excel and WPS read Chinese correctly.
    ///   - guardFormulas, escapeControls: on for reports people open; off for data files
    ///     written to be read back exactly (`quality convert`).
    ///   - delimiter: an ASCII character (`,` or a tab).
    public init(byteOrderMark: Bool, guardFormulas: Bool = true, escapeControls: Bool = true, delimiter: Character = ",", lineEnd: String = "\r\n") {
        precondition(delimiter.isASCII, "a CSV delimiter is one ASCII character")
        if byteOrderMark { bytes = [0xEF, 0xBB, 0xBF] }
        self.guardFormulas = guardFormulas
        self.escapeControls = escapeControls
        self.delimiterByte = delimiter.asciiValue!
        self.lineEnd = Array(lineEnd.utf8)
    }

    /// What has been written, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Hands over the bytes written so far and starts again from nothing (no BOM):
    /// for a long table written out in pieces.
    public mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// Hands the bytes written so far to `emit` (readable only while it runs) and starts
    /// again from nothing in the same memory (no BOM): a long table's pieces are not copied.
    mutating func handOver(to emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer(emit)
        bytes.removeAll(keepingCapacity: true)
    }

    public mutating func row(_ cells: [String]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { bytes.append(delimiterByte) }
            append(cell)
        }
        bytes.append(contentsOf: lineEnd)
    }

    /// A cell: copied as it is when nothing in it needs a look (almost every cell
    /// of a report), else escaped, guarded and quoted by `appendField`.
    private mutating func append(_ cell: String) {
        var cell = cell
        let copied = cell.withUTF8 { utf8 -> Bool in
            if let first = utf8.first, guardFormulas, Self.formulaStarts.contains(first) { return false }
            guard nextUnsafeCharacter(utf8, from: 0, or: UInt8(ascii: "\""), delimiterByte) == nil else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if !copied { appendField(cell) }
    }

    private static let formulaStarts: [UInt8] = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D]

    /// The cell as written: controls escaped (line breaks stay), a leading
    /// apostrophe where a spreadsheet would see a formula, quotes where a
    /// delimiter, quote or line break is inside. Bytes are looked at, not
    /// characters: a delimiter followed by a combining mark is still a delimiter.
    private mutating func appendField(_ raw: String) {
        var value = escapeControls && Self.hasControlOtherThanLF(raw) ? escapingControlsExceptLineBreaks(raw) : raw
        let quote = UInt8(ascii: "\"")
        let guarded = guardFormulas && value.utf8.first.map(Self.formulaStarts.contains) == true && Figure(value) == nil
        value.withUTF8 { utf8 in
            let quoted = utf8.contains { $0 == delimiterByte || $0 == quote || $0 == 0x0A || $0 == 0x0D }
            if quoted { bytes.append(quote) }
            if guarded { bytes.append(UInt8(ascii: "'")) }
            for b in utf8 {
                bytes.append(b)
                if b == quote, quoted { bytes.append(quote) }
            }
            if quoted { bytes.append(quote) }
        }
    }

    private static func hasControlOtherThanLF(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            var from = 0
            while let hit = nextUnsafeCharacter(utf8, from: from, or: 0x0A, 0x0A) {
                if hit.scalar != 0x0A { return true }
                from = hit.at + hit.length
            }
            return false
        }
    }
}
