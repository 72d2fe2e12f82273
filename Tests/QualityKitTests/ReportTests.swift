import Foundation
import Testing

@testable import QualityKit

@Suite struct ReportTests {
    static let base = ["report", "--data", "report-sample.csv"]

    @Test(arguments: [
        ("table-zh", ["--province", "national", "--plan", "national-2011", "--lang", "zh"], "report-national-2011.zh.txt"),
        ("table-en", ["--province", "jiangxi", "--year", "2015", "--lang", "en"], "report-jiangxi-2015.en.txt"),
        ("markdown", ["--province", "national", "--lang", "zh"], "report-national.md"),
        ("json", ["--province", "national", "--format", "json", "--lang", "en"], "report-national.json"),
        ("csv", ["--province", "national", "--year", "2015", "--format", "csv", "--lang", "zh"], "report-national-2015.csv"),
        ("html", ["--province", "national", "--format", "html", "--lang", "zh"], "report-national.html"),
        ("by-region", ["--by", "region", "--province", "jiangxi", "--year", "2015", "--lang", "zh"], "report-by-region.txt"),
        ("by-region-json", ["--by", "region", "--province", "jiangxi", "--year", "2015", "--format", "json", "--lang", "en"], "report-by-region.json"),
    ])
    func formatsAreGolden(_ name: String, _ options: [String], _ golden: String) {
        let result = runQuality(Self.base + options, environment: ["COLUMNS": "120"])
        #expect(result.status == .success, "\(name): \(result.stderr)")
        expectGolden(result.stdout, golden)
    }

    @Test func skippedRowsAreCountedAndListed() throws {
        let result = runQuality(Self.base + ["--province", "jiangxi", "--format", "json"])
        #expect(result.stderr == "quality report: 1 region, 49 targets, 14 values read; 1 row not used (listed in the report; run 'quality check' for details)\n")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let skipped = try #require(object["skipped"] as? [[String: Any]])
        #expect(skipped.count == 1)
        #expect(skipped[0]["line"] as? Int == 16)
        #expect(skipped[0]["code"] as? String == "Q204")
        #expect((object["asOf"] as? Int) == 2024)
        let results = try #require(object["results"] as? [[String: Any]])
        let forest = try #require(results.first { $0["targetId"] as? String == "jiangxi-2011-forest-coverage-2015" })
        #expect(forest["status"] as? String == "met")
        #expect((forest["actual"] as? [String: Any])?["value"] as? Double == 63.1)
        for key in ["targetId", "indicator", "name", "plan", "year", "status", "actual", "target", "projected", "observedRate", "requiredRate", "ratio", "reason", "series"] {
            #expect(forest.keys.contains(key), "key \(key)")
        }
    }

    /// A chart's lowest and highest values are tick labels a line apart, however narrow the
    /// span: Jiangxi's forest cover (63.0 and 63.1, shipped data) put them 12 px apart, one
    /// over the other, until they were pushed apart. (A single value gives one label: the HTML golden.)
    @Test func chartTickLabelsNeverOverlap() throws {
        let html = runQuality(["report", "--province", "jiangxi", "--format", "html", "--lang", "zh"]).stdout
        func ticks(_ chart: String) throws -> [(label: String, y: Double)] {
            let start = try #require(html.range(of: "aria-label=\"\(chart)\""))
            let after = html[start.upperBound...]
            let svgText = String(after[..<(after.range(of: "</svg>")?.lowerBound ?? after.endIndex)])
            let pattern = try Regex(##"<text x="[0-9.]+" y="([0-9.]+)" font-size="10" text-anchor="end" dominant-baseline="middle" fill="#555">([^<]+)</text>"##)
            return svgText.matches(of: pattern).map { (String($0.output[2].substring!), Double($0.output[1].substring!)!) }
        }
        let forest = try ticks("森林覆盖率")
        #expect(forest.map(\.label) == ["63.0", "63.1"])
        #expect(forest.count == 2 && forest[0].y - forest[1].y >= ReportHTMLRenderer.tickLineHeight - 0.05)
        // A wide span keeps its ticks where its values are (no push).
        let rivers = try ticks("主要河流监测断面Ⅰ-Ⅲ类水质比重")
        #expect(rivers.map(\.label) == ["81.0", "88.6"])
        #expect(rivers.count == 2 && rivers[0].y - rivers[1].y > 3 * ReportHTMLRenderer.tickLineHeight)
    }

    /// Jiangxi's forest cover runs at 63.1 just above its target of 63: the target's label
    /// goes under its line, where the series is not; a series below a target leaves it above.
    @Test func chartTargetLabelKeepsClearOfTheSeries() throws {
        let html = runQuality(["report", "--province", "jiangxi", "--format", "html", "--lang", "zh"]).stdout
        func chart(_ name: String) throws -> (labelY: Double, dy: Double, lineY: [Double]) {
            let start = try #require(html.range(of: "aria-label=\"\(name)\""))
            let after = html[start.upperBound...]
            let svg = String(after[..<(after.range(of: "</svg>")?.lowerBound ?? after.endIndex)])
            let label = try #require(svg.firstMatch(of: try Regex(##"<text x="[0-9.]+" y="([0-9.]+)" dx="2" dy="(-?[0-9]+)""##)))
            let points = try #require(svg.firstMatch(of: try Regex(##"<polyline points="([^"]+)""##)))
            let ys = String(points.output[1].substring!).split(separator: " ").map { Double($0.split(separator: ",")[1])! }
            return (Double(label.output[1].substring!)!, Double(label.output[2].substring!)!, ys)
        }
        let forest = try chart("森林覆盖率")
        #expect(forest.dy == 12)
        #expect(forest.lineY.allSatisfy { $0 < forest.labelY })
        let rivers = try chart("主要河流监测断面Ⅰ-Ⅲ类水质比重")
        #expect(rivers.dy == -4)

        let flat = [(x: 50.0, y: 72.0), (x: 300.0, y: 72.0)]
        #expect(ReportHTMLRenderer.crosses(flat, band: 70...82, over: 60...200))
        #expect(!ReportHTMLRenderer.crosses(flat, band: 86...98, over: 60...200))
        // A steep segment crosses a band between its dots.
        let steep = [(x: 50.0, y: 140.0), (x: 60.0, y: 10.0)]
        #expect(ReportHTMLRenderer.crosses(steep, band: 70...82, over: 54...56))
        #expect(!ReportHTMLRenderer.crosses(steep, band: 70...82, over: 100...200))
    }

    /// A matrix of regions is as wide as its targets are many: it scrolls in its own box
    /// (the page keeps its width), with a row per region in rank order.
    @Test func htmlMatrixScrollsInItsOwnBox() throws {
        let html = runQuality(["report", "--data", "county-panel.csv", "--by", "region", "--format", "html", "--lang", "zh"]).stdout
        let start = try #require(html.range(of: "<div class=\"wide\"><table class=\"matrix\">"))
        let box = html[start.lowerBound...]
        let end = try #require(box.range(of: "</table></div>"))
        let rows = box[..<end.lowerBound].components(separatedBy: "<tr><td>").dropFirst().map { $0.prefix { $0 != "<" } }
        #expect(rows == ["1", "2"])
        #expect(html.contains(".wide{overflow-x:auto}"))
    }

    /// A matrix wider than the terminal is shown in blocks of targets, one under another,
    /// each with the regions' rank, name and lag; the legend's labels line up.
    @Test func textMatrixFitsTheTerminal() {
        var csv = "indicator,region,year,value,source\n"
        for region in ["360102", "360121"] {
            for (indicator, value) in [("agri_standardization_rate", "40"), ("farm_product_pass_rate", "97"), ("provincial_spot_check_pass_rate", "80"),
                                       ("jiangxi_famous_brand_products", "10"), ("forest_coverage", "60"), ("river_section_grade3_share", "82")] {
                csv += "\(indicator),\(region),2015,\(value),统计局\n"
            }
        }
        let result = runQuality(["report", "--data", "-", "--by", "region", "--year", "2015", "--lang", "zh"], environment: ["COLUMNS": "40"], stdin: Array(csv.utf8))
        #expect(result.stdout.hasPrefix("""
            各地区目标达标矩阵 · 数据截至 2015 年

            排名  地区           落后  T1  T2  T3
            ────  ─────────────  ────  ──  ──  ──
               1  江西 · 360102     3  ✓   ✓   ✗
               2  江西 · 360121     3  ✓   ✓   ✗

            排名  地区           落后  T4  T5  T6
            ────  ─────────────  ────  ──  ──  ──
               1  江西 · 360102     3  ✗   ✓   ✗
               2  江西 · 360121     3  ✗   ✓   ✗

            T1  2015 农业标准化生产普及率 > 30%

            """))
        // The tables and the legend fit (the symbols' key is one line of its own).
        #expect(result.stdout.split(separator: "\n").filter { !$0.hasPrefix("✓") }.allSatisfy { displayWidth(String($0)) <= 40 })
        #expect(result.stdout.contains("""
            T2  2015 主要农产品质量安全抽检合格率 ≥
                96%（连续两年）

            """))
        // Ten targets and more: the labels are padded to the widest.
        let labels = (1...22).map { "T\($0)" }
        #expect(ReportTextRenderer.matrixBlocks(fixedWidth: 35, labels: labels, width: 120) == [0..<19, 19..<22])
        #expect(ReportTextRenderer.matrixBlocks(fixedWidth: 200, labels: ["T1", "T2"], width: 120) == [0..<1, 1..<2])
        #expect(ReportTextRenderer.matrixBlocks(fixedWidth: 35, labels: [], width: 120) == [0..<0])
    }

    @Test func htmlEscapesEverythingFromData() {
        let html = runQuality(Self.base + ["--province", "national", "--format", "html"]).stdout
        #expect(!html.contains("<script>"))
        #expect(!html.contains("alert('x')"))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("http://") || !html.contains("src=\"http"))
        #expect(!html.contains("<link") && !html.contains("src="))
        #expect(ReportHTMLRenderer.escape("<script>alert(\"x\")</script>&'") == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;")
    }

    @Test func csvNeutralisesFormulas() {
        let csv = runQuality(Self.base + ["--province", "national", "--format", "csv"]).stdout
        #expect(csv.hasPrefix("\u{FEFF}region,"))
        #expect(csv.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","))
        #expect(csv.contains("'+cmd|' /C calc'!A0"))
        var w = CSVWriter(byteOrderMark: false)
        w.row(["=1+1", "-0.1", "-x", "@SUM(A1)", "plain", "a,b"])
        #expect(w.text == "'=1+1,-0.1,'-x,'@SUM(A1),plain,\"a,b\"\r\n")
    }

    @Test func tableColumnsAlignByDisplayWidth() {
        var table = TextTable(headers: ["状态", "目标", "x"])
        table.add(["达标", "森林覆盖率", "1"])
        table.add(["met", "forest", "2"])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines == ["状态  目标        x", "────  ──────────  ─", "达标  森林覆盖率  1", "met   forest      2"])
        #expect(Set(lines.map { displayWidth($0) }).count == 1)
    }

    @Test func colourOnlyOnATerminalAndNeverWithNO_COLOR() {
        let plain = runQuality(Self.base + ["--province", "national"], tty: false).stdout
        #expect(!plain.contains("\u{1B}["))
        let tty = runQuality(Self.base + ["--province", "national"], tty: true).stdout
        #expect(tty.contains("\u{1B}[32m达标\u{1B}[0m") || tty.contains("\u{1B}[32mmet\u{1B}[0m"))
        let noColor = runQuality(Self.base + ["--province", "national"], environment: ["NO_COLOR": "1"], tty: true).stdout
        #expect(!noColor.contains("\u{1B}["))
    }

    @Test func languageIsChineseUnlessTheLocaleNamesAnother() {
        #expect(runQuality(Self.base, environment: ["LANG": "zh_CN.UTF-8"]).stdout.hasPrefix("全国 · 质量发展目标达标情况"))
        #expect(runQuality(Self.base, environment: ["LANG": "en_US.UTF-8"]).stdout.hasPrefix("China (national) · attainment"))
        #expect(runQuality(Self.base + ["--lang", "zh"], environment: ["LANG": "en_US.UTF-8"]).stdout.hasPrefix("全国"))
        #expect(runQuality(Self.base + ["--lang", "en"], environment: ["LANG": "zh_CN.UTF-8"]).stdout.hasPrefix("China (national)"))
        // A locale that names no language (C, POSIX, or none set) leaves the plans' own language.
        for environment in [[:], ["LANG": "C.UTF-8"], ["LANG": "C"], ["LC_ALL": "POSIX", "LANG": "en_US.UTF-8"], ["LANG": "zh_TW.UTF-8"]] {
            #expect(runQuality(Self.base, environment: environment).stdout.hasPrefix("全国 · 质量发展目标达标情况"), "\(environment)")
        }
        // The first of LC_ALL, LC_MESSAGES and LANG that is set decides.
        for environment in [["LANG": "en_GB"], ["LC_MESSAGES": "fr_FR.UTF-8", "LANG": "zh_CN.UTF-8"], ["LC_ALL": "en_US.UTF-8", "LANG": "C.UTF-8"], ["LC_ALL": "", "LANG": "de_DE@euro"]] {
            #expect(runQuality(Self.base, environment: environment).stdout.hasPrefix("China (national) · attainment"), "\(environment)")
        }
    }

    @Test func outputOption() {
        let capture = Capture()
        let result = runQuality(Self.base + ["--format", "markdown", "--output", "/out/report.md"], capture: capture)
        #expect(result.stdout.isEmpty)
        #expect(capture.files["/out/report.md"]?.hasPrefix("## ") == true)
    }

    /// On disk, `--output` holds what standard output would, in every format (the JSON
    /// goes out in byte pieces, appended); a file that cannot be written is an error
    /// in the system's words, and nothing is half-claimed as done.
    @Test(arguments: ["json", "markdown", "csv"])
    func outputOnDiskIsWhatStandardOutputShows(_ format: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quality-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("report.\(format)").path
        // Something longer there already: the report replaces it, never appends to it.
        try String(repeating: "old text\n", count: 100_000).write(toFile: path, atomically: false, encoding: .utf8)
        let arguments = ["report", "--data", "county-panel.csv", "--by", "region", "--format", format]
        let capture = Capture()
        let context = CLIContext(environment: ["LANG": "en_US.UTF-8"], write: { capture.write($0, $1) }, open: { try FileChunkReader(path: fixture($0)) })
        #expect(QualityCLI.run(arguments + ["--output", path], context: context) == .success)
        #expect(capture.out.isEmpty)
        // Decoded by hand: String(contentsOfFile:) would drop the CSV's byte order mark.
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == runQuality(arguments).stdout)

        let missing = dir.appendingPathComponent("no-such-folder/report.\(format)").path
        let failed = Capture()
        let failing = CLIContext(environment: ["LANG": "en_US.UTF-8"], write: { failed.write($0, $1) }, open: { try FileChunkReader(path: fixture($0)) })
        #expect(QualityCLI.run(arguments + ["--output", missing], context: failing) == .failure)
        #expect(failed.err == "quality: error: cannot write '\(missing)': No such file or directory\n")
    }

    @Test func embeddedDataIsTheDefault() throws {
        let result = runQuality(["report", "--province", "national", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let results = try #require(object["results"] as? [[String: Any]])
        let spot = try #require(results.first { $0["targetId"] as? String == "national-2011-spot-check-pass-2015" })
        #expect(spot["status"] as? String == "met")
        let series = try #require(spot["series"] as? [[String: Any]])
        #expect(series.filter { [2012, 2013, 2014, 2015].contains($0["year"] as? Int) }.map { $0["value"] as? Double } == [89.8, 88.9, 92.3, 91.1])
        #expect((object["skipped"] as? [Any])?.isEmpty == true)
    }

    @Test func badOptionsAreUsageErrors() {
        #expect(runQuality(["report", "--by", "county"]).stderr.hasPrefix("quality: error: invalid value 'county' for --by; expected one of region"))
        #expect(runQuality(["report", "--tolerance", "abc"]).status == .failure)
        #expect(runQuality(["report", "--data", "missing.csv"]).status == .failure)
        #expect(runQuality(["reprot"]).stderr == "quality: error: unknown command 'reprot'; did you mean 'report'?\nSee 'quality --help'.\n")
    }
}

@Suite struct ReadmeTests {
    /// The outputs shown in README.md are the tool's real, current output.
    @Test(arguments: ["jiangxi", "national"])
    func readmeShowsTheRealReport(_ province: String) throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = "<!-- report:\(province) -->\n```text\n"
        let start = try #require(readme.range(of: marker)).upperBound
        let end = try #require(readme.range(of: "```", range: start..<readme.endIndex)).lowerBound
        let shown = String(readme[start..<end])
        let actual = runQuality(["report", "--province", province], environment: ["LANG": "zh_CN.UTF-8", "COLUMNS": "110"]).stdout
        #expect(shown == actual, "README.md is out of date: regenerate the block after <!-- report:\(province) -->")
    }

    @Test func readmeListsEveryDiagnosticCode() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for code in DiagnosticCode.allCases { #expect(readme.contains("| `\(code.rawValue)` | \(code.summary) |")) }
    }
}

/// A report on many regions is written on two cores in batches; the pieces must
/// join into one document, ranked, with nothing lost or repeated.
@Suite struct ReportStreamingTests {
    /// A report on 150 counties of Jiangxi and Beijing (two provinces, two sets of targets).
    static func panelReport(tolerance: String? = nil) -> ReportDocument {
        var csv = "indicator,region,year,value,source\n"
        for i in 0..<150 {
            let code = i % 2 == 0 ? 360_100 + i : 110_100 + i
            csv += "森林覆盖率,\(code),2014,\(60 + i % 7).5,\"统计公报, 第\(i)号\"\n"
            csv += "森林覆盖率,\(code),2015,\(60 + i % 5).1,\n"
            csv += "主要河流监测断面Ⅰ-Ⅲ类水质比重,\(code),2015,\(80 + i % 4).6,环境公报\n"
            csv += "农业标准化生产普及率,\(code),2013,\(20 + i % 20),\n"
            csv += "农业标准化生产普及率,\(code),2015,\(25 + i % 20)%,\n"
        }
        var measurements: [QualityKit.Measurement] = []
        let reader = MeasurementReader(catalog: .embedded)
        reader.read(path: "panel.csv", from: MemoryChunkReader(Array(csv.utf8))) { measurements.append($0) }
        #expect(!reader.diagnostics.contains { $0.severity == .error })
        let set = MeasurementSet(measurements)
        let engine = AttainmentEngine(catalog: .embedded, measurements: set, tolerance: tolerance.flatMap { Figure($0) })
        let doc = ReportDocument(
            regions: set.regions.map { engine.evaluate(region: $0) }, asOf: engine.asOf, byRegion: true, skipped: [],
            // More unused series than two batches of both cores hold: they are streamed too.
            unused: (0..<20_000).map { (SeriesKey(indicator: "measure_\($0 % 7)", region: RegionCode(360_000 + $0)), $0 % 13) },
            catalog: .embedded, measurements: set, dataLabel: "panel.csv")
        #expect(doc.regions.count == 150)
        return doc
    }

    /// The streamed form copies each target's constant keys from its first result and
    /// reuses each core's buffer from batch to batch: byte for byte, it must be the
    /// document one writer makes with nothing copied, in both languages and with a
    /// tolerance (which makes new targets).
    @Test(arguments: [(Language.zh, nil), (.en, "0.5")] as [(Language, String?)])
    func theStreamedDocumentIsTheOnePlainlyWritten(_ lang: Language, _ tolerance: String?) throws {
        let doc = Self.panelReport(tolerance: tolerance)
        var streamed: [[UInt8]] = []
        ReportFormats.json(doc, lang: lang) { streamed.append(Array($0)) }
        var plain: [UInt8] = []
        ReportFormats.json(doc, lang: lang, plainly: true) { plain += $0 }
        #expect(streamed.count > 4, "the regions went out in several batches")
        #expect(streamed.joined().elementsEqual(plain))
        #expect(try JSONSerialization.jsonObject(with: Data(plain)) is [String: Any])
    }

    /// What `write` puts in an array with a lane's copies (`WrittenOnce`), having checked
    /// that it is byte for byte what it puts there with nothing copied.
    static func writtenInArray(_ write: (inout JSONWriter, ReportFormats.WrittenOnce?) -> Void) -> String {
        func written(_ fragments: ReportFormats.WrittenOnce?) -> String {
            var w = JSONWriter()
            w.beginArray()
            write(&w, fragments)
            w.endArray()
            return String(decoding: w.takeFinished(), as: UTF8.self)
        }
        let copied = written(ReportFormats.WrittenOnce())
        #expect(copied == written(nil))
        return copied
    }

    /// A result that carries no data is copied whole from the one written before for its
    /// target and scope, but only for the same verdict: the same target judged otherwise
    /// (another scope, status or reason), or at another depth, is written anew, byte for
    /// byte as with nothing copied.
    @Test func aResultWithoutDataIsCopiedOnlyForTheSameVerdict() throws {
        let target = try #require(Catalog.embedded.targets.first { $0.kind == .qualitative })
        func result(_ scope: Scope, _ status: AttainmentStatus, _ reason: String) -> Attainment {
            Attainment(
                target: target, scope: scope, status: status, actual: nil, baseline: nil, projected: nil,
                observedRate: nil, requiredRate: nil, ratio: nil, reason: Reason(zh: reason, en: reason), stabilityUnverified: false, series: [],
                counterpart: nil, context: [])
        }
        let results = [
            result(.own, .qualitative, "定性目标"), result(.own, .qualitative, "定性目标"), result(.benchmark, .qualitative, "定性目标"),
            result(.benchmark, .noData, "没有数据"), result(.benchmark, .noData, "2015年无评估"), result(.own, .qualitative, "定性目标"),
            result(.own, .qualitative, "另一原因"),
        ]
        let copied = Self.writtenInArray { w, fragments in
            for r in results { ReportFormats.write(r, lang: .zh, &w, fragments: fragments) }
            w.beginArray()
            for r in results { ReportFormats.write(r, lang: .zh, &w, fragments: fragments) }
            w.endArray()
        }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(copied.utf8)) as? [Any])
        #expect(parsed.compactMap { ($0 as? [String: Any])?["scope"] as? String } == ["own", "own", "benchmark", "benchmark", "benchmark", "own", "own"])
        #expect(parsed.compactMap { ($0 as? [String: Any])?["reason"] as? String }.suffix(4) == ["没有数据", "2015年无评估", "定性目标", "另一原因"])
    }

    /// A point's opening is found by its provenance's ordinal and depth: a provenance of
    /// another set with the same ordinal, met in turn with the first, is written with its
    /// own source and note, byte for byte as with nothing copied.
    @Test func aPointOfAnotherSetWithTheSameOrdinalKeepsItsOwnTexts() throws {
        let a = Provenance(source: "统计年鉴", note: "", file: "a.csv", ordinal: 0)
        let b = Provenance(source: "生态环境状况公报", note: "初步数据", file: "b.csv", ordinal: 0)
        let points = [(2015, a, "63.1"), (2016, b, "70"), (2017, a, "71.5")].map { year, provenance, value in
            Observation(year: year, value: .number(Figure(value)!), provenance: provenance, line: year - 2013)
        }
        let copied = Self.writtenInArray { w, fragments in
            // Twice at one depth and once deeper, so each opening is asked for again; then
            // deeper than openings are kept for, where each point is written whole.
            ReportFormats.write(points, &w, fragments: fragments)
            ReportFormats.write(points, &w, fragments: fragments)
            w.beginArray()
            ReportFormats.write(points, &w, fragments: fragments)
            for _ in 0..<20 { w.beginArray() }
            ReportFormats.write(points, &w, fragments: fragments)
            ReportFormats.write(points, &w, fragments: fragments)
            for _ in 0..<20 { w.endArray() }
            w.endArray()
        }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(copied.utf8)) as? [Any])
        let first = try #require(parsed.first as? [[String: Any]])
        #expect(first.map { $0["source"] as? String } == ["统计年鉴", "生态环境状况公报", "统计年鉴"])
        #expect(first.map { $0["note"] as? String } == ["", "初步数据", ""])
    }

    /// The CSV form goes out in pieces of regions written on both cores: however
    /// the regions are cut, the bytes are the same, a row per result that reads
    /// back with its 28 cells.
    @Test func theStreamedCSVIsTheSameHoweverTheRegionsAreCut() throws {
        let doc = Self.panelReport()
        func written(_ perPiece: Int) -> (pieces: Int, bytes: [UInt8]) {
            var pieces: [[UInt8]] = []
            ReportFormats.csv(doc, lang: .zh, regionsPerPiece: perPiece) { pieces.append(Array($0)) }
            return (pieces.count, Array(pieces.joined()))
        }
        let whole = written(1000)
        #expect(whole.pieces == 2)  // the header, then every region at once
        for perPiece in [1, 7, 64] {
            let cut = written(perPiece)
            #expect(cut.pieces == 1 + (150 + perPiece - 1) / perPiece)
            #expect(cut.bytes == whole.bytes)
        }
        #expect(whole.bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let tokenizer = CSVTokenizer(reader: MemoryChunkReader(Array(whole.bytes.dropFirst(3))))
        var rows: [[String]] = []
        while let record = try tokenizer.next() { rows.append(record.fields) }
        #expect(rows.first == ReportFormats.csvColumns)
        #expect(rows.count == 1 + doc.regions.reduce(0) { $0 + $1.results.count })
        #expect(rows.allSatisfy { $0.count == 28 })
        let forest = try #require(rows.first { $0[0] == "360100" && $0[3] == "jiangxi-2011-forest-coverage-2015" })
        #expect(
            forest == [
                "360100", "江西 · 360100", "jiangxi-2011", "jiangxi-2011-forest-coverage-2015", "forest_coverage", "森林覆盖率", "Forest coverage", "2015",
                "environment", "own", "not_met", "未达标", "ge", "63", "%", "true", "", "2015", "60.1", "", "", "", "", "", "", "2015年 60.1 < 63",
                "森林覆盖率稳定在63%以上", "《江西省质量发展纲要（2011-2020年）》一、（三）发展目标；专栏1：质量发展主要指标（2015年） 环境质量",
            ])
    }

    @Test func manyRegionsJoinIntoOneRankedDocument() throws {
        var csv = "indicator,region,year,value\n"
        for i in 0..<130 {
            let code = 360_100 + i
            // Every third county misses Jiangxi's 森林覆盖率 target (稳定在63%, 2015), so rankings differ.
            csv += "森林覆盖率,\(code),2014,\(i % 3 == 0 ? "50.5" : "63.5")\n"
            csv += "森林覆盖率,\(code),2015,\(i % 3 == 0 ? "51.0" : "63.6")\n"
        }
        let arguments = ["report", "--data", "-", "--by", "region", "--format", "json", "--year", "2015"]
        let printed = runQuality(arguments, stdin: Array(csv.utf8))
        #expect(printed.status == .success)
        let capture = Capture()
        _ = runQuality(arguments + ["--output", "out.json"], stdin: Array(csv.utf8), capture: capture)
        #expect(capture.files["out.json"] == printed.stdout)

        let doc = try #require(try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any])
        let regions = try #require(doc["regions"] as? [[String: Any]])
        #expect(regions.count == 130)
        #expect(Set(regions.compactMap { $0["regionCode"] as? Int }).count == 130)
        let ranking = regions.map { r -> (Int, Int) in
            let summary = r["summary"] as? [String: Int] ?? [:]
            return ((summary["not_met"] ?? 0) + (summary["off_track"] ?? 0), r["regionCode"] as? Int ?? 0)
        }
        let lagging = ranking.map(\.0)
        let codes = ranking.map(\.1)
        // The 44 counties that missed come first, each group by code.
        let missed = (0..<130).filter { $0 % 3 == 0 }.map { 360_100 + $0 }
        let met = (0..<130).filter { $0 % 3 != 0 }.map { 360_100 + $0 }
        #expect(codes == missed + met)
        #expect(lagging.prefix(44).allSatisfy { $0 > 0 })
        #expect(lagging.dropFirst(44).allSatisfy { $0 == 0 })
        let total = try #require(doc["summary"] as? [String: Int])
        #expect(total["total"] == regions.reduce(0) { $0 + (($1["results"] as? [Any])?.count ?? 0) })
    }
}
