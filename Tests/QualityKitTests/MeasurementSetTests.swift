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
        #expect(set.latestYear == 2016)
        // The indicators with a series, each once however its runs were interrupted.
        #expect(set.indicators == ["forest_coverage", "spot_check_pass_rate"])
        var looked = MeasurementSet.Builder()
        looked.add(rows[0])
        _ = looked.value("spot_check_pass_rate", RegionCode(360102), year: 2015)
        #expect(looked.build().indicators == ["forest_coverage"], "a series looked at and given nothing is none")
        // The latest year is the latest with a value: a missing one later does not count.
        #expect(MeasurementSet(rows + [m("forest_coverage", 360102, 2020, .missing, line: 7)]).latestYear == 2016)
        #expect(MeasurementSet([m("forest_coverage", 360102, 2020, .missing, line: 2)]).latestYear == nil)
    }

    /// An observation keeps its year, line and value in 24 bytes and gives each back as
    /// it was given: every kind of value, every scale a reader gives, the ends of the
    /// years and lines it holds; a line past the last it holds is kept as that line.
    @Test func anObservationGivesBackWhatItWasGiven() {
        #expect(MemoryLayout<Observation>.stride == 24)
        let provenance = Provenance(source: "统计年鉴", note: "", file: "a.csv", ordinal: 0)
        var values: [MeasuredValue] = [.missing, .category(true), .category(false)]
        for scale in 0...Figure.maxScale {
            for mantissa: Int64 in [0, 1, -1, 8130, Int64.max, Int64.min] { values.append(.number(Figure(mantissa: mantissa, scale: scale))) }
        }
        for value in values {
            for year in [Observation.years.lowerBound, -1, 0, 1949, 2100, Observation.years.upperBound] {
                for line in [0, 1, 2, 1_000_000_007, Observation.lastLine] {
                    let o = Observation(year: year, value: value, provenance: provenance, line: line)
                    #expect(o.year == year && o.line == line && o.provenance === provenance)
                    // The figure as written: 88.0 stays 88.0, not 88 (== on figures is numeric).
                    #expect(o.value == value && o.value.figure?.scale == value.figure?.scale && o.value.figure?.mantissa == value.figure?.mantissa)
                }
            }
        }
        #expect(Observation(year: 2015, value: .missing, provenance: provenance, line: Observation.lastLine + 5).line == Observation.lastLine)
        // Equal as their parts are: 88.0 and 88 are the same number.
        let a = Observation(year: 2015, value: .number(Figure(mantissa: 880, scale: 1)), provenance: provenance, line: 3)
        let b = Observation(year: 2015, value: .number(Figure(88)), provenance: provenance, line: 3)
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != Observation(year: 2015, value: .number(Figure(88)), provenance: provenance, line: 4))
        #expect(a != Observation(year: 2016, value: .number(Figure(88)), provenance: provenance, line: 3))
        #expect(Observation(year: 2015, value: .missing, provenance: provenance, line: 3) != Observation(year: 2015, value: .category(false), provenance: provenance, line: 3))
    }

    /// A county panel keeps millions of observations: those with the same source, note and
    /// file point to one provenance, on the row-by-row path and on both cores alike.
    @Test(arguments: [false, true])
    func observationsShareTheirProvenance(parallel: Bool) {
        var text = "indicator,region,year,value,source,note\n"
        for year in 2011...2020 {
            text += "森林覆盖率,360102,\(year),6\(year % 10),统计年鉴,\(year == 2015 ? "初步数" : "")\n"
            text += "森林覆盖率,360103,\(year),5\(year % 10),\"林业局, 公报\",\n"
        }
        var options = MeasurementReader.Options()
        options.duplicateSearch = .series
        options.parallel = parallel
        options.parallelBlockBytes = 64
        let reader = MeasurementReader(catalog: .embedded, options: options)
        reader.read(path: "a.csv", from: MemoryChunkReader(Array(text.utf8), chunkSize: 50))
        let set = reader.takeSeries()
        let a = set.series[SeriesKey(indicator: "forest_coverage", region: RegionCode(360102))] ?? []
        let b = set.series[SeriesKey(indicator: "forest_coverage", region: RegionCode(360103))] ?? []
        #expect(a.count == 10 && b.count == 10)
        #expect(a.map(\.note) == (2011...2020).map { $0 == 2015 ? "初步数" : "" })
        #expect(Set(a.map(\.source)) == ["统计年鉴"] && Set(b.map(\.source)) == ["林业局, 公报"] && Set(b.map(\.file)) == ["a.csv"])
        let plain = a.filter { $0.note.isEmpty }
        #expect(plain.allSatisfy { $0.provenance === plain[0].provenance })
        #expect(b.allSatisfy { $0.provenance === b[0].provenance })
        #expect(a[4].provenance !== plain[0].provenance && b[0].provenance !== plain[0].provenance)
        // Each has its own ordinal, counted in the order the file first gives them (diff indexes a table by it).
        #expect([plain[0].provenance.ordinal, b[0].provenance.ordinal, a[4].provenance.ordinal] == [0, 1, 2])
    }

    /// Provenances are told apart by their bytes: a source written with a precomposed é and one
    /// with e and a combining accent (equal as `String`s) stay two, each given back as written;
    /// the same bytes, met again after others, are the one provenance.
    @Test func provenancesAreTheirTextsAsWritten() {
        var builder = MeasurementSet.Builder()
        let composed = builder.provenance(source: "Insee, r\u{E9}sultats", note: "", file: "a.csv")
        let decomposed = builder.provenance(source: "Insee, re\u{301}sultats", note: "", file: "a.csv")
        let other = builder.provenance(source: "统计年鉴", note: "初步数", file: "a.csv")
        #expect(composed.source == decomposed.source)
        #expect(composed !== decomposed && composed != decomposed)
        #expect(Array(decomposed.source.utf8) == Array("Insee, re\u{301}sultats".utf8))
        #expect(builder.provenance(source: "Insee, r\u{E9}sultats", note: "", file: "a.csv") === composed)
        #expect(builder.provenance(source: "Insee, re\u{301}sultats", note: "", file: "a.csv") === decomposed)
        #expect(builder.provenance(source: "统计年鉴", note: "初步数", file: "b.csv") !== other)
        #expect([composed, decomposed, other].map(\.ordinal) == [0, 1, 2])
    }

    /// Series keys are their indicator's bytes, as provenances are: an id built again from
    /// its bytes (other storage) is the same key, with the same hash; an indicator written
    /// with a decomposed accent is another series than the precomposed one, each kept as
    /// written; a region apart is another key.
    @Test func seriesKeysAreTheirIndicatorsBytes() {
        let id = "产品质量国家监督抽查合格率"
        let rebuilt = String(decoding: Array(id.utf8), as: UTF8.self)
        let key = SeriesKey(indicator: id, region: RegionCode(360102))
        #expect(SeriesKey(indicator: rebuilt, region: RegionCode(360102)) == key)
        #expect(SeriesKey(indicator: rebuilt, region: RegionCode(360102)).hashValue == key.hashValue)
        #expect(SeriesKey(indicator: id, region: RegionCode(360103)) != key)
        #expect(SeriesKey(indicator: String(id.dropLast()), region: RegionCode(360102)) != key)
        let composed = SeriesKey(indicator: "r\u{E9}sultats", region: RegionCode(360102))
        let decomposed = SeriesKey(indicator: "re\u{301}sultats", region: RegionCode(360102))
        #expect(composed.indicator == decomposed.indicator && composed != decomposed)
        let set = MeasurementSet([composed, decomposed].enumerated().map { i, key in
            Measurement(indicator: key.indicator, region: key.region, year: 2020, value: .number(Figure(i + 1)), source: "s", line: i + 2)
        })
        #expect(set.series.count == 2)
        #expect(set.series[decomposed]?.map(\.line) == [3])
        #expect(set.series.keys.first { $0 == decomposed }.map { Array($0.indicator.utf8) } == Array("re\u{301}sultats".utf8))
    }

    /// An observation does not count its provenance, so one kept after its reader and set
    /// are gone still gives back its source, note and file.
    @Test func anObservationOutlivesItsSet() {
        func readOne() -> Observation? {
            var options = MeasurementReader.Options()
            options.duplicateSearch = .series
            let reader = MeasurementReader(catalog: .embedded, options: options)
            let text = "indicator,region,year,value,source,note\n森林覆盖率,360102,2015,63.1,\"林业局, 公报\",初步数\n"
            reader.read(path: "kept.csv", from: MemoryChunkReader(Array(text.utf8), chunkSize: 16))
            return reader.takeSeries().observation("forest_coverage", RegionCode(360102), year: 2015)
        }
        let kept = readOne()
        #expect(kept.map { [$0.source, $0.note, $0.file] } == ["林业局, 公报", "初步数", "kept.csv"])
        #expect(kept?.value == .number(Figure("63.1")!))
    }
}

/// The interner behind every byte-level cache: whatever the order of lookups (a run of
/// one key, two columns in turn, keys never seen), it answers as a dictionary would.
@Suite struct ByteInternerTests {
    @Test func answersAsADictionaryWhateverTheOrderOfLookups() {
        var rng = SeededRandom(seed: 7)
        let keys = (0..<300).map { i in Array("键\(i)·\(String(repeating: "x", count: i % 23))".utf8) } + [[]]
        let interner = ByteInterner<Int>()
        var reference: [[UInt8]: Int] = [:]
        for step in 0..<20_000 {
            // Runs of one key, two keys in turn, and jumps anywhere.
            let k: [UInt8]
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: k = keys[step / 7 % keys.count]
            case 1: k = keys[(step % 2) * 150 + step / 50 % 150]
            default: k = keys[Int.random(in: 0..<keys.count, using: &rng)]
            }
            let found = k.withUnsafeBufferPointer { interner.find($0) }
            #expect(found == reference[k], "step \(step)")
            if found == nil, reference[k] == nil {
                k.withUnsafeBufferPointer { interner.insert($0, step) }
                reference[k] = step
            }
        }
        #expect(reference.count == keys.count)
    }

    /// Bytes are compared eight at a time and then one by one: a difference in any place of
    /// any length is found, wherever in memory either buffer starts.
    @Test func sameBytesFindsADifferenceAnywhere() {
        let bytes = Array("质量强国建设纲要 2025".utf8)
        for length in 0...20 {
            for offset in 0..<3 {
                let a = Array(bytes[offset..<offset + length])
                let b = [0xEE] + a
                b.withUnsafeBufferPointer { shifted in
                    let b = UnsafeBufferPointer(rebasing: shifted[1...])
                    a.withUnsafeBufferPointer { #expect(sameBytes($0, b), "length \(length) offset \(offset)") }
                    for place in 0..<length {
                        var changed = a
                        changed[place] ^= 0x01
                        changed.withUnsafeBufferPointer { #expect(!sameBytes($0, b), "length \(length) place \(place)") }
                    }
                }
            }
        }
    }

    /// Past its capacity it remembers nothing new, and still finds what it kept.
    @Test func forgetsNothingItKeptPastItsCapacity() {
        let interner = ByteInterner<Int>(capacity: 2)
        for (i, word) in ["甲", "乙", "丙"].enumerated() { Array(word.utf8).withUnsafeBufferPointer { interner.insert($0, i) } }
        let found = ["甲", "乙", "丙", "乙", "甲"].map { word in Array(word.utf8).withUnsafeBufferPointer { interner.find($0) } }
        #expect(found == [0, 1, nil, 1, 0])
    }
}

@Suite struct ArrayReuseTests {
    /// A row's buffer is emptied in place: nothing left, and its memory kept for the next row.
    @Test func emptyingKeepsTheMemory() {
        var row = [(year: 2015, text: "统计年鉴")]
        row.reserveCapacity(64)
        let capacity = row.capacity
        row.append((2016, "公报"))
        row.empty()
        #expect(row.isEmpty && row.capacity == capacity)
        row.empty()
        #expect(row.isEmpty)
    }
}
