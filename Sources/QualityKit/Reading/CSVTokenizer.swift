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

/// One CSV record: the fields' bytes (valid UTF-8 unless an issue says
/// otherwise) and the position of every field.
public struct CSVRecord: Sendable {
    /// The bytes the fields are ranges of: the chunk the tokenizer read them
    /// from when each field lies whole in it (no copy), else a copy of the fields.
    public var storage: [UInt8] = []
    /// Where each field is in `storage`, and where it starts in the file: the first
    /// `count`. The rest are left from earlier records and overwritten: a record is
    /// reused row after row, and emptying and refilling an array costs a check of
    /// its buffer per element.
    private var spans: [FieldSpan] = []
    public private(set) var count = 0
    /// The line the record starts on.
    public var line = 0
    public var issues: [SyntaxIssue] = []
    /// An empty line, or one of empty unquoted fields only (Excel's trailing `,,,`).
    public var isBlank = false
    /// Whether any field was quoted.
    var anyQuoted = false

    // While the tokenizer builds the record, fields are ranges of its chunk
    // until one is not a single run of it (a doubled quote, a chunk boundary,
    // a limit); from then on every field is copied into `owned`.
    private var owned: [UInt8] = []
    private var copying = false
    /// The open field's bytes in the chunk, while not copying (`fieldFrom` -1: none yet).
    private var fieldFrom = -1
    private var fieldTo = 0
    /// The open field's start in `owned`, while copying.
    private var ownedFieldStart = 0
    /// `storage` is `owned`, not a chunk.
    private var storageIsOwned = false

    public init() {}

    struct FieldSpan: Sendable {
        var start: Int
        var end: Int
        let position: TextPosition
    }

    public func range(_ i: Int) -> Range<Int> {
        precondition(i < count, "field \(i) of a record of \(count)")
        return spans[i].start..<spans[i].end
    }

    /// Where field `i` starts in the file.
    public func position(_ i: Int) -> TextPosition {
        precondition(i < count, "field \(i) of a record of \(count)")
        return spans[i].position
    }

    public var positions: [TextPosition] { spans[..<count].map(\.position) }

    /// The bytes of all fields together.
    public var byteCount: Int { spans[..<count].reduce(0) { $0 + $1.end - $1.start } }

    /// Field `i` as text (a field with undecodable bytes shows them as U+FFFD, and carries an issue).
    public func string(_ i: Int) -> String {
        storage.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range(i)]), as: UTF8.self) }
    }

    public var fields: [String] { (0..<count).map(string) }

    mutating func reset(line: Int) {
        // A chunk is kept for the next row, which is most likely read from it too;
        // `owned` is let go, so that it is emptied in place.
        if storageIsOwned {
            storage = []
            storageIsOwned = false
        }
        if !owned.isEmpty { owned.removeAll(keepingCapacity: true) }
        count = 0
        if !issues.isEmpty { issues.removeAll() }
        self.line = line
        isBlank = false
        anyQuoted = false
        copying = false
        fieldFrom = -1
        ownedFieldStart = 0
    }

    /// Adds `chunk[from..<to]` to the open field.
    @inline(__always)
    mutating func take(_ chunk: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        if !copying {
            if fieldFrom < 0 {
                fieldFrom = from
                fieldTo = to
                return
            }
            if from == fieldTo {
                fieldTo = to
                return
            }
            copyFields(chunk)
        }
        owned.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[from..<to]))
    }

    /// Copies the fields so far out of `chunk` (before it is replaced, or when a field is not one run of it).
    mutating func copyFields(_ chunk: UnsafeBufferPointer<UInt8>) {
        guard !copying else { return }
        copying = true
        for k in 0..<count {
            let range = spans[k].start..<spans[k].end
            spans[k].start = owned.count
            owned.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[range]))
            spans[k].end = owned.count
        }
        ownedFieldStart = owned.count
        if fieldFrom >= 0 { owned.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[fieldFrom..<fieldTo])) }
        fieldFrom = -1
    }

    /// The open field's bytes in the chunk, while they are one run of it (nil once copying).
    var openFieldRange: Range<Int>? {
        copying ? nil : fieldFrom < 0 ? 0..<0 : fieldFrom..<fieldTo
    }

    /// Ends the open field: kept as a field, or dropped (past the field limit).
    /// Returns its bytes when they hold a NUL or (with `validate`) are not valid UTF-8.
    mutating func closeField(_ chunk: UnsafeBufferPointer<UInt8>, at position: TextPosition, keep: Bool, validate: Bool, hasNUL: Bool) -> [UInt8]? {
        var bad: [UInt8]?
        if copying {
            if keep {
                owned.withUnsafeBufferPointer { b in
                    let field = UnsafeBufferPointer(rebasing: b[ownedFieldStart...])
                    if hasNUL || (validate && firstInvalidUTF8(field) != nil) { bad = Array(field) }
                }
                appendSpan(FieldSpan(start: ownedFieldStart, end: owned.count, position: position))
            } else {
                owned.removeSubrange(ownedFieldStart...)
            }
            ownedFieldStart = owned.count
        } else {
            if keep {
                let range = fieldFrom < 0 ? 0..<0 : fieldFrom..<fieldTo
                let field = UnsafeBufferPointer(rebasing: chunk[range])
                if hasNUL || (validate && firstInvalidUTF8(field) != nil) { bad = Array(field) }
                appendSpan(FieldSpan(start: range.lowerBound, end: range.upperBound, position: position))
            }
            fieldFrom = -1
        }
        return bad
    }

    private mutating func appendSpan(_ span: FieldSpan) {
        if count < spans.count {
            spans[count] = span
        } else {
            spans.append(span)
        }
        count += 1
    }

    /// Makes the fields of a simple line, read at once, the record's: each a range of
    /// the chunk, on `line`, starting at its column. The record has no field yet and
    /// copies nothing.
    mutating func setFields(_ fields: UnsafeBufferPointer<(start: Int, end: Int, column: Int, quoted: Bool)>, line: Int) {
        let blank = FieldSpan(start: 0, end: 0, position: TextPosition(line: 0, column: 0))
        if spans.count < fields.count { spans.append(contentsOf: repeatElement(blank, count: fields.count - spans.count)) }
        var quoted = false
        spans.withUnsafeMutableBufferPointer { s in
            for (k, f) in fields.enumerated() {
                s[k] = FieldSpan(start: f.start, end: f.end, position: TextPosition(line: line, column: f.column))
                quoted = quoted || f.quoted
            }
        }
        if quoted { anyQuoted = true }
        count = fields.count
    }

    /// Ends the record. Its fields are ranges of the chunk `buf` shows unless they were
    /// copied; `chunk` gives that chunk's array, asked for only when the record does not
    /// hold it already (taking it again for every row cost a retain and a release).
    @inline(__always)
    mutating func finish(_ buf: UnsafeBufferPointer<UInt8>, chunk: () -> [UInt8]) {
        if copying {
            storage = owned
            storageIsOwned = true
        } else if !storage.withUnsafeBufferPointer({ $0.baseAddress == buf.baseAddress && $0.count == buf.count }) {
            // The record holds its storage, so a buffer it holds is never another's address.
            storage = chunk()
        }
        isBlank = !anyQuoted && issues.isEmpty && spans[..<count].allSatisfy { $0.start == $0.end }
    }
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
/// and records over the size limits. A quote inside an unquoted field
/// (37°36'37.8"N) is kept as text, as csv-spectrum expects.
public final class CSVTokenizer {
    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterQuoteGarbage
    }

    private let reader: ChunkReader
    private let delimiter: UInt8
    private let limits: ReaderLimits
    /// The source encoding, named in messages about bytes that are not valid in it.
    private let encoding: TextEncoding
    private var chunk: [UInt8] = []
    private var index = 0
    /// The bytes of the chunks before `chunk`.
    private var bytesBeforeChunk = 0
    /// Where in `chunk` each of the first columns' last field checked as valid UTF-8
    /// lies: a field with the same bytes (the indicator of a series, repeated row after
    /// row) is not checked again. Empty: none yet.
    private let checkedFields = UnsafeMutableBufferPointer<Range<Int>>.allocate(capacity: 32)
    private var atEnd = false
    private var line = 1
    private var column = 1
    /// A CR ended the last line, so an LF right after it belongs to the same line end.
    private var pendingCR = false

    deinit {
        checkedFields.deallocate()
        lineFields.deallocate()
    }

    /// - Parameter firstLine: the line the input starts on, when it is the rest of a file.
    public init(reader: ChunkReader, delimiter: UInt8 = UInt8(ascii: ","), limits: ReaderLimits = .standard, encoding: TextEncoding = .utf8, firstLine: Int = 1) {
        self.reader = reader
        self.line = firstLine
        checkedFields.initialize(repeating: 0..<0)
        self.delimiter = delimiter
        self.limits = limits
        self.encoding = encoding
        readsSimpleLines = true
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D

    /// The next record, or nil at the end of the input.
    public func next() throws -> CSVRecord? {
        var record = CSVRecord()
        return try next(into: &record) ? record : nil
    }

    /// Reads record after record into `record`, handing each to `body`, until the input
    /// ends or `body` returns false: what `next(into:)` would read, one by one. A run of
    /// simple lines is read under one look at the chunk's bytes; a call to `next` for each
    /// took a reference to the chunk and let it go again, on every row.
    public func forEachRecord(into record: inout CSVRecord, _ body: (inout CSVRecord) -> Bool) throws {
        while true {
            var more = true
            if simpleLines, !pendingCR, index < chunk.count {
                let chunk = self.chunk
                chunk.withUnsafeBufferPointer { buf in
                    while more, index < buf.count {
                        record.reset(line: line)
                        guard let end = simpleLine(buf, from: index, line: line, &record) else { return }
                        index = end
                        line += 1
                        column = 1
                        more = body(&record)
                    }
                }
            }
            guard more, try next(into: &record), body(&record) else { return }
        }
    }

    /// Reads the next record into `record`, reusing its buffers; false at the end of the input.
    public func next(into record: inout CSVRecord) throws -> Bool {
        record.reset(line: line)
        var state = State.fieldStart
        var fieldPosition = TextPosition(line: line, column: column)
        var recordStarted = false
        var recordBytes = 0
        var overLimit = false
        var fieldQuoted = false
        var fieldHigh: UInt8 = 0  // OR of the field's bytes: ≥ 0x80 means non-ASCII
        var fieldHasNUL = false
        let delimiter = self.delimiter
        let delimiterWord = UInt64(delimiter) &* CSVTokenizer.ones

        func finishField(_ record: inout CSVRecord, _ buf: UnsafeBufferPointer<UInt8>) {
            let keep = record.count < limits.maxFields
            if !keep, !overLimit {
                overLimit = true
                record.issues.append(SyntaxIssue(code: .recordTooLarge, message: "record has more than \(limits.maxFields) fields", position: TextPosition(line: record.line, column: 1)))
            }
            var validate = fieldHigh >= 0x80
            let column = record.count
            let range = validate && keep ? record.openFieldRange : nil
            if let range, column < checkedFields.count, sameBytes(buf, range, checkedFields[column]) { validate = false }
            if let bad = record.closeField(buf, at: fieldPosition, keep: keep, validate: validate, hasNUL: fieldHasNUL) {
                record.issues.append(SyntaxIssue(code: .undecodable, message: undecodableMessage(bad), position: fieldPosition))
            } else if let range, column < checkedFields.count {
                checkedFields[column] = range
            }
            fieldQuoted = false
            fieldHigh = 0
            fieldHasNUL = false
        }

        func finishRecord(_ record: inout CSVRecord, _ buf: UnsafeBufferPointer<UInt8>) {
            record.finish(buf) { chunk }
        }

        while true {
            if index >= chunk.count {
                if atEnd { break }
                if let next = try reader.nextChunk() {
                    // A record under way keeps its fields before the chunk they are in goes.
                    if recordStarted { chunk.withUnsafeBufferPointer { record.copyFields($0) } }
                    bytesBeforeChunk += chunk.count
                    chunk = next
                    for k in checkedFields.indices { checkedFields[k] = 0..<0 }
                    index = 0
                    continue
                }
                atEnd = true
                break
            }
            // Work on the chunk's bytes directly; `done` is set when a record ends.
            var done = false
            try chunk.withUnsafeBufferPointer { (buf: UnsafeBufferPointer<UInt8>) throws in
                let n = buf.count
                var i = index
                // Hot state lives in locals while the chunk is scanned (no per-byte access checks).
                var line = self.line
                var column = self.column
                var pendingCR = self.pendingCR
                var lastWasCRInQuotes = self.lastWasCRInQuotes
                defer {
                    index = i
                    self.line = line
                    self.column = column
                    self.pendingCR = pendingCR
                    self.lastWasCRInQuotes = lastWasCRInQuotes
                }
                func endLine(_ byte: UInt8) {
                    line += 1
                    column = 1
                    if byte == CSVTokenizer.cr { pendingCR = true }
                }
                // Most records are one simple line: read at once, past the state machine.
                if !recordStarted, !pendingCR, simpleLines, let end = simpleLine(buf, from: i, line: line, &record) {
                    i = end
                    line += 1
                    column = 1
                    done = true
                    return
                }
                while i < n {
                    let byte = buf[i]
                    if pendingCR {
                        pendingCR = false
                        if byte == CSVTokenizer.lf {
                            i += 1
                            continue
                        }
                    }
                    if !recordStarted {
                        recordStarted = true
                        record.line = line
                    }
                    switch state {
                    case .fieldStart:
                        fieldPosition = TextPosition(line: line, column: column)
                        if byte == CSVTokenizer.quote {
                            state = .quoted
                            fieldQuoted = true
                            record.anyQuoted = true
                            i += 1
                            column += 1
                            recordBytes += 1
                        } else if byte == delimiter {
                            finishField(&record, buf)
                            i += 1
                            column += 1
                            recordBytes += 1
                        } else if byte == CSVTokenizer.lf || byte == CSVTokenizer.cr {
                            finishField(&record, buf)
                            i += 1
                            endLine(byte)
                            finishRecord(&record, buf)
                            done = true
                            return
                        } else {
                            state = .unquoted
                        }
                    case .unquoted:
                        // Take the run of plain bytes up to the next delimiter or line end at once.
                        var j = i
                        var high: UInt8 = 0
                        var scalars = 0
                        var nul = false
                        // Eight plain bytes at a time while no word holds a delimiter or a control byte.
                        let words = CSVTokenizer.plainWords(buf, from: j, stop: delimiterWord)
                        if words.count > 0 {
                            j += words.count
                            scalars += words.scalars
                            high = words.high
                        }
                        while j < n {
                            let b = buf[j]
                            if b == delimiter || b == CSVTokenizer.lf || b == CSVTokenizer.cr { break }
                            high |= b
                            if b & 0xC0 != 0x80 { scalars += 1 }
                            if b == 0 { nul = true }
                            j += 1
                        }
                        append(buf, i, j, &record, &recordBytes, &overLimit)
                        fieldHigh |= high
                        fieldHasNUL = fieldHasNUL || nul
                        column += scalars
                        i = j
                        if j < n {
                            let b = buf[j]
                            i += 1
                            finishField(&record, buf)
                            if b == delimiter {
                                column += 1
                                recordBytes += 1
                                state = .fieldStart
                            } else {
                                endLine(b)
                                finishRecord(&record, buf)
                                done = true
                                return
                            }
                        }
                    case .quoted:
                        var j = i
                        var high: UInt8 = 0
                        var nul = false
                        let words = CSVTokenizer.plainWords(buf, from: j, stop: CSVTokenizer.quoteWord)
                        if words.count > 0 {
                            j += words.count
                            column += words.scalars
                            high = words.high
                        }
                        while j < n {
                            let b = buf[j]
                            if b == CSVTokenizer.quote { break }
                            high |= b
                            if b == 0 { nul = true }
                            if b == CSVTokenizer.lf {
                                if !(j > i ? buf[j - 1] == CSVTokenizer.cr : lastWasCRInQuotes) {
                                    line += 1
                                }
                                column = 1
                            } else if b == CSVTokenizer.cr {
                                line += 1
                                column = 1
                            } else if b & 0xC0 != 0x80 {
                                column += 1
                            }
                            j += 1
                        }
                        lastWasCRInQuotes = j > i && buf[j - 1] == CSVTokenizer.cr
                        append(buf, i, j, &record, &recordBytes, &overLimit)
                        fieldHigh |= high
                        fieldHasNUL = fieldHasNUL || nul
                        i = j
                        if j < n {
                            // The quote: closing, or the first of a doubled pair.
                            i += 1
                            column += 1
                            recordBytes += 1
                            lastWasCRInQuotes = false
                            state = .quoteInQuoted
                        }
                    case .quoteInQuoted:
                        if byte == CSVTokenizer.quote {
                            append(buf, i, i + 1, &record, &recordBytes, &overLimit)
                            i += 1
                            column += 1
                            state = .quoted
                        } else if byte == delimiter {
                            finishField(&record, buf)
                            i += 1
                            column += 1
                            recordBytes += 1
                            state = .fieldStart
                        } else if byte == CSVTokenizer.lf || byte == CSVTokenizer.cr {
                            finishField(&record, buf)
                            i += 1
                            endLine(byte)
                            finishRecord(&record, buf)
                            done = true
                            return
                        } else {
                            record.issues.append(SyntaxIssue(code: .textAfterQuote, message: "text after the closing quote of a field; quote the whole field", position: TextPosition(line: line, column: column)))
                            state = .afterQuoteGarbage
                        }
                    case .afterQuoteGarbage:
                        if byte == delimiter {
                            finishField(&record, buf)
                            column += 1
                            state = .fieldStart
                        } else if byte == CSVTokenizer.lf || byte == CSVTokenizer.cr {
                            finishField(&record, buf)
                            i += 1
                            endLine(byte)
                            finishRecord(&record, buf)
                            done = true
                            return
                        } else if byte & 0xC0 != 0x80 {
                            column += 1
                        }
                        recordBytes += 1
                        i += 1
                    }
                }
            }
            if done { return true }
        }

        // End of input.
        guard recordStarted else { return false }
        if state == .quoted {
            endedInsideQuotes = true
            record.issues.append(SyntaxIssue(code: .unterminatedQuote, message: "quoted field is never closed; the quote opened here runs to the end of the file", position: fieldPosition))
        }
        if state != .fieldStart || record.count > 0 || fieldQuoted {
            if state == .fieldStart { fieldPosition = TextPosition(line: line, column: column) }
            chunk.withUnsafeBufferPointer { finishField(&record, $0) }
        }
        chunk.withUnsafeBufferPointer { finishRecord(&record, $0) }
        return true
    }

    /// Whether simple lines are read at once (off: every byte goes through the
    /// state machine, which tests hold the line path to). Never with a delimiter
    /// that is a control byte (a tab) or a quote, which the line's scan stops at.
    var readsSimpleLines: Bool {
        get { simpleLines }
        set { simpleLines = newValue && delimiter >= 0x20 && delimiter != CSVTokenizer.quote && delimiter != 0x7F }
    }
    private var simpleLines = false
    /// How many records were read as simple lines.
    private(set) var simpleLinesRead = 0
    /// A simple line's fields before they are taken (a line of more goes the long way).
    private let lineFields = UnsafeMutableBufferPointer<(start: Int, end: Int, column: Int, quoted: Bool)>.allocate(capacity: 64)

    /// Reads the record at `start` when it is a simple line: whole in this chunk,
    /// ended by LF or CRLF, no doubled quote, no control byte in it, every field valid
    /// UTF-8, within the limits. Then it is exactly what the state machine would
    /// read, and this returns the offset after its line end. Otherwise nil, with
    /// nothing changed: the state machine reads it and says what is wrong.
    @inline(__always)
    private func simpleLine(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, line: Int, _ record: inout CSVRecord) -> Int? {
        let n = buf.count
        let delimiter = self.delimiter
        let delimiterWord = UInt64(delimiter) &* CSVTokenizer.ones
        let lineFields = self.lineFields
        let checkedFields = self.checkedFields
        let maxFields = min(limits.maxFields, lineFields.count)
        var fields = 0
        var j = start
        var column = 1
        var lineEnd = -1
        var after = -1
        while true {
            // A field: plain bytes up to a delimiter or a control byte, or in quotes
            // (no doubled quote, no line break) up to the closing quote.
            let quoted = j < n && buf[j] == CSVTokenizer.quote
            let stop = quoted ? CSVTokenizer.quoteWord : delimiterWord
            let stopByte = quoted ? CSVTokenizer.quote : delimiter
            if quoted { j += 1 }
            let from = j
            let words = CSVTokenizer.plainWords(buf, from: j, stop: stop)
            j += words.count
            var scalars = words.scalars
            var high = words.high
            while j < n {
                let b = buf[j]
                if b == stopByte || b < 0x20 || b == 0x7F { break }
                high |= b
                if b & 0xC0 != 0x80 { scalars += 1 }
                j += 1
            }
            let to = j
            if quoted {
                // The closing quote, then a delimiter or the line end.
                guard j + 1 < n, buf[j] == CSVTokenizer.quote, buf[j + 1] != CSVTokenizer.quote else { return nil }
                j += 1
                scalars += 2
            }
            guard j < n, fields < maxFields else { return nil }
            if high >= 0x80 {
                let k = fields
                let range = from..<to
                if k >= checkedFields.count || !sameBytes(buf, range, checkedFields[k]) {
                    if firstInvalidUTF8(UnsafeBufferPointer(rebasing: buf[range])) != nil { return nil }
                    if k < checkedFields.count { checkedFields[k] = range }
                }
            }
            lineFields[fields] = (from, to, column, quoted)
            fields += 1
            column += scalars + 1
            let b = buf[j]
            if b == delimiter {
                j += 1
                continue
            }
            if b == CSVTokenizer.lf {
                lineEnd = j
                after = j + 1
            } else if b == CSVTokenizer.cr, j + 1 < n, buf[j + 1] == CSVTokenizer.lf {
                lineEnd = j
                after = j + 2
            } else {
                return nil
            }
            break
        }
        // An empty line is a record of one empty field; the state machine says so.
        guard lineEnd > start, lineEnd - start <= limits.maxRecordBytes else { return nil }
        record.line = line
        record.setFields(UnsafeBufferPointer(rebasing: lineFields[..<fields]), line: line)
        record.finish(buf) { chunk }
        simpleLinesRead += 1
        return after
    }

    /// Whether two stretches of the chunk hold the same bytes.
    @inline(__always)
    private func sameBytes(_ buf: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && QualityKit.sameBytes(UnsafeBufferPointer(rebasing: buf[a]), UnsafeBufferPointer(rebasing: buf[b]))
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080
    private static let quoteWord = UInt64(quote) &* ones

    /// The run of bytes from `from`, read eight at a time, up to the first byte of
    /// `stop` (a byte repeated in every lane) or control byte (line ends, NUL, tab),
    /// or to the last whole word: its length, its scalars (bytes that are not UTF-8
    /// continuations) and 0x80 if any byte is not ASCII. The byte loop takes the rest.
    @inline(__always)
    static func plainWords(_ buf: UnsafeBufferPointer<UInt8>, from: Int, stop: UInt64) -> (count: Int, scalars: Int, high: UInt8) {
        guard let base = buf.baseAddress else { return (0, 0, 0) }
        let raw = UnsafeRawPointer(base)
        var j = from
        var continuations = 0
        var any: UInt64 = 0
        while j + 8 <= buf.count {
            let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
            // A lane below 0x20, or equal to the stop byte (zero after xor), sets its high bit here.
            let x = w ^ stop
            let control = (w &- 0x2020_2020_2020_2020) & ~w & highBits
            let stopped = (x &- ones) & ~x & highBits
            let flagged = control | stopped
            if flagged != 0 {
                // The lowest flagged lane is a real one (a borrow only flags lanes above it):
                // the lanes below it are plain too.
                let plain = flagged.trailingZeroBitCount >> 3
                if plain > 0 {
                    let mask: UInt64 = (1 << (UInt64(plain) << 3)) &- 1
                    any |= w & mask
                    continuations += laneCount(w & ~(w << 1) & highBits & mask)
                    j += plain
                }
                break
            }
            any |= w
            continuations += laneCount(w & ~(w << 1) & highBits)
            j += 8
        }
        let count = j - from
        return (count, count - continuations, any & highBits != 0 ? 0x80 : 0)
    }

    /// How many lanes of `flags` (only high bits set) are set. One multiply: the
    /// portable x86-64 target has no popcount instruction, and `nonzeroBitCount`
    /// there is a dozen operations.
    @inline(__always)
    static func laneCount(_ flags: UInt64) -> Int {
        Int(((flags >> 7) &* ones) >> 56)
    }

    /// The input ended inside a quoted field. When the input is a stretch cut
    /// from a file at a line break, the cut was not a record boundary.
    public private(set) var endedInsideQuotes = false

    /// The line the next record starts on.
    var currentLine: Int { line }

    /// The input's bytes taken so far (as decoded, when it is transcoded), and how many
    /// its reader expects in all: how far through the input the tokenizer is, as a hint.
    var progress: (taken: Int, expected: Int?) { (bytesBeforeChunk + index, reader.expectedBytes) }

    /// Hands over the bytes read ahead but not yet tokenized (they start at a
    /// record boundary, on `currentLine`), whether the input is exhausted, and
    /// whether the last line ended with a CR, so that an LF first in what
    /// follows still belongs to it. The tokenizer must not be used afterwards.
    func takeUnread() -> (bytes: [UInt8], exhausted: Bool, pendingCR: Bool) {
        let rest = index < chunk.count ? Array(chunk[index...]) : []
        defer {
            chunk = []
            index = 0
        }
        return (rest, atEnd, pendingCR)
    }

    /// Whether the last byte taken inside quotes was a CR (a CRLF split across chunks counts one line).
    private var lastWasCRInQuotes = false

    @inline(__always)
    private func append(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ record: inout CSVRecord, _ recordBytes: inout Int, _ overLimit: inout Bool) {
        guard to > from else { return }
        recordBytes += to - from
        if recordBytes > limits.maxRecordBytes {
            if !overLimit {
                overLimit = true
                record.issues.append(SyntaxIssue(code: .recordTooLarge, message: "record is longer than \(limits.maxRecordBytes) bytes", position: TextPosition(line: record.line, column: 1)))
            }
            // Nothing more is kept: the fields so far are copied, so the rest of this chunk is not taken with them.
            record.copyFields(buf)
            return
        }
        record.take(buf, from, to)
    }

    private func endLine(_ byte: UInt8) {
        line += 1
        column = 1
        if byte == CSVTokenizer.cr { pendingCR = true }
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
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

/// Whether `bytes[from...]` is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
func isValidUTF8(_ bytes: [UInt8], from: Int = 0) -> Bool {
    bytes.withUnsafeBufferPointer { firstInvalidUTF8($0, from: from) == nil }
}

/// The offset of the first byte that does not start a valid UTF-8 sequence, or nil.
func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
    var i = from
    let n = b.count
    while i < n {
        let c = b[i]
        if c < 0x80 {
            i += 1
            continue
        }
        // Most of what is not ASCII here is Chinese: three bytes, lead E1–EC or EE–EF.
        if c & 0xF0 == 0xE0, i + 2 < n {
            let c1 = b[i + 1]
            if c1 & 0xC0 == 0x80, b[i + 2] & 0xC0 == 0x80, c != 0xE0 || c1 >= 0xA0, c != 0xED || c1 <= 0x9F {
                i += 3
                continue
            }
            return i
        }
        var need = 0
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return i
        }
        if i + need >= n { return i }
        if b[i + 1] < lo || b[i + 1] > hi { return i }
        if need >= 2 {
            for k in 2...need where b[i + k] < 0x80 || b[i + k] > 0xBF { return i }
        }
        i += need + 1
    }
    return nil
}

/// The offset of the first invalid byte (for messages); the last byte if none is found.
func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
    bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) } ?? max(0, bytes.count - 1)
}
