import Foundation
import Testing

@testable import QualityKit

/// Scalars that must never reach a terminal raw: C0 (but line breaks), DEL, C1, bidi overrides.
func rawControls(_ text: String) -> [String] {
    text.unicodeScalars.filter { s in
        let v = s.value
        return (v < 0x20 && v != 0x0A && v != 0x0D) || (v >= 0x7F && v <= 0x9F) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }.map { String(format: "U+%04X", $0.value) }
}

@Suite struct OutputSafetyTests {
    static let invocations: [[String]] = [
        ["check", "hostile-controls.csv"],
        ["check", "--format", "json", "hostile-controls.csv"],
        ["check", "--format", "github", "hostile-controls.csv"],
        ["check", "--strict", "--verbose", "hostile-controls.csv"],
        ["report", "--data", "hostile-controls.csv", "--province", "jiangxi"],
        ["report", "--data", "hostile-controls.csv", "--by", "region", "--province", "jiangxi"],
        ["report", "--data", "hostile-controls.csv", "--province", "jiangxi", "--format", "markdown"],
        ["report", "--data", "hostile-controls.csv", "--province", "jiangxi", "--format", "json"],
        ["report", "--data", "hostile-controls.csv", "--by", "region", "--format", "json"],
        ["report", "--data", "hostile-controls.csv", "--province", "jiangxi", "--format", "csv"],
        ["report", "--data", "hostile-controls.csv", "--province", "jiangxi", "--format", "html"],
        ["diff", "edition-2023.csv", "hostile-controls.csv"],
        ["diff", "hostile-controls.csv", "edition-2023.csv", "--format", "json"],
        ["diff", "hostile-controls.csv", "edition-2023.csv", "--format", "markdown"],
        ["diff", "hostile-controls.csv", "edition-2023.csv", "--format", "csv"],
        ["targets", "--province", "\u{1B}[31mjiangxi"],
        ["report", "--format", "\u{07}json"],
        ["check", "\u{1B}]0;title\u{07}.csv"],
    ]

    /// Control characters in data never reach stdout or stderr raw, in any command or format.
    @Test(arguments: invocations)
    func noRawControlCharacters(_ arguments: [String]) {
        let plain = runQuality(arguments, tty: false)
        #expect(rawControls(plain.stdout).isEmpty, "stdout of \(arguments): \(rawControls(plain.stdout))")
        #expect(rawControls(plain.stderr).isEmpty, "stderr of \(arguments): \(rawControls(plain.stderr))")
        // On a terminal the only escapes are quality's own colours.
        let tty = runQuality(arguments, tty: true)
        var stripped = tty.stdout
        for sgr in ["\u{1B}[1m", "\u{1B}[0m", "\u{1B}[2m", "\u{1B}[31m", "\u{1B}[32m", "\u{1B}[33m"] {
            stripped = stripped.replacingOccurrences(of: sgr, with: "")
        }
        #expect(rawControls(stripped).isEmpty, "terminal stdout of \(arguments): \(rawControls(stripped))")
    }

    @Test func theEscapesShowWhatWasThere() {
        let out = runQuality(["check", "hostile-controls.csv"]).stdout
        #expect(out.contains("hostile-controls.csv:4:1: error: [Q201] unknown indicator 'forest\\u{1B}[5mcoverage'"))
        #expect(out.contains("hostile-controls.csv:5:17: error: [Q202] unknown region 'jiang\\u{1B}xi'"))
        #expect(out.contains("hostile-controls.csv:6:26: error: [Q203] year '20\\u{1B}15' is not a year from 1949 to 2100"))
        let csv = runQuality(["report", "--data", "hostile-controls.csv", "--by", "region", "--format", "csv"]).stdout
        #expect(csv.contains(",'=cmd\\u{7},"))
        #expect(csv.contains("东湖区\\u{1B}]0;pwned\\u{7} (360102)"))
        let json = runQuality(["report", "--data", "hostile-controls.csv", "--by", "region", "--format", "json"]).stdout
        #expect(json.contains("note\\u009b2J\\u202etxt"))
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "still valid JSON")
    }
}
