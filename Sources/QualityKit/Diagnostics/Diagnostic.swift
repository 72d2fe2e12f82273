/// Stable problem codes. Q1xx: the file cannot be read as a table; Q2xx: a
/// value is wrong for the catalog; Q3xx: rows disagree with each other or lack
/// provenance. The README lists them all; tests pin every message.
public enum DiagnosticCode: String, Sendable, CaseIterable, Codable {
    case emptyFile = "Q100"
    case badHeader = "Q101"
    case unterminatedQuote = "Q102"
    case textAfterQuote = "Q103"
    case fieldCount = "Q104"
    case recordTooLarge = "Q105"
    case undecodable = "Q106"
    case jsonSyntax = "Q107"
    case jsonShape = "Q108"
    case unusedColumn = "Q109"
    case unknownIndicator = "Q201"
    case unknownRegion = "Q202"
    case badYear = "Q203"
    case badValue = "Q204"
    case outOfRange = "Q205"
    case unitMismatch = "Q206"
    case missingKey = "Q207"
    case conflictingDuplicate = "Q301"
    case exactDuplicate = "Q302"
    case missingSource = "Q303"

    /// What the code is about, for the README table and `quality help codes`.
    public var summary: String {
        switch self {
        case .emptyFile: "the file cannot be read, is empty or has no header row; a directory holds no measurement file"
        case .badHeader: "the header lacks a required column, names one twice, or fits no layout"
        case .unterminatedQuote: "a quoted field is never closed (reported where it opens)"
        case .textAfterQuote: "text follows the closing quote of a field"
        case .fieldCount: "a row has more or fewer fields than the header"
        case .recordTooLarge: "a row is longer than 1 MiB or has more than 10,000 fields"
        case .undecodable: "bytes that are not valid in the file's encoding, or a NUL byte"
        case .jsonSyntax: "the JSON is malformed"
        case .jsonShape: "the JSON is not an array of records or {\"measurements\": [...]}, or nests too deep"
        case .unusedColumn: "a column or key that quality does not use (warning: its contents are not read)"
        case .unknownIndicator: "the indicator is not in the catalog"
        case .unknownRegion: "the region is not a province, the nation, or a GB/T 2260 code under a province"
        case .badYear: "the year is not a whole number from 1949 to 2100"
        case .badValue: "the value is not a number, or not a category where the target is categorical"
        case .outOfRange: "a rate outside 0–100, a count below 0, a score or index outside its scale"
        case .unitMismatch: "the unit contradicts the catalog's unit for the indicator"
        case .missingKey: "the indicator, region or year cell is empty"
        case .conflictingDuplicate: "the same indicator, region and year twice with different values"
        case .exactDuplicate: "the same row twice (warning)"
        case .missingSource: "a row without a source (warning)"
        }
    }
}

public enum Severity: String, Sendable, Codable {
    case error, warning
}

/// Where a problem is: a file, and a line and column in it when known.
public struct SourceLocation: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public init(file: String, _ position: TextPosition) {
        self.init(file: file, line: position.line, column: position.column)
    }
}

/// One problem found in input, compiler style.
public struct Diagnostic: Sendable, Hashable {
    public var severity: Severity
    public var location: SourceLocation
    public var code: DiagnosticCode
    public var message: String

    public init(_ severity: Severity, _ code: DiagnosticCode, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.code = code
        self.message = message
    }

    /// `FILE:LINE:COLUMN: error: [Q201] message`, with control characters escaped.
    public var formatted: String {
        var place = location.file
        if let line = location.line {
            place += ":\(line)"
            if let column = location.column { place += ":\(column)" }
        }
        return "\(escapingControls(place)): \(severity.rawValue): [\(code.rawValue)] \(escapingControls(message))"
    }

    /// Sorted by file order of appearance is kept by callers; within a file by line, column, code.
    public static func ordered(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        let la = (a.location.line ?? 0, a.location.column ?? 0, a.code.rawValue)
        let lb = (b.location.line ?? 0, b.location.column ?? 0, b.code.rawValue)
        return la < lb
    }
}

/// Quotes a value from the data for a message: 'x', shortened when very long.
func quoted(_ text: String, limit: Int = 60) -> String {
    if text.count <= limit { return "'\(text)'" }
    return "'\(text.prefix(limit))…'"
}
