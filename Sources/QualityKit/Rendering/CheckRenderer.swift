/// The outcome of `quality check` over all its files.
public struct CheckOutcome: Sendable {
    public var files: [FileSummary]
    /// In file order, then by line, column and code.
    public var diagnostics: [Diagnostic]

    public var errors: Int { diagnostics.count { $0.severity == .error } }
    public var warnings: Int { diagnostics.count { $0.severity == .warning } }
    public var rows: Int { files.reduce(0) { $0 + $1.rows } }

    public init(files: [FileSummary], diagnostics: [Diagnostic], strict: Bool) {
        self.files = files
        let order = Dictionary(files.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { a, _ in a })
        var sorted = diagnostics.enumerated().sorted { a, b in
            let fa = order[a.element.location.file] ?? 0
            let fb = order[b.element.location.file] ?? 0
            if fa != fb { return fa < fb }
            if Diagnostic.ordered(a.element, b.element) { return true }
            if Diagnostic.ordered(b.element, a.element) { return false }
            return a.offset < b.offset
        }.map(\.element)
        if strict {
            for i in sorted.indices where sorted[i].severity == .warning { sorted[i].severity = .error }
        }
        self.diagnostics = sorted
    }
}

/// Renders check outcomes: compiler-style text, JSON, GitHub Actions commands.
enum CheckRenderer {
    static func text(_ outcome: CheckOutcome) -> String {
        outcome.diagnostics.map { $0.formatted + "\n" }.joined()
    }

    struct FileJSON: Encodable {
        let path, encoding, layout: String
        let rows, rowsRead, rowsRejected, values: Int
    }

    struct ProblemJSON: Encodable {
        let file: String
        let line: Int?
        let column: Int?
        let severity, code, message: String

        enum Keys: String, CodingKey { case file, line, column, severity, code, message }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(file, forKey: .file)
            try c.encode(line, forKey: .line)
            try c.encode(column, forKey: .column)
            try c.encode(severity, forKey: .severity)
            try c.encode(code, forKey: .code)
            try c.encode(message, forKey: .message)
        }
    }

    struct SummaryJSON: Encodable { let errors, warnings, rows, rowsRead, rowsRejected: Int }

    struct Document: Encodable {
        let files: [FileJSON]
        let problems: [ProblemJSON]
        let summary: SummaryJSON
    }

    static func json(_ outcome: CheckOutcome) -> String {
        encodeJSON(
            Document(
                files: outcome.files.map {
                    FileJSON(path: $0.path, encoding: $0.encoding, layout: $0.layout, rows: $0.rows, rowsRead: $0.rowsRead, rowsRejected: $0.rowsRejected, values: $0.values)
                },
                problems: outcome.diagnostics.map {
                    ProblemJSON(file: $0.location.file, line: $0.location.line, column: $0.location.column, severity: $0.severity.rawValue, code: $0.code.rawValue, message: $0.message)
                },
                summary: SummaryJSON(
                    errors: outcome.errors, warnings: outcome.warnings, rows: outcome.rows,
                    rowsRead: outcome.files.reduce(0) { $0 + $1.rowsRead }, rowsRejected: outcome.files.reduce(0) { $0 + $1.rowsRejected })))
    }

    /// `::error file=F,line=L,col=C,title=Q201::message`, escaped as the runner expects.
    static func github(_ outcome: CheckOutcome) -> String {
        var out = ""
        for d in outcome.diagnostics {
            var properties = ["file=\(escapeProperty(d.location.file))"]
            if let line = d.location.line { properties.append("line=\(line)") }
            if let column = d.location.column { properties.append("col=\(column)") }
            properties.append("title=\(d.code.rawValue)")
            out += "::\(d.severity.rawValue) \(properties.joined(separator: ","))::\(escapeData("[\(d.code.rawValue)] \(d.message)"))\n"
        }
        return out
    }

    static func escapeData(_ s: String) -> String {
        escapingControlsExceptLineBreaks(s)
            .replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// A markdown summary for `$GITHUB_STEP_SUMMARY`.
    static func stepSummary(_ outcome: CheckOutcome) -> String {
        var out = "### quality check\n\n"
        out += Markdown.table(
            headers: ["file", "encoding", "layout", "rows", "rejected"],
            rows: outcome.files.map { [$0.path, $0.encoding, $0.layout, String($0.rows), String($0.rowsRejected)] },
            rightAligned: [3, 4])
        out += "\n**\(outcome.errors) errors, \(outcome.warnings) warnings** in \(outcome.rows) rows.\n\n"
        let shown = outcome.diagnostics.prefix(50)
        if !shown.isEmpty {
            out += Markdown.table(
                headers: ["where", "severity", "code", "message"],
                rows: shown.map { d in
                    ["\(d.location.file):\(d.location.line.map(String.init) ?? ""):\(d.location.column.map(String.init) ?? "")", d.severity.rawValue, d.code.rawValue, d.message]
                })
            if outcome.diagnostics.count > shown.count { out += "\n… and \(outcome.diagnostics.count - shown.count) more.\n" }
        }
        return out
    }
}

/// Escapes control characters but leaves CR and LF for the caller's own escaping.
func escapingControlsExceptLineBreaks(_ s: String) -> String {
    s.split(separator: "\n", omittingEmptySubsequences: false).map { escapingControls(String($0)) }.joined(separator: "\n")
}
