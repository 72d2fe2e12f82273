import Foundation
import Testing

@testable import QualityKit

func readFixture(_ name: String, options: MeasurementReader.Options = .init()) throws -> ([QualityKit.Measurement], MeasurementReader) {
    let reader = MeasurementReader(catalog: .embedded, options: options)
    var out: [QualityKit.Measurement] = []
    reader.read(path: name, from: try FileChunkReader(path: fixture(name))) { out.append($0) }
    return (out, reader)
}

func brief(_ m: QualityKit.Measurement) -> String {
    let value: String = switch m.value {
    case .number(let f): f.description
    case .category(let c): c ? "达标" : "未达标"
    case .missing: "missing"
    }
    return "\(m.indicator) \(m.region.code) \(m.year) \(value) | \(m.source)"
}

@Suite struct RealisticFixtureTests {
    @Test func excelGB18030WideTable() throws {
        let (m, reader) = try readFixture("excel-gb18030-wide.csv")
        #expect(reader.diagnostics.isEmpty)
        #expect(reader.files[0].encoding == "gb18030" && reader.files[0].layout == "wide")
        #expect(m.map(brief) == [
            "national_spot_check_pass_rate 100000 2012 89.8 | 质检总局年度国家监督抽查通报",
            "national_spot_check_pass_rate 100000 2013 88.9 | 质检总局年度国家监督抽查通报",
            "national_spot_check_pass_rate 100000 2014 92.3 | 质检总局年度国家监督抽查通报",
            "national_spot_check_pass_rate 100000 2015 91.1 | 质检总局年度国家监督抽查通报",
            "forest_coverage 360000 2012 63.1 | 江西省林业厅",
            "forest_coverage 360000 2013 missing | 江西省林业厅",
            "forest_coverage 360000 2014 missing | 江西省林业厅",
            "forest_coverage 360000 2015 63.1 | 江西省林业厅",
        ])
    }

    @Test func excelUnicodeText() throws {
        let (m, reader) = try readFixture("excel-unicode-text.txt")
        #expect(reader.diagnostics.isEmpty)
        #expect(reader.files[0].encoding == "utf-16le" && reader.files[0].layout == "long")
        #expect(m.map(brief) == [
            "farm_product_pass_rate 100000 2015 97.1 | 农业部",
            "manufacturing_pass_rate 100000 2024 93.93 | 市场监管总局",
        ])
        #expect(m[0].note == "例行监测，4次")
    }

    @Test func handTypedFullWidthAndPercent() throws {
        let (m, reader) = try readFixture("hand-typed.csv")
        #expect(reader.diagnostics.isEmpty)
        #expect(reader.files[0].encoding == "utf-8-bom")
        #expect(m.map(brief) == [
            "forest_coverage 360000 2015 63.1 | 江西省林业厅",
            "jiangxi_famous_brand_products 360000 2015 1203 | 江西省质量兴省领导小组",
            "forest_coverage 360000 2016 63.1 | 江西省林业厅",
            "river_section_grade3_share 360000 2015 missing | 江西省生态环境厅",
            "producer_service_satisfaction 360000 2015 80 | 江西省质监局",
        ])
    }

    @Test func jsonExport() throws {
        let (m, reader) = try readFixture("export.json")
        #expect(reader.diagnostics.isEmpty)
        #expect(m.map(brief) == [
            "national_spot_check_pass_rate 100000 2014 92.3 | 质检总局",
            "national_spot_check_pass_rate 100000 2015 91.1 | 质检总局",
            "city_air_quality_grade2 360000 2015 未达标 | 江西省生态环境厅",
            "consumer_goods_pass_rate 100000 2019 missing | 市场监管总局",
        ])
    }

    /// Each record's keys are read by their own spelling, whatever the record before used;
    /// a key not read is reported in every record that has it.
    @Test func jsonRecordsMaySpellTheirKeysDifferently() {
        let text = """
            [{"indicator": "森林覆盖率", "region": "jiangxi", "year": 2015, "value": 63.1, "extra": 1, "source": "公报"},
             {"指标": "森林覆盖率", "地区": "jiangxi", "年份": 2016, "数值": 63.2, "extra": 2, "来源": "公报"},
             {"indicator": "森林覆盖率", "region": "jiangxi", "year": 2017, "value": 63.3, "source": "公报"}]
            """
        let reader = MeasurementReader(catalog: .embedded)
        var out: [QualityKit.Measurement] = []
        reader.read(path: "k.json", from: MemoryChunkReader(Array(text.utf8))) { out.append($0) }
        #expect(out.map(brief) == ["forest_coverage 360000 2015 63.1 | 公报", "forest_coverage 360000 2016 63.2 | 公报", "forest_coverage 360000 2017 63.3 | 公报"])
        #expect(reader.diagnostics.map(\.formatted) == [
            "k.json:1:84: warning: [Q109] key 'extra' is not read",
            "k.json:2:68: warning: [Q109] key 'extra' is not read",
        ])
    }

    @Test func countyCodesKeepTheirNames() throws {
        let (m, _) = try readFixture("county-panel.csv")
        #expect(m.map { "\($0.region.code) \($0.regionName)" } == ["360102 东湖区", "360121 南昌县"])
        #expect(m.allSatisfy { $0.region.provinceCode == 360000 })
    }

    @Test func defaultRegionForFilesWithoutARegionColumn() throws {
        let reader = MeasurementReader(catalog: .embedded, options: .init(defaultRegion: RegionCode(360000)))
        var out: [QualityKit.Measurement] = []
        reader.read(path: "x.csv", from: MemoryChunkReader("指标,年份,数值,来源\n森林覆盖率,2015,63.1,x\n")) { out.append($0) }
        #expect(out.map(brief) == ["forest_coverage 360000 2015 63.1 | x"])
    }

    /// Every data line is accounted for: read + rejected = data lines.
    @Test(arguments: ["malformed-quotes.csv", "malformed-values.csv", "county-panel.csv", "hand-typed.csv", "excel-gb18030-wide.csv", "malformed-header.csv"])
    func everyRowIsAccountedFor(_ name: String) throws {
        let (_, reader) = try readFixture(name)
        let f = reader.files[0]
        #expect(f.rowsRead + f.rowsRejected == f.rows)
        let bytes = [UInt8](try Data(contentsOf: fixturesURL.appendingPathComponent(name)))
        let text = name.contains("gb18030") ? gb18030Text(bytes) : String(decoding: bytes, as: UTF8.self)
        let physical = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).count
        if !name.contains("quotes") { #expect(f.rows == physical - 1) }
    }
}

@Suite struct CheckCommandTests {
    @Test(arguments: ["malformed-quotes.csv", "malformed-values.csv", "malformed-header.csv", "empty.csv", "undecodable.csv", "malformed.json", "county-panel.csv"])
    func diagnosticsAreGolden(_ name: String) {
        let result = runQuality(["check", name])
        #expect(result.status == .problems)
        expectGolden(result.stdout, "check-\(name).txt")
    }

    @Test func cleanFilesExitZero() {
        let result = runQuality(["check", "excel-unicode-text.txt", "hand-typed.csv", "export.json"])
        #expect(result.status == .success)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "quality check: 3 files, 11 rows; 0 errors, 0 warnings\n")
    }

    @Test func duplicatesAreFoundAcrossFiles() {
        let result = runQuality(["check", "excel-gb18030-wide.csv", "export.json"])
        #expect(result.status == .success)
        #expect(result.stdout == """
            export.json:7:13: warning: [Q302] 'national_spot_check_pass_rate', national, 2014 is given again with the same value, first at excel-gb18030-wide.csv:2
            export.json:14:13: warning: [Q302] 'national_spot_check_pass_rate', national, 2015 is given again with the same value, first at excel-gb18030-wide.csv:2

            """)
    }

    @Test func warningsFailOnlyWhenStrict() {
        let input = Array("indicator,region,year,value\nforest_coverage,jiangxi,2015,63.1\n".utf8)
        let lax = runQuality(["check", "-"], stdin: input)
        #expect(lax.status == .success)
        #expect(lax.stdout == "-:2:1: warning: [Q303] row has no source; say where the figure was published\n")
        let strict = runQuality(["check", "--strict", "-"], stdin: input)
        #expect(strict.status == .problems)
        #expect(strict.stdout == "-:2:1: error: [Q303] row has no source; say where the figure was published\n")
    }

    @Test func unreadableFileExitsTwo() {
        let result = runQuality(["check", "no-such-file.csv", "hand-typed.csv"])
        #expect(result.status == .failure)
        #expect(result.stdout == "no-such-file.csv: error: [Q100] cannot read the file: no such file or directory\n")
    }

    @Test func jsonFormat() throws {
        let result = runQuality(["check", "--format", "json", "county-panel.csv"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(object["files"] as? [[String: Any]])
        #expect(files[0]["path"] as? String == "county-panel.csv")
        #expect(files[0]["encoding"] as? String == "utf-8")
        #expect(files[0]["layout"] as? String == "long")
        #expect(files[0]["rows"] as? Int == 3)
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.count == 1)
        #expect(problems[0]["line"] as? Int == 4 && problems[0]["column"] as? Int == 7 && problems[0]["code"] as? String == "Q202")
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["errors"] == 1 && summary["warnings"] == 0 && summary["rows"] == 3)
    }

    @Test func githubAnnotationsAreEscapedAndSummarised() {
        let capture = Capture()
        let input = Array("indicator,region,year,value,source\n\"forest,coverage%\",jiangxi,2015,63.1,x\n".utf8)
        let result = runQuality(["check", "--format", "github", "-"], environment: ["GITHUB_STEP_SUMMARY": "/summary.md"], stdin: input, capture: capture)
        #expect(result.stdout == "::error file=-,line=2,col=1,title=Q201::[Q201] unknown indicator 'forest,coverage%25'; did you mean 'forest_coverage'?\n")
        #expect(capture.files["/summary.md"]?.contains("**1 errors, 0 warnings** in 1 rows.") == true)
        #expect(CheckRenderer.escapeProperty("a:b,c%\nd") == "a%3Ab%2Cc%25%0Ad")
    }

    @Test func encodingOverride() {
        let result = runQuality(["check", "--encoding", "gbk", "hand-typed.csv"])
        #expect(result.status == .problems)
        #expect(runQuality(["check", "--encoding", "latin9", "x"]).stderr.hasPrefix("quality: error: unknown encoding 'latin9'"))
    }

    @Test func verboseNamesEncodingAndLayout() {
        let result = runQuality(["check", "--verbose", "excel-gb18030-wide.csv"])
        #expect(result.stderr.hasPrefix("excel-gb18030-wide.csv: encoding gb18030, layout wide, 2 rows (2 read, 0 rejected), 8 values\n"))
    }
}

@Suite struct FastPathTests {
    /// The byte-level path is an optimisation only: with it off, every file reads the same.
    @Test(arguments: [
        "excel-gb18030-wide.csv", "excel-unicode-text.txt", "hand-typed.csv", "county-panel.csv", "malformed-quotes.csv",
        "malformed-values.csv", "report-sample.csv", "edition-2023.csv", "edition-2023-gb-wide.csv", "edition-2024.csv", "undecodable.csv",
    ])
    func bothPathsReadTheSame(_ name: String) throws {
        func read(fast: Bool) throws -> ([QualityKit.Measurement], [Diagnostic], [FileSummary]) {
            var options = MeasurementReader.Options()
            options.fastPath = fast
            let reader = MeasurementReader(catalog: .embedded, options: options)
            var out: [QualityKit.Measurement] = []
            // Read the file twice in one run so duplicates and caches are exercised too.
            for _ in 0..<2 {
                reader.read(path: name, from: try FileChunkReader(path: fixture(name), chunkSize: 7)) { out.append($0) }
            }
            return (out, reader.diagnostics, reader.files)
        }
        let fast = try read(fast: true)
        let slow = try read(fast: false)
        #expect(fast.0 == slow.0)
        #expect(fast.1 == slow.1)
        #expect(fast.2 == slow.2)
    }
}

@Suite struct SeenTableTests {
    @Test func valuesPackExactlyOrAreKeptAside() throws {
        let values: [MeasuredValue] = [
            .missing, .category(true), .category(false), .number(Figure(mantissa: 0, scale: 0)), .number(Figure(mantissa: -1, scale: 1)),
            .number(Figure(mantissa: (1 << 25) - 1, scale: 3)), .number(Figure(mantissa: -(1 << 25) + 1, scale: 15)),
            .number(Figure(mantissa: 880, scale: 1)), .number(Figure(mantissa: 8890, scale: 2)), .number(Figure(mantissa: 0, scale: 2)),
        ]
        for v in values {
            let packed = try #require(SeenTable.pack(v))
            // Back as written: equal, and spelled the same (88.0 stays 88.0).
            #expect(SeenTable.unpack(packed) == v)
            #expect(SeenTable.unpack(packed).text(.en) == v.text(.en))
        }
        // Too wide for 32 bits: kept aside, and still found exactly.
        let wide = MeasuredValue.number(Figure(mantissa: 1 << 40, scale: 2))
        #expect(SeenTable.pack(wide) == nil)
        var table = SeenTable()
        let key = SeenTable.key(slot: 7, region: 360_102, year: 2015)
        let first = table.insertOrFind(key, value: wide, file: 3, line: 12)
        #expect(first == nil)
        let again = table.insertOrFind(key, value: .missing, file: 0, line: 99)
        let found = try #require(again)
        #expect(found.value == wide && found.file == 3 && found.line == 12)
    }

    @Test func keysKeepRegionYearAndIndicatorApart() throws {
        #expect(Catalog.embedded.indicators.count < 4096)  // the key keeps 12 bits of indicator slot
        let key = SeenTable.key(slot: 4095, region: 659_004, year: 2100)
        #expect(SeenTable.regionAndYear(of: key) == (659_004, 2100))
        var table = SeenTable()
        var n = 0
        for slot in [0, 1, 4095] as [Int32] {
            for region in [100_000, 360_000, 360_102, 659_004] {
                for year in [1949, 2015, 2100] {
                    let inserted = table.insertOrFind(SeenTable.key(slot: slot, region: region, year: year), value: .number(Figure(mantissa: Int64(n), scale: 0)), file: n, line: n)
                    #expect(inserted == nil)
                    n += 1
                }
            }
        }
        // 36 distinct keys, each found with its own value, file and line.
        n = 0
        for slot in [0, 1, 4095] as [Int32] {
            for region in [100_000, 360_000, 360_102, 659_004] {
                for year in [1949, 2015, 2100] {
                    let lookup = table.insertOrFind(SeenTable.key(slot: slot, region: region, year: year), value: .missing, file: 0, line: 0)
                    let e = try #require(lookup)
                    #expect(e.value == .number(Figure(mantissa: Int64(n), scale: 0)) && e.file == n && e.line == n)
                    n += 1
                }
            }
        }
        #expect(table.count == 36)
        // Through several doublings of the table (1,024 slots at first), nothing is lost.
        for i in 0..<5000 {
            let inserted = table.insertOrFind(SeenTable.key(slot: 3, region: 360_000 + i / 100, year: 1950 + i % 100), value: .category(i % 2 == 0), file: 1, line: i)
            #expect(inserted == nil)
        }
        for i in 0..<5000 {
            let lookup = table.insertOrFind(SeenTable.key(slot: 3, region: 360_000 + i / 100, year: 1950 + i % 100), value: .missing, file: 0, line: 0)
            #expect(lookup?.line == i && lookup?.value == .category(i % 2 == 0))
        }
        #expect(table.count == 5036)
    }
}

@Suite struct StampTableTests {
    @Test func eachKeyGivesBackTheStampItHadThroughGrowth() {
        var table = StampTable()
        // Keys at the edges (0, and the largest allowed) and 5,000 more, through several doublings of the 1,024 slots.
        let edges: [UInt64] = [0, 1, UInt64.max - 1, 1 << 32, UInt64(UInt32.max)]
        let series: [UInt64] = (0..<5000).map { (i: Int) -> UInt64 in UInt64(i) << 32 | UInt64(360_000 + i % 7) }
        let keys = edges + series
        for (i, key) in keys.enumerated() { #expect(table.restamp(key, Int32(i)) == nil, "\(key)") }
        #expect(table.count == keys.count)
        for (i, key) in keys.enumerated().reversed() { #expect(table.restamp(key, -Int32(i)) == Int32(i), "\(key)") }
        for (i, key) in keys.enumerated() { #expect(table.restamp(key, 7) == -Int32(i), "\(key)") }
        #expect(table.count == keys.count)
    }
}

@Suite struct KeyPresenceTests {
    @Test func eachKeyIsNewOnceInsideAndOutsideTheYearMask() {
        var presence = KeyPresence()
        func insert(_ slot: Int32, _ region: Int, _ year: Int) -> Bool { presence.insert(SeenTable.key(slot: slot, region: region, year: year)) }
        // Years inside the 64-year mask (from 1990) and outside it (1949, 2100), on pairs at the key's edges.
        let years = [1949, 1989, 1990, 2015, 2053, 2054, 2100]
        let pairs = [0, 1, 4095].flatMap { slot in [100_000, 360_102, 659_004].map { (Int32(slot), $0) } }
        for (slot, region) in pairs {
            for year in years { #expect(insert(slot, region, year), "\(slot) \(region) \(year)") }
        }
        for (slot, region) in pairs.reversed() {
            for year in years.reversed() { #expect(!insert(slot, region, year), "\(slot) \(region) \(year)") }
        }
        #expect(presence.pairs == 9)
    }

    @Test func nothingIsLostThroughGrowth() {
        var presence = KeyPresence()
        func insert(_ i: Int, _ year: Int) -> Bool { presence.insert(SeenTable.key(slot: Int32(i % 60), region: 110_000 + i / 60, year: year)) }
        // 20,000 pairs (the table starts at 1,024 slots), each with years in and out of the mask.
        func laterYear(_ i: Int) -> Int { i % 2 == 0 ? 1990 + i % 7 : 1950 + i % 7 }
        for i in 0..<20_000 { #expect(insert(i, 2011 + i % 15)) }
        for i in 0..<20_000 { #expect(insert(i, laterYear(i))) }
        for i in stride(from: 19_999, through: 0, by: -1) {
            #expect(!insert(i, 2011 + i % 15))
            #expect(!insert(i, laterYear(i)))
        }
        #expect(presence.pairs == 20_000)
    }

    /// The second reading looks for where a repeated key was first given; a file
    /// that changed in between is said to have changed, never given a wrong line.
    @Test func aFileChangedBeforeTheSecondReadingIsNamed() {
        var options = MeasurementReader.Options()
        options.duplicateSearch = .twoPass
        let reader = MeasurementReader(catalog: .embedded, options: options)
        let first = "indicator,region,year,value,source\n森林覆盖率,jiangxi,2015,63.1,统计局\n森林覆盖率,jiangxi,2015,63.2,统计局\n"
        reader.read(path: "a.csv", from: MemoryChunkReader(first))
        #expect(reader.diagnostics.isEmpty)
        #expect(reader.files.map(\.rowsRead) == [2])
        reader.resolveDuplicates { _ in MemoryChunkReader("indicator,region,year,value,source\n森林覆盖率,jiangxi,2016,63.1,统计局\n") }
        #expect(reader.diagnostics.map(\.formatted) == [
            "a.csv:3:20: error: [Q301] '森林覆盖率', jiangxi, 2015 is given again, but a second reading did not find where it was first given: the file changed while it was checked; check it again once nothing is writing to it"
        ])
        #expect(reader.files.map(\.rowsRead) == [1])
        #expect(reader.files.map(\.rowsRejected) == [1])
        #expect(reader.errorCount == 1)
    }
}

/// A directory named on the command line stands for the measurement files under it.
@Suite struct DirectoryInputTests {
    /// A fresh directory holding `files` (relative path → contents), removed after `body`.
    func withDirectory(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("quality-dir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: false, encoding: .utf8)
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try body(root.path)
    }

    static let data: [String: String] = [
        "z.csv": "indicator,region,year,value,source\nforest_coverage,jiangxi,2015,163,林业局\nforest_coverage,jiangxi,2016,63.1,林业局\n",
        "a/y.TSV": "indicator\tregion\tyear\tvalue\tsource\nforest_coverage\tjiangxi\t2016\t63.1\t林业局\n",
        // Never read: hidden, or not a measurement file's name.
        ".git/hidden.csv": "indicator,region,year,value\nnot_an_indicator,nowhere,1800,x\n",
        "notes.txt": "not a table\n",
    ]

    @Test func checksEveryMeasurementFileInPathOrder() throws {
        try withDirectory(Self.data) { dir in
            // The empty directory first: the files after it are still the ones read again for the repeat's first line.
            let result = runQuality(["check", dir + "/empty", dir + "/"])
            #expect(result.status == .failure)
            #expect(result.stdout == """
                \(dir)/empty: error: [Q100] no measurement files (.csv, .json, .tsv) in this directory; name other files one by one
                \(dir)/z.csv:2:30: error: [Q205] value '163' is out of range: a rate must be from 0 to 100
                \(dir)/z.csv:3:30: warning: [Q302] 'forest_coverage', jiangxi, 2016 is given again with the same value, first at \(dir)/a/y.TSV:2

                """)
            #expect(result.stderr == "quality check: 3 files, 3 rows; 2 errors, 1 warning\n")
            // Without the empty one, the answer is errors found, not unreadable input; the
            // repeat's first line is found by reading the files again (two passes).
            let files = runQuality(["check", dir])
            #expect(files.status == .problems)
            #expect(files.stdout == result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n"))
        }
    }

    @Test func listsOnlyDirectories() throws {
        try withDirectory(Self.data) { dir in
            let listing = try #require(DirectoryListing.of(dir))
            #expect(listing.files == [dir + "/a/y.TSV", dir + "/z.csv"])
            #expect(listing.problems.isEmpty)
            #expect(DirectoryListing.of(dir + "/z.csv") == nil)
            #expect(DirectoryListing.of(dir + "/missing") == nil)
            #expect(DirectoryListing.of("-") == nil)
            // Shown as named, looked for where it lies.
            #expect(DirectoryListing.of("data", at: dir + "/a")?.files == ["data/y.TSV"])
        }
    }

    @Test func diffsTwoEditionsSpreadOverFiles() throws {
        let old = try String(contentsOfFile: fixture("edition-2023.csv"), encoding: .utf8)
        let new = try String(contentsOfFile: fixture("edition-2024.csv"), encoding: .utf8)
        try withDirectory(["2023/national.csv": old, "2024/national.csv": new]) { dir in
            let byFiles = runQuality(["diff", "--format", "json", "edition-2023.csv", "edition-2024.csv"])
            let byDirectories = runQuality(["diff", "--format", "json", dir + "/2023", dir + "/2024"])
            #expect(byDirectories.status == .problems)
            #expect(byFiles.stdout.contains("\"added\""))
            #expect(byDirectories.stdout.replacingOccurrences(of: dir + "/2023", with: "edition-2023.csv")
                .replacingOccurrences(of: dir + "/2024", with: "edition-2024.csv") == byFiles.stdout)
        }
    }
}
