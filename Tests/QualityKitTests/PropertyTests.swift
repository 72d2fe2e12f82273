import Foundation
import Testing

@testable import QualityKit

/// A small deterministic generator (SplitMix64), so every failure can be replayed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Generate {
    static let pieces = ["质检总局", "江西省", "市场监管总局, 通报", "\"引号\"", "a,b", "tab\there", "Ⅰ-Ⅲ类", "😀", "ＡＢＣ", "line\nbreak", "esc\u{1B}x", "=SUM(A1)", "-x", "·"]

    static func text(_ rng: inout SeededRandom, allowEmpty: Bool) -> String {
        let n = Int.random(in: allowEmpty ? 0...3 : 1...3, using: &rng)
        return (0..<n).map { _ in pieces.randomElement(using: &rng)! }.joined(separator: " ")
    }

    /// A random set of distinct (indicator, region, year) measurements.
    static func measurements(_ rng: inout SeededRandom) -> [QualityKit.Measurement] {
        let catalog = Catalog.embedded
        let numeric = catalog.indicators.filter { ["%", "score", "index"].contains($0.unit) && $0.scale == nil || $0.unit == "%" }
        var seen = Set<String>()
        var out: [QualityKit.Measurement] = []
        for _ in 0..<Int.random(in: 1...40, using: &rng) {
            let categorical = Int.random(in: 0..<6, using: &rng) == 0
            let indicator = categorical ? catalog.indicator("city_air_quality_grade2")! : numeric.randomElement(using: &rng)!
            let county = Bool.random(using: &rng)
            let region = county ? RegionCode(360000 + Int.random(in: 101...999, using: &rng)) : RegionCode([100000, 360000, 150000].randomElement(using: &rng)!)
            let year = Int.random(in: 2005...2030, using: &rng)
            guard seen.insert("\(indicator.id)|\(region.code)|\(year)").inserted else { continue }
            let value: MeasuredValue
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: value = .missing
            case _ where categorical: value = .category(Bool.random(using: &rng))
            default:
                // 0 to 100 with up to three decimals, trailing zeros kept (81.30).
                let scale = Int.random(in: 0...3, using: &rng)
                let whole = Int64.random(in: 0...100, using: &rng)
                var m = whole
                for _ in 0..<scale { m = m * 10 + (whole == 100 ? 0 : Int64.random(in: 0...9, using: &rng)) }
                value = .number(Figure(mantissa: m, scale: scale))
            }
            out.append(QualityKit.Measurement(
                indicator: indicator.id, region: region, regionName: county ? text(&rng, allowEmpty: false) : "", year: year, value: value,
                unit: indicator.unit, source: text(&rng, allowEmpty: false), note: text(&rng, allowEmpty: true)))
        }
        return out
    }
}

@Suite struct PropertyTests {
    static let encodings: [TextEncoding] = [.utf8, .utf8BOM, .gb18030, .utf16LE]

    /// Anything quality writes, in any format and encoding, reads back identical.
    @Test(arguments: MeasurementWriter.Format.allCases, encodings)
    func writtenMeasurementsReadBackIdentical(_ format: MeasurementWriter.Format, _ encoding: TextEncoding) throws {
        var rng = SeededRandom(seed: 2024)
        for round in 0..<40 {
            let original = Generate.measurements(&rng)
            let bytes = MeasurementWriter.encode(MeasurementWriter.text(original, format: format, catalog: .embedded), as: encoding)
            let reader = MeasurementReader(catalog: .embedded)
            var back: [QualityKit.Measurement] = []
            reader.read(path: "round-\(round).\(format.rawValue)", from: MemoryChunkReader(bytes, chunkSize: 5 + round)) { back.append($0) }
            #expect(reader.diagnostics.isEmpty, "round \(round): \(reader.diagnostics.prefix(2).map(\.formatted))")
            func key(_ m: QualityKit.Measurement) -> String {
                "\(m.indicator)|\(m.region.code)|\(m.regionName)|\(m.year)|\(MeasurementWriter.valueText(m.value))|\(m.unit)|\(m.source)|\(m.note)"
            }
            #expect(back.map(key) == original.map(key), "round \(round) in \(format) \(encoding)")
            #expect(reader.files[0].encoding == encoding.rawValue)
        }
    }

    /// check accounts for every data line: rows read + rows rejected = data lines.
    @Test func everyDataLineIsAccountedFor() {
        var rng = SeededRandom(seed: 7)
        let good = ["forest_coverage,jiangxi,2015,63.1,src", "森林覆盖率,360102,2016,61,src", "forest_coverage,national,2017,,src"]
        let bad = ["forest_coverage,jiangxi,20x5,63.1,src", "nope,jiangxi,2015,1,src", "forest_coverage,jiangxi,2015,abc,src", "\"unclosed,x", "a,b", "forest_coverage,jiangxi,2018,101,src"]
        for round in 0..<60 {
            var lines = ["indicator,region,year,value,source"]
            var dataLines = 0
            for _ in 0..<Int.random(in: 0...25, using: &rng) {
                if Int.random(in: 0..<8, using: &rng) == 0 {
                    lines.append("")
                    continue
                }
                lines.append(Bool.random(using: &rng) ? good.randomElement(using: &rng)! : bad.randomElement(using: &rng)!)
                dataLines += 1
            }
            let reader = MeasurementReader(catalog: .embedded)
            let summary = reader.read(path: "r\(round).csv", from: MemoryChunkReader(lines.joined(separator: "\n") + "\n"))
            #expect(summary.rowsRead + summary.rowsRejected == summary.rows, "round \(round)")
            // An unterminated quote swallows the rest of the file into one record; otherwise every line is a row.
            if !lines.contains("\"unclosed,x") { #expect(summary.rows == dataLines, "round \(round)") }
        }
    }
}

@Suite struct ConvertCommandTests {
    @Test func aGB18030YearbookBecomesCleanLongCSV() {
        let result = runQuality(["convert", "excel-gb18030-wide.csv"])
        #expect(result.status == .success)
        #expect(result.stdout == """
            indicator,region,region_name,year,value,unit,source,note
            national_spot_check_pass_rate,national,,2012,89.8,%,质检总局年度国家监督抽查通报,
            national_spot_check_pass_rate,national,,2013,88.9,%,质检总局年度国家监督抽查通报,
            national_spot_check_pass_rate,national,,2014,92.3,%,质检总局年度国家监督抽查通报,
            national_spot_check_pass_rate,national,,2015,91.1,%,质检总局年度国家监督抽查通报,
            forest_coverage,jiangxi,,2012,63.1,%,江西省林业厅,
            forest_coverage,jiangxi,,2013,,%,江西省林业厅,
            forest_coverage,jiangxi,,2014,,%,江西省林业厅,
            forest_coverage,jiangxi,,2015,63.1,%,江西省林业厅,

            """)
        #expect(result.stderr == "quality convert: 8 values written\n")
    }

    @Test func convertedFilesDiffAsEqual() {
        let capture = Capture()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quality-convert-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("edition.json").path
        let context = CLIContext(environment: [:], write: { capture.write($0, $1) }, open: { try FileChunkReader(path: $0.hasPrefix("/") ? $0 : fixture($0)) })
        #expect(QualityCLI.run(["convert", "edition-2023-gb-wide.csv", "--to", "json", "--to-encoding", "gb18030", "--output", out], context: context) == .success)
        #expect(runQuality(["diff", "edition-2023.csv", out]).status == .success)
    }

    @Test func rowsWithErrorsStopTheConversion() {
        let result = runQuality(["convert", "malformed-values.csv"])
        #expect(result.status == .failure)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasSuffix("quality convert: nothing written: fix the rows above first (nothing is dropped silently)\n"))
    }
}

@Suite struct DiffPropertyTests {
    /// The series-by-series merge in MeasurementDiff agrees with the plainest
    /// comparison there is: one dictionary per edition, keyed by (indicator, region, year).
    @Test(arguments: 0..<30)
    func mergeAgreesWithADictionaryComparison(_ seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let old = Generate.measurements(&rng)
        // The new edition: some values revised, some rows dropped, some sources changed, some new rows.
        var new: [QualityKit.Measurement] = []
        for var m in old {
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: continue
            case 1: m.value = .number(Figure(mantissa: Int64.random(in: 0...1000, using: &rng), scale: 1))
            case 2: m.source += "（修订）"
            default: break
            }
            new.append(m)
        }
        let taken = Set(old.map { "\($0.indicator)|\($0.region.code)|\($0.year)" })
        new += Generate.measurements(&rng).filter { !taken.contains("\($0.indicator)|\($0.region.code)|\($0.year)") }

        typealias Key = MeasurementDiff.Key
        func table(_ ms: [QualityKit.Measurement]) -> [Key: QualityKit.Measurement] {
            var t: [Key: QualityKit.Measurement] = [:]
            for m in ms where !m.value.isMissing { t[Key(indicator: m.indicator, region: m.region, year: m.year)] = m }
            return t
        }
        let before = table(old)
        let after = table(new)
        let diff = MeasurementDiff(old: MeasurementSet(old), new: MeasurementSet(new), catalog: .embedded)

        #expect(diff.added.map(\.key) == after.keys.filter { before[$0] == nil }.sorted())
        #expect(diff.removed.map(\.key) == before.keys.filter { after[$0] == nil }.sorted())
        #expect(diff.changed.map(\.key) == after.keys.filter { k in before[k].map { MeasurementDiff.differs($0.value, after[k]!.value, tolerance: nil) } ?? false }.sorted())
        #expect(diff.sourceChanges.map(\.key) == after.keys.filter { k in before[k].map { $0.source != after[k]!.source || $0.note != after[k]!.note } ?? false }.sorted())
        #expect(diff.added.allSatisfy { after[$0.key]!.value == $0.value && after[$0.key]!.source == $0.source })
        #expect(diff.removed.allSatisfy { before[$0.key]!.value == $0.value })
    }

    /// diff judges only the targets that read a series that changed; the flips it finds
    /// are exactly those of judging every target in every region of both editions, with
    /// or without a tolerance (a revision within it is no change, yet can flip a target).
    @Test func flipsAgreeWithJudgingEverything() {
        var flipsSeen = 0
        var flipsWithinTolerance = 0
        for seed in UInt64(0)..<60 {
            var rng = SeededRandom(seed: seed)
            // Series near the targets' figures, in years around theirs, so that revisions flip some.
            var figures: [String: QualityKit.Measurement] = [:]
            for target in Catalog.embedded.targets.shuffled(using: &rng).prefix(12) {
                guard let indicator = target.indicator, let x = target.value else { continue }
                for region in [100000, 360000, 150000, 360102, 360111, 150203].map(RegionCode.init) where Bool.random(using: &rng) {
                    for year in (target.year - 4)...(target.year + 1) where Int.random(in: 0..<4, using: &rng) > 0 {
                        let value = Figure(mantissa: max(0, x.mantissa * 10 / Int64(pow(10, Double(x.scale))) + Int64.random(in: -30...30, using: &rng)), scale: 1)
                        figures["\(indicator)|\(region.code)|\(year)"] = QualityKit.Measurement(indicator: indicator, region: region, year: year, value: .number(value), source: "s")
                    }
                }
            }
            let old = Array(figures.values)
            let new = old.map { m -> QualityKit.Measurement in
                var m = m
                if Int.random(in: 0..<3, using: &rng) == 0, case .number(let f) = m.value {
                    m.value = .number(Figure(mantissa: max(0, f.mantissa + Int64.random(in: -40...40, using: &rng)), scale: f.scale))
                }
                return m
            }
            let (a, b) = (MeasurementSet(old), MeasurementSet(new))
            for tolerance in [nil, Figure(5)] {
                let diff = MeasurementDiff(old: a, new: b, catalog: .embedded, tolerance: tolerance)
                let asOf = [a.latestYear, b.latestYear].compactMap { $0 }.max()
                let (x, y) = (AttainmentEngine(catalog: .embedded, measurements: a, asOf: asOf), AttainmentEngine(catalog: .embedded, measurements: b, asOf: asOf))
                var everything: [String] = []
                for region in Set(a.regions + b.regions).sorted() {
                    for (p, q) in zip(x.evaluate(region: region).results, y.evaluate(region: region).results) where p.status != q.status {
                        everything.append("\(region.code) \(p.target.id) \(p.status) → \(q.status)")
                    }
                }
                #expect(diff.statusChanges.map { "\($0.region.code) \($0.target.id) \($0.old) → \($0.new)" } == everything, "seed \(seed)")
                flipsSeen += everything.count
                if tolerance != nil { flipsWithinTolerance += diff.statusChanges.filter { f in !diff.changed.contains { $0.key.region == f.region } }.count }
            }
        }
        #expect(flipsSeen > 20)
        #expect(flipsWithinTolerance > 0)
    }
}
