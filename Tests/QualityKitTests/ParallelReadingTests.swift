import Foundation
import Testing

@testable import QualityKit

/// Checking a table on both cores, and finding duplicates in two passes (what
/// `check` does), must change nothing: every diagnostic with its line and
/// column, every summary count. Tiny stretches cut files everywhere, inside
/// quoted line breaks and CRLFs included.
@Suite struct ParallelReadingTests {
    struct Outcome: Equatable {
        let diagnostics: [String]
        let summaries: [FileSummary]
        /// What a sink was handed (empty when reading without one).
        var measurements: [QualityKit.Measurement] = []
        /// What the reader kept, with the `series` search.
        var series: MeasurementSet? = nil
    }

    static func read(
        _ files: [(String, [UInt8])], parallel: Bool, blockBytes: Int = 2 << 20, chunkSize: Int = 1 << 20,
        duplicateSearch: MeasurementReader.DuplicateSearch = .exact, keep: Bool = false, seriesBatchRows: Int = 16_384, fromFiles: Bool = false
    ) -> Outcome {
        var options = MeasurementReader.Options()
        options.parallel = parallel
        options.parallelBlockBytes = blockBytes
        options.seriesBatchRows = seriesBatchRows
        options.duplicateSearch = duplicateSearch
        let reader = MeasurementReader(catalog: .embedded, options: options)
        var kept: [QualityKit.Measurement] = []
        // From files on disk, pieces are read straight from the file (`FileChunkReader.bytes(after:more:)`).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quality-parallel-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        func open(_ k: Int) -> ChunkReader {
            guard fromFiles else { return MemoryChunkReader(files[k].1, chunkSize: chunkSize) }
            let url = dir.appendingPathComponent("\(k).csv")
            if !FileManager.default.fileExists(atPath: url.path) {
                try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try! Data(files[k].1).write(to: url)
            }
            return try! FileChunkReader(path: url.path, chunkSize: chunkSize)
        }
        for (k, (path, _)) in files.enumerated() {
            reader.read(path: path, from: open(k), sink: keep ? { kept.append($0) } : nil)
        }
        reader.resolveDuplicates { open($0) }
        let series = duplicateSearch == .series ? reader.takeSeries() : nil
        if let series {
            #expect(series.indicators == Set(series.series.keys.map(\.indicator)), "the indicators of the series, no more")
            #expect(series.regions == Set(series.series.keys.map(\.region)).sorted(), "the regions of the series, in order")
        }
        return Outcome(
            diagnostics: reader.diagnostics.map(\.formatted), summaries: reader.files, measurements: kept,
            series: series)
    }

    /// Serial with every key kept is the reference; both cores and the two-pass duplicate search must match it.
    static func expectSame(_ files: [(String, [UInt8])], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let serial = read(files, parallel: false)
        for (blockBytes, chunkSize) in [(2, 3), (7, 1), (64, 5), (300, 1 << 20), (4096, 17)] {
            for search in [MeasurementReader.DuplicateSearch.exact, .twoPass] {
                let parallel = read(files, parallel: true, blockBytes: blockBytes, chunkSize: chunkSize, duplicateSearch: search)
                #expect(parallel.diagnostics == serial.diagnostics, "block \(blockBytes), chunk \(chunkSize), \(search)", sourceLocation: sourceLocation)
                #expect(parallel.summaries == serial.summaries, "block \(blockBytes), chunk \(chunkSize), \(search)", sourceLocation: sourceLocation)
            }
        }
        for (blockBytes, chunkSize) in [(7, 1), (64, 5), (4096, 17)] {
            let parallel = read(files, parallel: true, blockBytes: blockBytes, chunkSize: chunkSize, fromFiles: true)
            #expect(parallel.diagnostics == serial.diagnostics, "block \(blockBytes), chunk \(chunkSize), from files", sourceLocation: sourceLocation)
            #expect(parallel.summaries == serial.summaries, "block \(blockBytes), chunk \(chunkSize), from files", sourceLocation: sourceLocation)
        }
        let twoPass = read(files, parallel: false, duplicateSearch: .twoPass)
        #expect(twoPass == serial, "serial, two-pass", sourceLocation: sourceLocation)
        // With a sink (report, diff), every measurement is handed over the same, in file order.
        let kept = read(files, parallel: false, keep: true)
        #expect(kept.diagnostics == serial.diagnostics && kept.summaries == serial.summaries, "serial with a sink", sourceLocation: sourceLocation)
        for (blockBytes, chunkSize) in [(2, 3), (64, 5), (4096, 17)] {
            let parallel = read(files, parallel: true, blockBytes: blockBytes, chunkSize: chunkSize, keep: true)
            #expect(parallel == kept, "block \(blockBytes), chunk \(chunkSize), with a sink", sourceLocation: sourceLocation)
        }
        // Searching the series themselves for duplicates (report, diff) keeps just what a sink is handed,
        // on one core in batches of any size (cut after every row, every few rows, or never).
        for (parallel, blockBytes, chunkSize, batch) in [
            (false, 2 << 20, 1 << 20, 16_384), (false, 2 << 20, 3, 16_384), (false, 2 << 20, 1 << 20, 1), (false, 2 << 20, 5, 3),
            (true, 2, 3, 16_384), (true, 64, 5, 16_384), (true, 300, 1 << 20, 2), (true, 4096, 17, 16_384),
        ] {
            let inSeries = read(files, parallel: parallel, blockBytes: blockBytes, chunkSize: chunkSize, duplicateSearch: .series, seriesBatchRows: batch)
            let label: Comment = "series search, \(parallel ? "parallel" : "serial"), block \(blockBytes), chunk \(chunkSize), batch \(batch)"
            #expect(inSeries.diagnostics == serial.diagnostics, label, sourceLocation: sourceLocation)
            #expect(inSeries.summaries == serial.summaries, label, sourceLocation: sourceLocation)
            #expect(inSeries.series == MeasurementSet(kept.measurements), label, sourceLocation: sourceLocation)
        }
        // From files, whose size is told ahead: the series table is sized after the first stretch; the same set.
        let fromFiles = read(files, parallel: true, blockBytes: 64, chunkSize: 5, duplicateSearch: .series, fromFiles: true)
        #expect(fromFiles.diagnostics == serial.diagnostics && fromFiles.summaries == serial.summaries, "series search, from files", sourceLocation: sourceLocation)
        #expect(fromFiles.series == MeasurementSet(kept.measurements), "series search, from files", sourceLocation: sourceLocation)
        // On one core (diff), sized after the first batch of rows; the same set.
        let batchedFromFiles = read(files, parallel: false, chunkSize: 5, duplicateSearch: .series, seriesBatchRows: 2, fromFiles: true)
        #expect(batchedFromFiles.diagnostics == serial.diagnostics && batchedFromFiles.summaries == serial.summaries, "series search, serial, from files", sourceLocation: sourceLocation)
        #expect(batchedFromFiles.series == MeasurementSet(kept.measurements), "series search, serial, from files", sourceLocation: sourceLocation)
    }

    @Test func everyFixtureReadsTheSame() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: fixturesURL.path).filter { $0.hasSuffix(".csv") || $0.hasSuffix(".txt") }.sorted()
        #expect(names.count >= 14)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: fixturesURL.appendingPathComponent(name)))
            Self.expectSame([(name, bytes)])
        }
        // Together, so duplicates across files are found the same way too.
        Self.expectSame(try ["edition-2023.csv", "edition-2024.csv", "edition-broken.csv"].map { ($0, try [UInt8](Data(contentsOf: fixturesURL.appendingPathComponent($0)))) })
    }

    @Test func fuzzCorpusReadsTheSame() throws {
        for folder in ["csv", "check"] {
            let url = repositoryRoot.appendingPathComponent("fuzz/corpus/\(folder)")
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() {
                Self.expectSame([(name + ".csv", try [UInt8](Data(contentsOf: url.appendingPathComponent(name))))])
            }
        }
    }

    /// Random tables with what makes cutting hard: quoted line breaks, CRLF and
    /// CR line ends, blank lines, duplicates near and far, broken rows, wide rows.
    @Test(arguments: 0..<40)
    func randomTablesReadTheSame(_ seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let wide = seed % 4 == 3
        // Some tables put the source first, so a quoted line break comes before the value.
        let sourceFirst = seed % 4 == 1
        let newline = ["\n", "\r\n", "\n", "\r\n", "\r"][Int(seed % 5)]
        // Some give a region's name and a note: texts a source shares with some rows and not others.
        let named = seed % 3 == 2
        var text = wide ? "indicator,region,2014,2015,source" : sourceFirst ? "source,indicator,region,year,value" : "indicator,region,year,value,source"
        if named { text += ",region_name,note" }
        let indicators = ["森林覆盖率", "forest_coverage", "制造业产品质量合格率", "no such indicator"]
        let regions = ["jiangxi", "360102", "全国", "990101"]
        let sources = ["\"多行\(newline)来源\"", "统计局", "\"a,b\"", "", "\"未闭合"]
        for _ in 0..<Int.random(in: 5...60, using: &rng) {
            text += newline
            if Int.random(in: 0..<12, using: &rng) == 0 { continue }  // a blank line
            let indicator = indicators[Int.random(in: 0..<(Int.random(in: 0..<10, using: &rng) == 0 ? 4 : 3), using: &rng)]
            let region = regions[Int.random(in: 0..<(Int.random(in: 0..<10, using: &rng) == 0 ? 4 : 3), using: &rng)]
            let value = { ["63.1", "63.1", "70", "x", ""][Int.random(in: 0..<5, using: &rng)] }
            let year = ["2014", "2015", "2015", "20x5"][Int.random(in: 0..<4, using: &rng)]
            // Rarely, a source whose quote never closes: everything after it is one field.
            var source = sources[Int.random(in: 0..<4, using: &rng)]
            if Int.random(in: 0..<80, using: &rng) == 0 { source = sources[4] }
            text +=
                wide ? "\(indicator),\(region),\(value()),\(value()),\(source)"
                : sourceFirst ? "\(source),\(indicator),\(region),\(year),\(value())" : "\(indicator),\(region),\(year),\(value()),\(source)"
            if named {
                text += "," + ["东湖区", "", "\"西湖区,南昌\"", "县一"][Int.random(in: 0..<4, using: &rng)]
                text += "," + ["", "", "初步数", "修订"][Int.random(in: 0..<4, using: &rng)]
            }
            if Int.random(in: 0..<15, using: &rng) == 0 { text += ",extra" }
        }
        Self.expectSame([("random.csv", Array(text.utf8))])
    }

    /// Stretches of nothing but clean rows are taken a series at a time; a year given
    /// twice must still be found there: in one run of rows, in two runs of a series
    /// within a stretch, and across stretches. Missing values are never duplicates.
    @Test func cleanStretchesStillFindEveryDuplicate() {
        func table(_ rows: [String]) -> (String, [UInt8]) {
            ("clean.csv", Array((["indicator,region,year,value,source"] + rows).joined(separator: "\n").utf8 + [0x0A]))
        }
        let series = ["森林覆盖率,360102", "森林覆盖率,360103", "制造业产品质量合格率,360102"]
        var rows = series.flatMap { s in (2011...2015).map { "\(s),\($0),\(60 + $0 - 2011).5,统计局" } }
        Self.expectSame([table(rows)])
        // In one run: the same year right after, with another value and with the same.
        var inRun = rows
        inRun.insert("森林覆盖率,360102,2012,70,统计局", at: 2)
        inRun.insert("森林覆盖率,360102,2013,62.5,统计局", at: 4)
        Self.expectSame([table(inRun)])
        // A series taken up again after another, once with a year it has and once without.
        rows.append("森林覆盖率,360102,2016,66.5,统计局")
        rows.append("森林覆盖率,360103,2014,1,年鉴")
        rows.append("森林覆盖率,360103,2013,,年鉴")
        Self.expectSame([table(rows)])
        let serial = Self.read([table(rows)], parallel: false)
        #expect(serial.diagnostics == ["clean.csv:18:19: error: [Q301] '森林覆盖率', 360103, 2014 is 1 here but 63.5 at line 10"])
        #expect(serial.summaries.map(\.rowsRead) == [17])
        // Two series taking turns, one year repeated two rows on: the runs are one row each.
        var turns = (2011...2020).flatMap { y in ["森林覆盖率,360102,\(y),6\(y % 10).5,统计局", "森林覆盖率,360103,\(y),5\(y % 10).5,统计局"] }
        turns.insert("森林覆盖率,360103,2015,1,统计局", at: 11)
        Self.expectSame([table(turns)])
        // A series first taken row by row (its stretch has a bad value), then given again in
        // clean stretches: once with a year it has (a duplicate), once with one it lacks.
        var afterBad = ["森林覆盖率,360102,2011,x,统计局"] + (2012...2015).map { "森林覆盖率,360102,\($0),6\($0 % 10).5,统计局" }
        afterBad += (2011...2020).map { "森林覆盖率,360103,\($0),5\($0 % 10).5,统计局" }
        afterBad += ["森林覆盖率,360102,2013,99,统计局", "森林覆盖率,360102,2016,66.5,统计局"]
        Self.expectSame([table(afterBad)])
        #expect(Self.read([table(afterBad)], parallel: false).diagnostics == [
            "clean.csv:2:19: error: [Q204] 'x' is not a number; write it like 96.5, 96.5% or 1,203",
            "clean.csv:17:19: error: [Q301] '森林覆盖率', 360102, 2013 is 99 here but 63.5 at line 4",
        ])
        // A value on a later line than its row's start (a line break quoted before it) is
        // where a later duplicate's message says it was first given.
        var sourceFirst = "source,indicator,region,year,value\n\"多行\n来源\",森林覆盖率,360102,2011,60.5\n"
        for y in 2012...2030 { sourceFirst += "统计局,森林覆盖率,360102,\(y),61.5\n" }
        sourceFirst += "统计局,森林覆盖率,360102,2011,70\n"
        Self.expectSame([("first.csv", Array(sourceFirst.utf8))])
        #expect(Self.read([("first.csv", Array(sourceFirst.utf8))], parallel: false).diagnostics == [
            "first.csv:23:23: error: [Q301] '森林覆盖率', 360102, 2011 is 70 here but 60.5 at line 3"
        ])
    }

    /// A duplicate's message quotes both values as written, trailing zeros kept, on
    /// both cores as row by row (packed values once came back normalized: `88` for `88.0`).
    @Test func aDuplicateIsQuotedAsWritten() {
        var rows = ["indicator,region,year,value,source", "森林覆盖率,jiangxi,2013,88.90,统计局"]
        for y in 2014...2030 { rows.append("森林覆盖率,jiangxi,\(y),61.5,统计局") }
        rows += ["森林覆盖率,jiangxi,2013,88.0,统计局", "森林覆盖率,jiangxi,2014,61.50,统计局"]
        let file = ("zeros.csv", Array((rows.joined(separator: "\n") + "\n").utf8))
        Self.expectSame([file])
        #expect(Self.read([file], parallel: false).diagnostics == [
            "zeros.csv:20:20: error: [Q301] '森林覆盖率', jiangxi, 2013 is 88.0 here but 88.90 at line 2",
            "zeros.csv:21:20: warning: [Q302] '森林覆盖率', jiangxi, 2014 is given again with the same value, first at line 3",
        ])
    }

    /// The cut is checked: a file made only of one quoted field full of line breaks still reads as one record.
    @Test func aCutInsideAQuotedFieldFallsBackToRowByRow() {
        let text = "indicator,region,year,value,source\n森林覆盖率,jiangxi,2015,63.1,\"" + String(repeating: "一行\n", count: 200) + "\"\n森林覆盖率,jiangxi,2016,63.2,统计局\n"
        let serial = Self.read([("q.csv", Array(text.utf8))], parallel: false)
        #expect(serial.diagnostics.isEmpty)
        #expect(serial.summaries.map(\.rowsRead) == [2])
        Self.expectSame([("q.csv", Array(text.utf8))])
    }

    /// A JSON record may give one year twice (`2015` and `2015年`); the series search
    /// finds the repeat within the row as the table of keys does.
    @Test func aRecordGivingAYearTwice() {
        let json = #"[{"indicator": "森林覆盖率", "region": "jiangxi", "2015": 63.1, "2015年": 63.2, "2016": 63.3, "source": "统计局"},"# + "\n"
            + #" {"indicator": "森林覆盖率", "region": "jiangxi", "2016": 63.3, "source": "统计局"}]"#
        Self.expectSame([("twice.json", Array(json.utf8))])
        let serial = Self.read([("twice.json", Array(json.utf8))], parallel: false)
        #expect(serial.diagnostics == [
            "twice.json:1:69: error: [Q301] '森林覆盖率', jiangxi, 2015 is 63.2 here but 63.1 at line 1",
            "twice.json:2:54: warning: [Q302] '森林覆盖率', jiangxi, 2016 is given again with the same value, first at line 1",
        ])
    }
}

/// The threads a table is read on: every task given runs once, and each batch's results
/// come back in index order, whichever thread ran them and whenever they were given.
@Suite struct BackgroundThreadsTests {
    @Test func everyTaskRunsAndResultsComeBackInOrder() {
        let crew = BackgroundThreads(atMost: 6)
        defer { crew.close() }
        // Batches in flight at once, as a read keeps three stretches, taken in the order given.
        var inFlight: [(Int, BackgroundWork<Int>)] = []
        var results: [Int: [Int]] = [:]
        for batch in 0..<100 {
            inFlight.append((batch, BackgroundWork(batch % 7 + 1, on: crew) { i in
                // Uneven times, so tasks finish out of order.
                Thread.sleep(forTimeInterval: Double((batch + i) % 3) * 0.0002)
                return batch * 1_000 + i
            }))
            if inFlight.count == 3 {
                let (b, work) = inFlight.removeFirst()
                results[b] = work.wait()
            }
        }
        for (b, work) in inFlight { results[b] = work.wait() }
        #expect(results.count == 100)
        for batch in 0..<100 { #expect(results[batch] == (0..<(batch % 7 + 1)).map { batch * 1_000 + $0 }, "batch \(batch)") }
    }
}

@Suite struct ChunkReaderTests {
    /// Taking `count` more bytes after a prefix, again and again, gives the input's bytes
    /// in order, with nothing lost or doubled: from a file (read straight into the array),
    /// from memory, behind chunks read ahead, and behind a skipped BOM.
    @Test func bytesAfterAPrefixAreTheInputInOrder() throws {
        var generator = SystemRandomNumberGenerator()
        let content = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quality-chunks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bytes").path
        try Data(content).write(to: URL(fileURLWithPath: path))
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        try Data(bom + content).write(to: URL(fileURLWithPath: path + ".bom"))
        // The size told ahead (a hint for sizing tables) is the file's, through the wrappers too.
        #expect(try FileChunkReader(path: path).expectedBytes == 20_000)
        #expect(try PrefixedChunkReader(prefix: [[1, 2]], rest: FileChunkReader(path: path)).expectedBytes == 20_000)
        #expect(try SkippingChunkReader(FileChunkReader(path: path + ".bom"), count: 3).expectedBytes == 20_003)
        #expect(MemoryChunkReader(content).expectedBytes == nil)
        let makers: [(String, () throws -> ChunkReader)] = [
            ("file", { try FileChunkReader(path: path, chunkSize: 777) }),
            ("memory", { MemoryChunkReader(content, chunkSize: 333) }),
            ("read ahead", {
                let file = try FileChunkReader(path: path, chunkSize: 1000)
                let head = [try file.nextChunk()!, try file.nextChunk()!]
                return PrefixedChunkReader(prefix: head, rest: file)
            }),
            ("after a BOM", { SkippingChunkReader(try FileChunkReader(path: path + ".bom", chunkSize: 500), count: 3) }),
        ]
        for (name, make) in makers {
            for step in [1, 7, 999, 4096, 30_000] {
                let reader = try make()
                var taken: [UInt8] = []
                var atEnd = false
                var rounds = 0
                while !atEnd, rounds < 100_000 {
                    // A short prefix each time, as a piece's part line carried over.
                    let carried = Array(taken.suffix(min(taken.count, 5)))
                    taken.removeLast(carried.count)
                    let next = try reader.bytes(after: carried, more: step)
                    #expect(next.bytes.starts(with: carried), "\(name), \(step)")
                    #expect(next.bytes.count >= carried.count + step || next.atEnd, "\(name), \(step)")
                    taken += next.bytes
                    atEnd = next.atEnd
                    rounds += 1
                }
                #expect(taken == content, "\(name), \(step)")
            }
        }
    }
}
