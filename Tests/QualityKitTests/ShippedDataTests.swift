import Foundation
import Testing

@testable import QualityKit

@Suite struct ShippedDataTests {
    func shipped() throws -> ([QualityKit.Measurement], MeasurementReader) {
        let reader = MeasurementReader(catalog: .embedded)
        var out: [QualityKit.Measurement] = []
        for name in ["national", "jiangxi", "neimenggu"] {
            let path = repositoryRoot.appendingPathComponent("Data/measurements/\(name).csv").path
            reader.read(path: name, from: try FileChunkReader(path: path)) { out.append($0) }
        }
        return (out, reader)
    }

    @Test func everyRowPassesStrictCheck() throws {
        let (m, reader) = try shipped()
        #expect(reader.diagnostics.isEmpty)
        #expect(m.count == 97)
        #expect(m.allSatisfy { !$0.source.isEmpty && $0.source.contains("http") })
    }

    /// Each value is its provenance row's value, and the quoted excerpt states it.
    @Test func everyValueStandsInItsExcerpt() throws {
        let url = repositoryRoot.appendingPathComponent("Data/provenance/official-figures.csv")
        let tokenizer = CSVTokenizer(reader: try FileChunkReader(path: url.path))
        var records: [Int: [String: String]] = [:]
        var header: [String] = []
        while let r = try tokenizer.next() {
            if header.isEmpty { header = r.fields; continue }
            records[r.line] = Dictionary(uniqueKeysWithValues: zip(header, r.fields))
        }
        #expect(records.count == 112)
        let (measurements, _) = try shipped()
        for m in measurements {
            let lineText = try #require(m.note.components(separatedBy: "official-figures.csv line ").last)
            let row = try #require(records[Int(lineText)!], "\(m.indicator) \(m.year)")
            let value = try #require(m.value.figure)
            #expect(row["year"] == String(m.year))
            #expect(Figure(row["value"]!) == value, "\(m.indicator) \(m.year)")
            #expect(row["value"] == value.description, "precision kept: \(row["value"]!)")
            let excerpt = row["excerpt"]!
            let stated = excerpt.contains(value.description)
                || (value.mantissa < 0 && excerpt.contains("下降" + value.magnitude.description))
                || m.note.contains("checked by hand")
            #expect(stated, "\(m.indicator) \(m.year) \(value) is not in: \(excerpt)")
        }
    }

    @Test func nationalReportJudgesThe2015TargetsOnRealFigures() throws {
        let (m, _) = try shipped()
        let engine = AttainmentEngine(catalog: .embedded, measurements: MeasurementSet(m))
        #expect(engine.asOf == 2024)
        let national = engine.evaluate(region: RegionCode(100000))
        let spot = try #require(national.results.first { $0.target.id == "national-2011-spot-check-pass-2015" })
        #expect(spot.status == .met)
        #expect(spot.reason.zh == "2014年 92.3 > 90，2015年 91.1 > 90：连续两年保持")
        #expect(spot.series.filter { (2012...2015).contains($0.year) }.map { $0.value.figure!.description } == ["89.8", "88.9", "92.3", "91.1"])
        #expect(spot.context.map(\.indicator.id) == ["national_spot_check_failure_rate"])
        let manufacturing = try #require(national.results.first { $0.target.id == "national-2023-manufacturing-pass-2025" })
        #expect(manufacturing.status == .onTrack)
        #expect(manufacturing.actual?.year == 2024)
        let jiangxi = engine.evaluate(region: RegionCode(360000))
        let forest = try #require(jiangxi.results.first { $0.target.id == "jiangxi-2011-forest-coverage-2015" })
        #expect(forest.status == .met && forest.actual?.value.figure == Figure("63.1"))
        let water = try #require(jiangxi.results.first { $0.target.id == "jiangxi-2011-river-sections-2015" })
        #expect(water.status == .met)
        #expect(water.reason.zh == "2015年 81 ≈ 82（容差±1以内）")
        #expect(water.context.map(\.indicator.id) == ["surface_water_good_share", "national_assessed_sections_good_share"])
        let air = try #require(jiangxi.results.first { $0.target.id == "jiangxi-2011-city-air-quality-2015" })
        #expect(air.status == .noData)
        #expect(air.context.map(\.indicator.id) == ["prefecture_cities_air_grade2", "air_good_days_share", "pm25_concentration"])
    }
}
