import Foundation
import Testing

@testable import QualityKit

@Suite struct DiffTests {
    @Test func sameFiguresInAnotherEncodingAndLayoutAreEqual() {
        let result = runQuality(["diff", "edition-2023.csv", "edition-2023-gb-wide.csv"])
        #expect(result.status == .success)
        #expect(result.stdout == "no differences: the two files hold the same figures\n")
        #expect(runQuality(["diff", "edition-2023-gb-wide.csv", "edition-2023.csv", "--format", "json"]).status == .success)
    }

    @Test func revisionsAdditionsRemovalsAndFlipsAreGolden() {
        let text = runQuality(["diff", "edition-2023.csv", "edition-2024.csv", "--lang", "zh"])
        #expect(text.status == .problems)
        expectGolden(text.stdout, "diff-2023-2024.zh.txt")
        expectGolden(runQuality(["diff", "edition-2023.csv", "edition-2024.csv", "--format", "json", "--lang", "en"]).stdout, "diff-2023-2024.json")
        expectGolden(runQuality(["diff", "edition-2023.csv", "edition-2024.csv", "--format", "markdown", "--lang", "en"]).stdout, "diff-2023-2024.md")
        expectGolden(runQuality(["diff", "edition-2023.csv", "edition-2024.csv", "--format", "csv", "--lang", "en"]).stdout, "diff-2023-2024.csv")
    }

    @Test func jsonHasTheInterfaceKeys() throws {
        let out = runQuality(["diff", "edition-2023.csv", "edition-2024.csv", "--format", "json"]).stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let changed = try #require(object["changed"] as? [[String: Any]])
        #expect(changed.count == 1)
        #expect(changed[0]["old"] as? Double == 92.3 && changed[0]["new"] as? Double == 92.4 && changed[0]["delta"] as? Double == 0.1)
        #expect(changed[0]["region"] as? String == "national" && changed[0]["year"] as? Int == 2014)
        let flips = try #require(object["statusChanges"] as? [[String: Any]])
        #expect(flips.map { "\($0["targetId"]!) \($0["old"]!)→\($0["new"]!)" } == [
            "national-2023-manufacturing-pass-2025 off_track→on_track",
            "jiangxi-2011-river-sections-2015 no_data→met",
            "jiangxi-2011-forest-coverage-2015 met→not_met",
        ])
        #expect((object["added"] as? [Any])?.count == 3)
        #expect((object["removed"] as? [Any])?.count == 1)
        #expect(object["summary"] as? [String: Int] == ["added": 3, "removed": 1, "changed": 1, "statusChanges": 3, "sourceChanges": 1])
    }

    @Test func toleranceAndIgnoreSource() throws {
        let out = runQuality(["diff", "edition-2023.csv", "edition-2024.csv", "--format", "json", "--tolerance", "0.1", "--ignore-source"]).stdout
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect((object["changed"] as? [Any])?.isEmpty == true)
        #expect((object["sourceChanges"] as? [Any])?.isEmpty == true)
        let strict = try #require(try JSONSerialization.jsonObject(with: Data(runQuality(["diff", "edition-2023.csv", "edition-2024.csv", "--format", "json", "--tolerance", "0.09"]).stdout.utf8)) as? [String: Any])
        #expect((strict["changed"] as? [Any])?.count == 1)
    }

    @Test func aBrokenFileOnEitherSideIsTrouble() {
        for args in [["edition-broken.csv", "edition-2023.csv"], ["edition-2023.csv", "edition-broken.csv"]] {
            let result = runQuality(["diff"] + args)
            #expect(result.status == .failure)
            #expect(result.stderr.hasPrefix("edition-broken.csv:3:45: error: [Q204] 'abc' is not a number"))
        }
        let missing = runQuality(["diff", "edition-2023.csv", "nope.csv"])
        #expect(missing.status == .failure)
        #expect(missing.stderr.hasPrefix("nope.csv: error: [Q100] cannot read the file: no such file or directory\n"))
    }

    @Test func gitExternalDiffMode() {
        let f = fixture("edition-2023.csv")
        let g = fixture("edition-2024.csv")
        let result = runQuality(["diff", "--git", "data/figures.csv", f, "abc123", "100644", g, "def456", "100644"])
        #expect(result.status == .success)
        #expect(result.stdout.hasPrefix("--- a/data/figures.csv\n+++ b/data/figures.csv\n"))
        let added = runQuality(["diff", "--git", "data/new.csv", "/dev/null", ".", ".", g, "def456", "100644"])
        #expect(added.stdout.contains("+ jiangxi 2015: 81%"))
        #expect(runQuality(["diff", "--git", "a", "b"]).status == .failure)
    }

    @Test func standardInputServesOneSideOnly() {
        let stdin = Array("indicator,region,year,value\n森林覆盖率,jiangxi,2015,63.1\n".utf8)
        let both = runQuality(["diff", "-", "-"], stdin: stdin)
        #expect(both.status == .failure)
        #expect(both.stderr.hasPrefix("quality: error: only one of OLD and NEW can be standard input ('-')"))
        let one = runQuality(["diff", "-", fixture("edition-2024.csv")], stdin: stdin)
        #expect(one.status == .problems)
        #expect(one.stdout.contains("jiangxi"))
    }

    /// The energy trend is read from the published change when the level has too few
    /// values: a revision of the change alone flips it.
    @Test func aRevisedContextSeriesFlipsItsTarget() {
        let a = dataset([("gdp_energy_consumption_change", 100000, 2021, "-2.7"), ("gdp_energy_consumption_change", 100000, 2022, "-0.1")])
        let b = dataset([("gdp_energy_consumption_change", 100000, 2021, "-2.7"), ("gdp_energy_consumption_change", 100000, 2022, "0.1")])
        let flips = MeasurementDiff(old: a, new: b, catalog: .embedded).statusChanges
        #expect(flips.map { "\($0.region.code) \($0.target.id) \($0.old) → \($0.new)" } == ["100000 national-2023-gdp-energy-trend-2025 onTrack → offTrack"])
    }

    @Test func diffCoreComparesByMeaning() {
        let a = dataset([("forest_coverage", 360000, 2015, "63.10")])
        let b = dataset([("forest_coverage", 360000, 2015, "63.1")])
        #expect(MeasurementDiff(old: a, new: b, catalog: .embedded).isEmpty)
        let missing = MeasurementSet([QualityKit.Measurement(indicator: "forest_coverage", region: RegionCode(360000), year: 2016, value: .missing)])
        #expect(MeasurementDiff(old: missing, new: MeasurementSet([]), catalog: .embedded).isEmpty)
    }

    /// Source and note changes are found whether the two provenances sit in the first 64
    /// of their edition (a table by ordinal) or past them (a dictionary), and whatever
    /// order each edition met its sources in.
    @Test func sourceChangesAreFoundPastTheFirstProvenances() {
        func edition(_ sources: (Int) -> (String, String), order: [Int]) -> MeasurementSet {
            MeasurementSet(order.map { i in
                let (source, note) = sources(i)
                return QualityKit.Measurement(
                    indicator: "forest_coverage", region: RegionCode(360101 + i / 10), year: 2011 + i % 10, value: .number(Figure(mantissa: 600, scale: 1)),
                    source: source, note: note)
            })
        }
        // 100 sources, each on three rows, so that a pair of provenances past the first 64 comes up again.
        let old = edition({ ("来源 \($0 % 100)", "") }, order: Array(0..<300))
        // Every fifth source changes, and every seventh row's note; read in the reverse order.
        let new = edition({ i in ("来源 \(i % 100)" + (i % 100 % 5 == 0 ? "（修订）" : ""), i % 7 == 0 ? "备注" : "") }, order: (0..<300).reversed())
        let diff = MeasurementDiff(old: old, new: new, catalog: .embedded)
        let expected = (0..<300).filter { $0 % 100 % 5 == 0 || $0 % 7 == 0 }.map { "\(360101 + $0 / 10) \(2011 + $0 % 10)" }
        #expect(diff.sourceChanges.map { "\($0.key.region.code) \($0.key.year)" } == expected)
        #expect(diff.sourceChanges.first { $0.key.region.code == 360125 && $0.key.year == 2016 }.map { [$0.oldSource, $0.newSource, $0.newNote] } == ["来源 45", "来源 45（修订）", "备注"])
        #expect(diff.added.isEmpty && diff.removed.isEmpty && diff.changed.isEmpty)
    }

    /// A county is named as the report names it: its province, the name the data gave
    /// beside its code (the new edition's), and the code.
    @Test func countiesAreNamedAsTheDataNamesThem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quality-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = "indicator,region,region_name,year,value,source\n"
        try (header + "forest_coverage,360121,南昌县,2015,60.1,林业局\nforest_coverage,360102,,2015,50,林业局\n")
            .write(to: dir.appendingPathComponent("old.csv"), atomically: false, encoding: .utf8)
        try (header + "forest_coverage,360121,南昌县,2015,60.2,林业局\nforest_coverage,360102,东湖区,2015,51,林业局\n")
            .write(to: dir.appendingPathComponent("new.csv"), atomically: false, encoding: .utf8)
        let result = runQuality(["diff", dir.appendingPathComponent("old.csv").path, dir.appendingPathComponent("new.csv").path, "--lang", "zh"])
        #expect(result.status == .problems)
        #expect(result.stdout.contains("  ~ 江西 · 东湖区 (360102) 2015: 50% → 51% (+1, +2.00%)  [修订]\n"))
        #expect(result.stdout.contains("  ~ 江西 · 南昌县 (360121) 2015: 60.1% → 60.2% (+0.1, +0.17%)  [修订]\n"))
    }

    /// The JSON's long lists are written in pieces on both cores; joined, they are the
    /// document one writer writes, byte for byte, at any piece size and with lists empty.
    @Test func jsonInPiecesIsTheJSONWrittenPlainly() throws {
        func value(_ i: Int, _ tenths: Int, source: String = "统计年鉴") -> QualityKit.Measurement {
            QualityKit.Measurement(
                indicator: i % 2 == 0 ? "forest_coverage" : "agri_standardization_rate", region: RegionCode(360101 + i / 10), year: 2011 + i % 10,
                value: .number(Figure(mantissa: Int64(tenths), scale: 1)), source: source)
        }
        let old = MeasurementSet((0..<60).map { value($0, 600 + $0) })
        // Every third revised, every fifth gone, every seventh from another source, ten more added.
        let new = MeasurementSet(
            (0..<70).filter { $0 >= 60 || $0 % 5 != 0 }.map { value($0, 600 + $0 + ($0 % 3 == 0 ? 1 : 0), source: $0 % 7 == 0 ? "林业局, 公报" : "统计年鉴") })
        let onlyRevised = MeasurementSet((0..<60).map { value($0, 600 + $0 + ($0 % 3 == 0 ? 1 : 0)) })
        for (a, b) in [(old, new), (old, onlyRevised), (old, old)] {
            let renderer = DiffRenderer(diff: MeasurementDiff(old: a, new: b, catalog: .embedded), catalog: .embedded, lang: .zh, oldLabel: "a", newLabel: "b")
            var plain: [UInt8] = []
            renderer.json(plainly: true) { plain += $0 }
            _ = try JSONSerialization.jsonObject(with: Data(plain))
            for perCore in [1, 2, 3, 7, 1_000] {
                var pieces: [UInt8] = []
                var count = 0
                renderer.json(perCore: perCore) { pieces += $0; count += 1 }
                #expect(pieces == plain, "\(perCore) a core")
                if perCore == 1, a.count != b.count { #expect(count > 10) }
            }
        }
    }
}
