/// A scalar from a JSON record, with where it stands.
public struct JSONScalar: Sendable {
    public enum Kind: Sendable { case string, number, bool, null, nested }
    public let kind: Kind
    /// The string's text, the number's literal as written, `true`/`false`; empty for null.
    public let text: String
    public let position: TextPosition
}

/// One record of a JSON measurement file: its keys in order.
public struct JSONRecord: Sendable {
    public var fields: [(key: String, value: JSONScalar)]
    public var line: Int
    public var issues: [SyntaxIssue]
}

/// Reads `[ {...}, ... ]` or `{"measurements": [ ... ]}` one record at a time,
/// with line and column for every value, a depth limit, and strict RFC 8259
/// syntax (no trailing commas, no comments). A syntax error stops the file at
/// the place it is found; the records before it are kept.
public final class JSONStream {
    private let reader: ChunkReader
    private let limits: ReaderLimits
    private var chunk: [UInt8] = []
    private var index = 0
    private var atEnd = false
    private var line = 1
    private var column = 1
    private var started = false
    private var finished = false
    private var inArray = false
    private var expectComma = false
    /// Warnings about the top level (ignored keys), collected for the caller.
    public private(set) var notes: [SyntaxIssue] = []

    public struct Failure: Error, Sendable {
        public let issue: SyntaxIssue
    }

    public init(reader: ChunkReader, limits: ReaderLimits = .standard) {
        self.reader = reader
        self.limits = limits
    }

    private var position: TextPosition { TextPosition(line: line, column: column) }

    private func peek() throws -> UInt8? {
        while index >= chunk.count {
            if atEnd { return nil }
            if let next = try reader.nextChunk() {
                chunk = next
                index = 0
            } else {
                atEnd = true
                return nil
            }
        }
        return chunk[index]
    }

    private func advance() {
        guard index < chunk.count else { return }
        let byte = chunk[index]
        index += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private func skipSpace() throws {
        while let b = try peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
            // A run of blanks in this chunk at once: a pretty-printed file is a third indentation.
            var j = index + 1
            while j < chunk.count, chunk[j] == 0x20 { j += 1 }
            advance()
            column += j - index
            index = j
        }
    }

    private func fail(_ message: String, code: DiagnosticCode = .jsonSyntax, at position: TextPosition? = nil) -> Failure {
        Failure(issue: SyntaxIssue(code: code, message: message, position: position ?? self.position))
    }

    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "the end of the file" }
        if byte >= 0x20, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private func expect(_ byte: UInt8, _ what: String) throws {
        try skipSpace()
        guard try peek() == byte else { throw fail("expected \(what), found \(describe(try peek()))") }
        advance()
    }

    /// The next record, or nil at the end of the array.
    public func next() throws -> JSONRecord? {
        if finished { return nil }
        if !started {
            started = true
            try openRecords()
        }
        try skipSpace()
        if try peek() == UInt8(ascii: "]") {
            advance()
            try closeRecords()
            return nil
        }
        if expectComma {
            guard try peek() == UInt8(ascii: ",") else {
                throw fail("expected ',' or ']' after a record, found \(describe(try peek()))")
            }
            advance()
            try skipSpace()
            if try peek() == UInt8(ascii: "]") { throw fail("trailing comma before ']'") }
        }
        expectComma = true
        return try record()
    }

    /// Finds the array of records: the top level, or the `measurements` key.
    private func openRecords() throws {
        try skipSpace()
        guard let first = try peek() else { throw fail("the file is empty", code: .emptyFile) }
        if first == UInt8(ascii: "[") {
            advance()
            return
        }
        guard first == UInt8(ascii: "{") else {
            throw fail("expected an array of records or {\"measurements\": [...]}, found \(describe(first))", code: .jsonShape)
        }
        advance()
        var firstKey = true
        while true {
            try skipSpace()
            if try peek() == UInt8(ascii: "}") {
                throw fail("the object has no \"measurements\" array", code: .jsonShape)
            }
            if !firstKey { try expect(UInt8(ascii: ","), "','") ; try skipSpace() }
            firstKey = false
            let keyPosition = position
            guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a key, found \(describe(try peek()))") }
            let key = try string()
            try expect(UInt8(ascii: ":"), "':'")
            try skipSpace()
            if key == "measurements" {
                guard try peek() == UInt8(ascii: "[") else {
                    throw fail("\"measurements\" must be an array of records", code: .jsonShape)
                }
                advance()
                inArray = true
                return
            }
            notes.append(SyntaxIssue(code: .unusedColumn, message: "key '\(key)' is not read; only \"measurements\" is", position: keyPosition))
            _ = try value(depth: 1)
        }
    }

    private func closeRecords() throws {
        finished = true
        if inArray {
            // Whatever follows the measurements array at the top level is read for syntax only.
            while true {
                try skipSpace()
                guard let b = try peek() else { throw fail("the object is never closed") }
                if b == UInt8(ascii: "}") {
                    advance()
                    break
                }
                try expect(UInt8(ascii: ","), "','")
                try skipSpace()
                let keyPosition = position
                guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a key in quotes, found \(describe(try peek()))") }
                let key = try string()
                try expect(UInt8(ascii: ":"), "':'")
                notes.append(SyntaxIssue(code: .unusedColumn, message: "key '\(key)' is not read; only \"measurements\" is", position: keyPosition))
                _ = try value(depth: 1)
            }
        }
        try skipSpace()
        if let b = try peek() { throw fail("unexpected \(describe(b)) after the end of the JSON") }
    }

    private func record() throws -> JSONRecord {
        try skipSpace()
        let start = position
        guard try peek() == UInt8(ascii: "{") else {
            throw fail("expected a record (an object), found \(describe(try peek()))", code: .jsonShape)
        }
        advance()
        var fields: [(key: String, value: JSONScalar)] = []
        var issues: [SyntaxIssue] = []
        try skipSpace()
        if try peek() == UInt8(ascii: "}") {
            advance()
            return JSONRecord(fields: [], line: start.line, issues: [])
        }
        while true {
            try skipSpace()
            guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a key in quotes, found \(describe(try peek()))") }
            let keyPosition = position
            let key = try string()
            _ = keyPosition
            try expect(UInt8(ascii: ":"), "':'")
            try skipSpace()
            let valuePosition = position
            let parsed = try value(depth: 2)
            if case .nested = parsed.kind {
                issues.append(SyntaxIssue(code: .jsonShape, message: "value of '\(key)' is an object or array; a record holds text, numbers, true/false or null", position: valuePosition))
            }
            fields.append((key: key, value: JSONScalar(kind: parsed.kind, text: parsed.text, position: valuePosition)))
            try skipSpace()
            guard let b = try peek() else { throw fail("the record is never closed") }
            advance()
            if b == UInt8(ascii: "}") { break }
            guard b == UInt8(ascii: ",") else { throw fail("expected ',' or '}' in a record, found \(describe(b))") }
            try skipSpace()
            if try peek() == UInt8(ascii: "}") { throw fail("trailing comma before '}'") }
        }
        return JSONRecord(fields: fields, line: start.line, issues: issues)
    }

    /// Any value; nested values are read (with the depth limit) but not kept.
    private func value(depth: Int) throws -> (kind: JSONScalar.Kind, text: String) {
        if depth > limits.maxJSONDepth {
            throw fail("JSON nests deeper than \(limits.maxJSONDepth) levels", code: .jsonShape)
        }
        try skipSpace()
        guard let b = try peek() else { throw fail("expected a value, found the end of the file") }
        switch b {
        case UInt8(ascii: "\""):
            return (.string, try string())
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            advance()
            try skipSpace()
            if try peek() == close {
                advance()
                return (.nested, "")
            }
            while true {
                if close == UInt8(ascii: "}") {
                    try skipSpace()
                    guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a key in quotes, found \(describe(try peek()))") }
                    _ = try string()
                    try expect(UInt8(ascii: ":"), "':'")
                }
                _ = try value(depth: depth + 1)
                try skipSpace()
                guard let c = try peek() else { throw fail("a nested value is never closed") }
                advance()
                if c == close { return (.nested, "") }
                guard c == UInt8(ascii: ",") else { throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))', found \(describe(c))") }
            }
        case UInt8(ascii: "t"): try literal("true"); return (.bool, "true")
        case UInt8(ascii: "f"): try literal("false"); return (.bool, "false")
        case UInt8(ascii: "n"): try literal("null"); return (.null, "")
        default:
            return (.number, try number())
        }
    }

    private func literal(_ word: String) throws {
        for expected in word.utf8 {
            guard try peek() == expected else { throw fail("invalid literal; expected '\(word)'") }
            advance()
        }
    }

    private func number() throws -> String {
        var bytes: [UInt8] = []
        let start = position
        while let b = try peek(), b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || (b >= 0x30 && b <= 0x39)
        {
            bytes.append(b)
            advance()
            if bytes.count > 64 { throw fail("number is too long", at: start) }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard isJSONNumber(bytes) else {
            throw fail(bytes.isEmpty ? "expected a value, found \(describe(try peek()))" : "invalid number '\(text)'", at: start)
        }
        return text
    }

    private func isJSONNumber(_ b: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let s = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i - s
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        let n = digits()
        if n == 0 || (n > 1 && b[intStart] == 0x30) { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { return false }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == b.count
    }

    private func string() throws -> String {
        let start = position
        advance()  // opening quote
        var bytes: [UInt8] = []
        while true {
            // The plain text up to the next quote, backslash or control byte in this chunk, at once.
            var j = index
            var columns = 0
            while j < chunk.count {
                let c = chunk[j]
                if c == 0x22 || c == 0x5C || c < 0x20 { break }
                if c & 0xC0 != 0x80 { columns += 1 }
                j += 1
            }
            if j > index {
                bytes += chunk[index..<j]
                column += columns
                index = j
            }
            guard let b = try peek() else { throw fail("string is never closed", at: start) }
            if bytes.count > limits.maxRecordBytes { throw fail("string is longer than \(limits.maxRecordBytes) bytes", code: .recordTooLarge, at: start) }
            if b == UInt8(ascii: "\"") {
                advance()
                break
            }
            if b < 0x20 { throw fail("control character \(describe(b)) inside a string; escape it") }
            if b == UInt8(ascii: "\\") {
                advance()
                guard let e = try peek() else { throw fail("string is never closed", at: start) }
                advance()
                switch e {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard try peek() == UInt8(ascii: "\\") else { throw fail("unpaired surrogate in \\u escape") }
                        advance()
                        guard try peek() == UInt8(ascii: "u") else { throw fail("unpaired surrogate in \\u escape") }
                        advance()
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    guard scalar != 0, let u = Unicode.Scalar(scalar) else { throw fail("\\u0000 is not allowed in text") }
                    bytes += Array(String(Character(u)).utf8)
                default:
                    throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
                continue
            }
            bytes.append(b)
            advance()
        }
        // Checked by the readers' own UTF-8 check: `String(validating:as:)` looks its encoding's
        // type up at every call, a fifth of reading a JSON file.
        guard isValidUTF8(bytes) else {
            throw fail("string contains bytes that are not valid text in this encoding", code: .undecodable, at: start)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = try peek() else { throw fail("incomplete \\u escape") }
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v * 16 + d
            advance()
        }
        return v
    }
}
