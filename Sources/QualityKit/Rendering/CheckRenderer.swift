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

    static func json(_ outcome: CheckOutcome) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("files")
        w.beginArray()
        for f in outcome.files {
            w.beginObject()
            w.key("encoding"); w.string(f.encoding)
            w.key("layout"); w.string(f.layout)
            w.key("path"); w.string(f.path)
            w.key("rows"); w.int(f.rows)
            w.key("rowsRead"); w.int(f.rowsRead)
            w.key("rowsRejected"); w.int(f.rowsRejected)
            w.key("values"); w.int(f.values)
            w.endObject()
        }
        w.endArray()
        w.key("problems")
        w.beginArray()
        for d in outcome.diagnostics {
            w.beginObject()
            w.key("code"); w.string(d.code.rawValue)
            w.key("column"); w.int(d.location.column)
            w.key("file"); w.string(d.location.file)
            w.key("line"); w.int(d.location.line)
            w.key("message"); w.string(d.message)
            w.key("severity"); w.string(d.severity.rawValue)
            w.endObject()
        }
        w.endArray()
        w.key("summary")
        w.counts([
            "errors": outcome.errors, "warnings": outcome.warnings, "rows": outcome.rows,
            "rowsRead": outcome.files.reduce(0) { $0 + $1.rowsRead }, "rowsRejected": outcome.files.reduce(0) { $0 + $1.rowsRejected },
        ])
        w.endObject()
        return w.text
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
