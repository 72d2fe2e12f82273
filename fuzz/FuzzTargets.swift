// libFuzzer targets for QualityKit, compiled together with the library sources by
// scripts/fuzz. FUZZ_TARGET picks one: csv, json, cell, check, parallel. Each target also checks
// invariants, so a wrong answer is a crash too, not only a crash.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

let fuzzTarget = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "check"
let fuzzCatalog = Catalog.embedded

func require(_ condition: @autoclosure () -> Bool, _ message: String) {
    if !condition() {
        FileHandle.standardError.write(Data("invariant failed: \(message)\n".utf8))
        abort()
    }
}

/// Unsafe scalars must never reach output raw.
func requireSafe(_ text: String, _ what: String) {
    for s in text.unicodeScalars {
        let v = s.value
        require(!((v < 0x20 && v != 0x0A && v != 0x0D) || (v >= 0x7F && v <= 0x9F) || (0x202A...0x202E).contains(v)), "raw control U+\(String(v, radix: 16)) in \(what)")
    }
}

func fuzzCSV(_ bytes: [UInt8]) {
    // The first byte picks the chunk size, so record boundaries fall everywhere.
    let chunk = 1 + Int(bytes.first ?? 0) % 64
    let limits = ReaderLimits(maxRecordBytes: 4096, maxFields: 64, maxJSONDepth: 32)
    let tokenizer = CSVTokenizer(reader: MemoryChunkReader(Array(bytes.dropFirst()), chunkSize: chunk), limits: limits)
    // The same bytes in one chunk, once with simple lines read at once and once
    // through the state machine alone: the records must be the same.
    let atOnce = CSVTokenizer(reader: MemoryChunkReader(Array(bytes.dropFirst())), limits: limits)
    let byteByByte = CSVTokenizer(reader: MemoryChunkReader(Array(bytes.dropFirst())), limits: limits)
    byteByByte.readsSimpleLines = false
    var record = CSVRecord()
    var lastLine = 0
    while (try? tokenizer.next(into: &record)) == true {
        require(record.line >= lastLine, "record lines go backwards")
        lastLine = record.line
        require(record.byteCount <= 4096 + 1, "record bytes over the limit")
        for i in 0..<record.count where record.issues.isEmpty {
            require(String(validating: record.storage[record.range(i)], as: UTF8.self) != nil, "a field without issues is valid UTF-8")
        }
    }
    var a = CSVRecord()
    var b = CSVRecord()
    while true {
        let moreA = (try? atOnce.next(into: &a)) == true
        let moreB = (try? byteByByte.next(into: &b)) == true
        require(moreA == moreB, "the line path and the state machine read as many records")
        guard moreA else { break }
        require(a.line == b.line && a.fields == b.fields && a.positions == b.positions && a.issues == b.issues && a.isBlank == b.isBlank,
            "the line path reads a record as the state machine does")
    }
}

func fuzzJSON(_ bytes: [UInt8]) {
    let stream = JSONStream(reader: MemoryChunkReader(bytes, chunkSize: 7), limits: ReaderLimits(maxRecordBytes: 4096, maxFields: 64, maxJSONDepth: 32))
    var count = 0
    while let record = try? stream.next() {
        count += 1
        require(count <= bytes.count, "more records than bytes")
        for field in record.fields { require(field.value.position.line >= 1, "positions are 1-based") }
    }
}

func fuzzCell(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    switch CellParsing.value(text) {
    case .number(let figure, _):
        require(Figure(figure.description) == figure, "a parsed figure prints and parses back to itself")
    default: break
    }
    if let year = CellParsing.year(text) { require((1949...2100).contains(year), "years stay in range") }
    if let figure = Figure(text) { require(figure.description == text || figure == Figure(figure.description)!, "figure round trip") }
    _ = CellParsing.unit(text)
    _ = normalizedKey(text)
    _ = displayWidth(text)
    requireSafe(escapingControls(text), "escapingControls")
}

func fuzzCheck(_ bytes: [UInt8]) {
    let reader = MeasurementReader(catalog: fuzzCatalog)
    var measurements: [Measurement] = []
    let summary = reader.read(path: "fuzz.csv", from: MemoryChunkReader(bytes, chunkSize: 13)) { measurements.append($0) }
    require(summary.rowsRead + summary.rowsRejected == summary.rows, "every data line is accounted for")
    let outcome = CheckOutcome(files: reader.files, diagnostics: reader.diagnostics, strict: false)
    requireSafe(CheckRenderer.text(outcome), "check text")
    requireSafe(CheckRenderer.github(outcome), "check github")
    requireSafe(CheckRenderer.json(outcome), "check json")
    // What was read can be judged and rendered without trouble.
    let set = MeasurementSet(measurements)
    let engine = AttainmentEngine(catalog: fuzzCatalog, measurements: set)
    for region in set.regions.prefix(3) {
        let report = engine.evaluate(region: region)
        let doc = ReportDocument(regions: [report], asOf: engine.asOf, byRegion: false, skipped: reader.diagnostics, unused: [], catalog: fuzzCatalog, measurements: set, dataLabel: "fuzz")
        requireSafe(ReportTextRenderer.render(doc, lang: .zh, color: false, width: 100), "report table")
        requireSafe(ReportFormats.csv(doc, lang: .en), "report csv")
        _ = ReportHTMLRenderer.render(doc, lang: .zh)
    }
}

/// `check` on both cores, in stretches small enough to cut inputs everywhere,
/// finds exactly what reading row by row finds; and so does reading on both cores
/// into series (report, diff), which keeps just the measurements handed out row by row.
func fuzzParallel(_ bytes: [UInt8]) {
    var serialOptions = MeasurementReader.Options()
    serialOptions.parallel = false
    var parallelOptions = MeasurementReader.Options()
    parallelOptions.parallelBlockBytes = 64
    var seriesOptions = parallelOptions
    seriesOptions.duplicateSearch = .series
    let serial = MeasurementReader(catalog: fuzzCatalog, options: serialOptions)
    let parallel = MeasurementReader(catalog: fuzzCatalog, options: parallelOptions)
    let inSeries = MeasurementReader(catalog: fuzzCatalog, options: seriesOptions)
    var kept: [Measurement] = []
    serial.read(path: "fuzz.csv", from: MemoryChunkReader(bytes, chunkSize: 13)) { kept.append($0) }
    parallel.read(path: "fuzz.csv", from: MemoryChunkReader(bytes, chunkSize: 7))
    inSeries.read(path: "fuzz.csv", from: MemoryChunkReader(bytes, chunkSize: 5))
    require(serial.diagnostics == parallel.diagnostics, "the same problems on two cores as row by row")
    require(serial.files == parallel.files, "the same counts on two cores as row by row")
    require(serial.diagnostics == inSeries.diagnostics, "the same problems read into series on two cores as row by row")
    require(serial.files == inSeries.files, "the same counts read into series on two cores as row by row")
    require(inSeries.takeSeries() == MeasurementSet(kept), "the same series on two cores as the measurements row by row")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch fuzzTarget {
    case "csv": fuzzCSV(bytes)
    case "json": fuzzJSON(bytes)
    case "cell": fuzzCell(bytes)
    case "parallel": fuzzParallel(bytes)
    default: fuzzCheck(bytes)
    }
    return 0
}
