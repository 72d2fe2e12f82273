/// A 1-based line and column (in Unicode scalars) in a text file.
public struct TextPosition: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: TextPosition, b: TextPosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A problem the tokenizer found in a record; the record comes back with it.
public struct SyntaxIssue: Sendable, Hashable {
    public let code: DiagnosticCode
    public let message: String
    public let position: TextPosition
}

/// One CSV record with the position of every field.
public struct CSVRecord: Sendable {
    public var fields: [String]
    public var positions: [TextPosition]
    /// The line the record starts on.
    public var line: Int
    public var issues: [SyntaxIssue]
    /// An empty line, or one of empty unquoted fields only (Excel's trailing `,,,`).
    public var isBlank: Bool
}

/// Limits that keep one absurd record from exhausting memory.
public struct ReaderLimits: Sendable {
    public var maxRecordBytes: Int
    public var maxFields: Int
    public var maxJSONDepth: Int

    public static let standard = ReaderLimits(maxRecordBytes: 1 << 20, maxFields: 10_000, maxJSONDepth: 256)

    public init(maxRecordBytes: Int, maxFields: Int, maxJSONDepth: Int) {
        self.maxRecordBytes = maxRecordBytes
        self.maxFields = maxFields
        self.maxJSONDepth = maxJSONDepth
    }
}

/// A streaming RFC 4180 reader over UTF-8 bytes: quoted fields, doubled
/// quotes, delimiters and line breaks inside quotes; LF, CRLF and CR line ends.
/// Strict where a silent guess would lose data: an unterminated quote (reported
/// where it opens), text after a closing quote, bytes that are not valid text,
/// and records over the size limits.
public final class CSVTokenizer {
    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterQuoteGarbage
    }

    private let reader: ChunkReader
    private let delimiter: UInt8
    private let limits: ReaderLimits
    private var chunk: [UInt8] = []
    private var index = 0
    private var atEnd = false
    private var line = 1
    private var column = 1
    /// A CR was the last byte, so an LF right after it belongs to the same line end.
    private var pendingCR = false

    /// The source encoding, named in messages about bytes that are not valid in it.
    private let encoding: TextEncoding

    public init(reader: ChunkReader, delimiter: UInt8 = UInt8(ascii: ","), limits: ReaderLimits = .standard, encoding: TextEncoding = .utf8) {
        self.reader = reader
        self.encoding = encoding
        self.delimiter = delimiter
        self.limits = limits
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    /// The next record, or nil at the end of the input.
    public func next() throws -> CSVRecord? {
        var fields: [String] = []
        var positions: [TextPosition] = []
        var issues: [SyntaxIssue] = []
        var field: [UInt8] = []
        field.reserveCapacity(32)
        var state = State.fieldStart
        var fieldPosition = TextPosition(line: line, column: column)
        var recordLine = line
        var recordStarted = false
        var recordBytes = 0
        var overLimit = false
        var anyQuoted = false
        var fieldQuoted = false

        func finishField() {
            if fields.count >= limits.maxFields {
                if !overLimit {
                    overLimit = true
                    issues.append(
                        SyntaxIssue(
                            code: .recordTooLarge,
                            message: "record has more than \(limits.maxFields) fields",
                            position: TextPosition(line: recordLine, column: 1)))
                }
                field.removeAll(keepingCapacity: true)
                return
            }
            if let text = String(validating: field, as: UTF8.self), !field.contains(0) {
                fields.append(text)
            } else {
                issues.append(SyntaxIssue(code: .undecodable, message: undecodableMessage(field), position: fieldPosition))
                fields.append(String(decoding: field.filter { $0 != 0 }, as: UTF8.self))
            }
            positions.append(fieldPosition)
            field.removeAll(keepingCapacity: true)
            fieldQuoted = false
        }

        func makeRecord() -> CSVRecord {
            let blank = !anyQuoted && fields.allSatisfy { $0.isEmpty } && issues.isEmpty
            return CSVRecord(fields: fields, positions: positions, line: recordLine, issues: issues, isBlank: blank)
        }

        while true {
            if index >= chunk.count {
                if atEnd { break }
                if let next = try reader.nextChunk() {
                    chunk = next
                    index = 0
                    continue
                }
                atEnd = true
                break
            }
            let byte = chunk[index]
            index += 1

            if pendingCR {
                pendingCR = false
                if byte == CSVTokenizer.lf { continue }
            }

            if !recordStarted {
                recordStarted = true
                recordLine = line
            }
            recordBytes += 1
            if recordBytes > limits.maxRecordBytes, !overLimit {
                overLimit = true
                issues.append(
                    SyntaxIssue(
                        code: .recordTooLarge,
                        message: "record is longer than \(limits.maxRecordBytes) bytes",
                        position: TextPosition(line: recordLine, column: 1)))
            }

            let isNewline = byte == CSVTokenizer.lf || byte == CSVTokenizer.cr
            switch state {
            case .fieldStart:
                fieldPosition = TextPosition(line: line, column: column)
                if byte == CSVTokenizer.quote {
                    state = .quoted
                    fieldQuoted = true
                    anyQuoted = true
                } else if byte == delimiter {
                    finishField()
                } else if isNewline {
                    finishField()
                    endLine(byte)
                    return makeRecord()
                } else {
                    if !overLimit { field.append(byte) }
                    state = .unquoted
                }
            case .unquoted:
                if byte == delimiter {
                    finishField()
                    state = .fieldStart
                } else if isNewline {
                    finishField()
                    endLine(byte)
                    return makeRecord()
                } else {
                    // A quote inside an unquoted field (37°36'37.8"N) is kept as text, as csv-spectrum expects.
                    if !overLimit { field.append(byte) }
                }
            case .quoted:
                if byte == CSVTokenizer.quote {
                    state = .quoteInQuoted
                } else {
                    if !overLimit { field.append(byte) }
                    if isNewline {
                        // A line break inside quotes: count the line, keep the bytes.
                        line += 1
                        column = 1
                        if byte == CSVTokenizer.cr { pendingCRInsideQuotes(&field, overLimit: overLimit) }
                        continue
                    }
                }
            case .quoteInQuoted:
                if byte == CSVTokenizer.quote {
                    if !overLimit { field.append(byte) }
                    state = .quoted
                } else if byte == delimiter {
                    finishField()
                    state = .fieldStart
                } else if isNewline {
                    finishField()
                    endLine(byte)
                    return makeRecord()
                } else {
                    issues.append(
                        SyntaxIssue(
                            code: .textAfterQuote,
                            message: "text after the closing quote of a field; quote the whole field",
                            position: TextPosition(line: line, column: column)))
                    state = .afterQuoteGarbage
                }
            case .afterQuoteGarbage:
                if byte == delimiter {
                    finishField()
                    state = .fieldStart
                } else if isNewline {
                    finishField()
                    endLine(byte)
                    return makeRecord()
                }
            }
            if byte & 0xC0 != 0x80 { column += 1 }
        }

        // End of input.
        guard recordStarted else { return nil }
        if state == .quoted {
            issues.append(
                SyntaxIssue(
                    code: .unterminatedQuote,
                    message: "quoted field is never closed; the quote opened here runs to the end of the file",
                    position: fieldPosition))
        }
        if state != .fieldStart || !fields.isEmpty || fieldQuoted {
            if state == .fieldStart { fieldPosition = TextPosition(line: line, column: column) }
            finishField()
        }
        return makeRecord()
    }

    private func undecodableMessage(_ field: [UInt8]) -> String {
        if field.contains(0) { return "field contains a NUL byte; this looks like a binary file, not a table" }
        switch encoding {
        case .utf8, .utf8BOM:
            // Show the first bytes that do not decode, as hex.
            let bad = field[firstInvalidUTF8(field)...].prefix(6).map { String($0, radix: 16, uppercase: true).leftPadded(2) }
            return "field contains bytes that are not valid UTF-8 (\(bad.joined(separator: " "))); if the file is a GBK/GB18030 export from Excel or WPS, give --encoding gb18030"
        default:
            return "field contains bytes that are not valid \(encoding.rawValue.uppercased()); give the right --encoding or fix the file"
        }
    }

    /// Inside quotes a CR may be followed by LF; keep the LF as data but do not count a second line.
    private func pendingCRInsideQuotes(_ field: inout [UInt8], overLimit: Bool) {
        if index >= chunk.count, !atEnd, let next = try? reader.nextChunk() {
            chunk = next
            index = 0
        }
        if index < chunk.count, chunk[index] == CSVTokenizer.lf {
            index += 1
            if !overLimit { field.append(CSVTokenizer.lf) }
        }
    }

    private func endLine(_ byte: UInt8) {
        line += 1
        column = 1
        if byte == CSVTokenizer.cr { pendingCR = true }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

/// The offset of the first byte that does not start a valid UTF-8 sequence.
func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        let length = b < 0x80 ? 1 : (0xC2...0xDF).contains(b) ? 2 : (0xE0...0xEF).contains(b) ? 3 : (0xF0...0xF4).contains(b) ? 4 : 0
        guard length > 0, i + length <= bytes.count, String(validating: bytes[i..<(i + length)], as: UTF8.self) != nil else { return i }
        i += length
    }
    return max(0, bytes.count - 1)
}
