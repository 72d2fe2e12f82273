import Testing

@testable import QualityKit

@Suite struct MeasurementSetTests {
    func m(_ indicator: String, _ region: Int, _ year: Int, _ value: MeasuredValue, name: String = "", line: Int) -> QualityKit.Measurement {
        QualityKit.Measurement(indicator: indicator, region: RegionCode(region), regionName: name, year: year, value: value, line: line)
    }

    /// Series come in runs, out of order, interrupted and resumed; the set is the same as grouping by hand.
    @Test func groupsRunsInYearOrderAndKeepsTheFirstNameGiven() {
        let rows = [
            m("forest_coverage", 360101, 2016, .number(Figure(60)), line: 2),
            m("forest_coverage", 360101, 2014, .missing, name: "南昌市辖区", line: 3),
            m("spot_check_pass_rate", 360101, 2015, .number(Figure(90)), name: "东湖区", line: 4),
            m("forest_coverage", 360102, 2015, .number(Figure(61)), line: 5),
            m("forest_coverage", 360101, 2015, .number(Figure(59)), line: 6),
        ]
        let set = MeasurementSet(rows)
        let forest = set.series[SeriesKey(indicator: "forest_coverage", region: RegionCode(360101))] ?? []
        #expect(forest.map(\.year) == [2014, 2015, 2016])
        #expect(forest.map(\.line) == [3, 6, 2])
        #expect(set.series.count == 3)
        #expect(set.count == 5)
        #expect(set.regionNames == [RegionCode(360101): "南昌市辖区"])
        #expect(set.values("forest_coverage", RegionCode(360101)).map(\.year) == [2015, 2016])
        #expect(set.values("spot_check_pass_rate", RegionCode(360101)).map(\.line) == [4])
        #expect(set.values("forest_coverage", RegionCode(360103)).isEmpty)
    }
}
