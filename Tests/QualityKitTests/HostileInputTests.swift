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

/// Bytes made on the fly: `prefix`, then `count` copies of `byte`, then `suffix`.
final class GeneratedChunkReader: ChunkReader {
    private var pending: [[UInt8]]
    private var remaining: Int
    private let byte: UInt8
    private let suffix: [UInt8]

    init(prefix: String = "", byte: UInt8, count: Int, suffix: String = "") {
        pending = prefix.isEmpty ? [] : [Array(prefix.utf8)]
        remaining = count
        self.byte = byte
        self.suffix = Array(suffix.utf8)
    }

    func nextChunk() throws -> [UInt8]? {
        if !pending.isEmpty { return pending.removeFirst() }
        if remaining > 0 {
            let n = min(remaining, 1 << 20)
            remaining -= n
            return [UInt8](repeating: byte, count: n)
        }
        if !suffix.isEmpty, !suffixTaken {
            suffixTaken = true
            return suffix
        }
        return nil
    }

    private var suffixTaken = false
}

func checkStream(_ reader: ChunkReader, name: String = "big.csv") -> (MeasurementReader, FileSummary) {
    let r = MeasurementReader(catalog: .embedded)
    let summary = r.read(path: name, from: reader)
    return (r, summary)
}

@Suite struct ResourceBoundTests {
    @Test func aHugeSingleLineIsOneErrorAndBoundedStorage() throws {
        let header = "indicator,region,year,value,source\n"
        let (reader, summary) = checkStream(GeneratedChunkReader(prefix: header, byte: UInt8(ascii: "x"), count: 24 << 20, suffix: "\nforest_coverage,jiangxi,2015,63.1,x\n"))
        #expect(reader.diagnostics.map(\.formatted) == ["big.csv:2:1: error: [Q105] record is longer than 1048576 bytes"])
        #expect(summary.rows == 2 && summary.rowsRead == 1 && summary.rowsRejected == 1)
        // The tokenizer never holds more than the limit of one record.
        let tokenizer = CSVTokenizer(reader: GeneratedChunkReader(byte: UInt8(ascii: "y"), count: 8 << 20))
        var record = CSVRecord()
        _ = try tokenizer.next(into: &record)
        #expect(record.byteCount <= ReaderLimits.standard.maxRecordBytes)
    }

    @Test func aMillionColumns() {
        let (reader, summary) = checkStream(GeneratedChunkReader(prefix: "indicator,region,year,value,source\n", byte: UInt8(ascii: ","), count: 1_000_000, suffix: "\n"))
        #expect(reader.diagnostics.map(\.formatted) == ["big.csv:2:1: error: [Q105] record has more than 10000 fields"])
        #expect(summary.rowsRejected == 1)
        let header = checkStream(GeneratedChunkReader(byte: UInt8(ascii: ","), count: 1_000_000, suffix: "\n")).0
        #expect(header.diagnostics.first?.formatted == "big.csv:1:1: error: [Q105] record has more than 10000 fields")
    }

    @Test func jsonNestedTwoHundredThousandDeep() {
        let (reader, _) = checkStream(GeneratedChunkReader(byte: UInt8(ascii: "["), count: 200_000), name: "deep.json")
        #expect(reader.diagnostics.map(\.formatted) == ["deep.json:1:2: error: [Q108] expected a record (an object), found '['"])
        let nested = checkStream(GeneratedChunkReader(prefix: "[{\"indicator\": ", byte: UInt8(ascii: "["), count: 200_000), name: "deep.json").0
        #expect(nested.diagnostics.map(\.formatted) == ["deep.json:1:271: error: [Q108] JSON nests deeper than 256 levels"])
    }

    @Test func aFileOfNULBytes() {
        let (reader, summary) = checkStream(GeneratedChunkReader(byte: 0, count: 4 << 20), name: "nul.csv")
        #expect(reader.diagnostics.map(\.formatted) == [
            "nul.csv:1:1: error: [Q105] record is longer than 1048576 bytes",
            "nul.csv:1:1: error: [Q106] field contains a NUL byte; this looks like a binary file, not a table",
        ])
        #expect(summary.rows == 0)
    }

    @Test(arguments: [
        ("utf-8", [0xE6, 0xA3] as [UInt8], "t.csv:2:35: error: [Q106] field contains bytes that are not valid UTF-8 (E6 A3); if the file is a GBK/GB18030 export from Excel or WPS, give --encoding gb18030"),
        ("gb18030", [0xC9], "t.csv:2:35: error: [Q106] field contains bytes that are not valid GB18030; give the right --encoding or fix the file"),
        ("utf-16le", [0x2C], "t.csv:2:35: error: [Q106] field contains bytes that are not valid UTF-16LE; give the right --encoding or fix the file"),
    ])
    func truncatedSequencesAtTheEnd(_ encoding: String, _ tail: [UInt8], _ expected: String) throws {
        let text = "indicator,region,year,value,source\nforest_coverage,jiangxi,2015,63.1,江西"
        var bytes: [UInt8]
        switch encoding {
        case "gb18030": bytes = gb18030Bytes(text)
        case "utf-16le": bytes = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        default: bytes = Array(text.utf8)
        }
        bytes += tail
        let reader = MeasurementReader(catalog: .embedded, options: .init(encoding: TextEncoding(name: encoding)))
        reader.read(path: "t.csv", from: MemoryChunkReader(bytes))
        #expect(reader.diagnostics.map(\.formatted) == [expected])
    }
}

@Suite struct DetectionEvidenceTests {
    /// UTF-8 with one truncated character is UTF-8 with an error, never GB18030 mojibake.
    @Test func mostlyValidUTF8StaysUTF8() {
        let text = "indicator,region,year,value,source\nforest_coverage,jiangxi,2015,63.1,江西省林业厅"
        let bytes = Array(text.utf8) + [0xE6, 0xA3]
        #expect(TextDecoding.detect(bytes, isWholeFile: true) == .utf8)
        let reader = MeasurementReader(catalog: .embedded)
        reader.read(path: "t.csv", from: MemoryChunkReader(bytes))
        #expect(reader.diagnostics.map(\.formatted) == [
            "t.csv:2:35: error: [Q106] field contains bytes that are not valid UTF-8 (E6 A3); if the file is a GBK/GB18030 export from Excel or WPS, give --encoding gb18030",
        ])
        // Real GB18030 text is still recognised.
        #expect(TextDecoding.detect(gb18030Bytes(text), isWholeFile: true) == .gb18030)
    }
}

/// Inputs the fuzzer found (fuzz/regressions), pinned as tests.
@Suite struct FuzzRegressionTests {
    /// Found by the `check` target: a county's given name with ESC and BEL reached the
    /// terminal report's title line raw.
    @Test func countyReportTitleEscapesTheGivenName() throws {
        let path = repositoryRoot.appendingPathComponent("fuzz/regressions/check/county-name-with-escape.csv").path
        let reader = MeasurementReader(catalog: .embedded)
        var measurements: [QualityKit.Measurement] = []
        reader.read(path: path, from: try FileChunkReader(path: path)) { measurements.append($0) }
        let set = MeasurementSet(measurements)
        let engine = AttainmentEngine(catalog: .embedded, measurements: set)
        let doc = ReportDocument(regions: [engine.evaluate(region: RegionCode(360102))], asOf: engine.asOf, byRegion: false, skipped: reader.diagnostics, unused: [], catalog: .embedded, measurements: set, dataLabel: "data: a\u{1B}b.csv")
        let table = ReportTextRenderer.render(doc, lang: .zh, color: false, width: 100)
        #expect(rawControls(table).isEmpty)
        #expect(table.hasPrefix("江西 · 东湖区\\u{1B}]0;pwned\\u{7} (360102) · 质量发展目标达标情况\n数据截至 2015 年 · data: a\\u{1B}b.csv\n"))
    }

    @Test func aFilePathWithControlsIsEscapedInTheReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quality-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let hostile = dir.appendingPathComponent("data\u{1B}]0;x\u{07}.csv")
        try FileManager.default.copyItem(atPath: fixture("edition-2023.csv"), toPath: hostile.path)
        let result = runQuality(["report", "--data", hostile.path, "--province", "jiangxi"])
        #expect(result.status == .success)
        #expect(rawControls(result.stdout).isEmpty && rawControls(result.stderr).isEmpty)
    }
}

@Suite struct JSONFuzzRegressionTests {
    /// Found by the `json` target: a comma after the measurements array, then the end of the file,
    /// read past the end of the buffer.
    @Test func commaAfterTheArrayThenEndOfFile() throws {
        let path = repositoryRoot.appendingPathComponent("fuzz/regressions/json/comma-after-measurements-then-eof.json").path
        let reader = MeasurementReader(catalog: .embedded)
        let summary = reader.read(path: "r.json", from: try FileChunkReader(path: path))
        #expect(reader.diagnostics.map(\.formatted) == ["r.json:3:1: error: [Q107] expected a key in quotes, found the end of the file"])
        #expect(summary.rows == 0)
    }
}
