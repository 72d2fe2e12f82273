/// The rows of a large table, read on both cores.
///
/// The reader that owns the file reads the text after the header in stretches
/// of two pieces of about half `parallelBlockBytes`, each read straight from the
/// file into its own array and ending at a line break (the part line after it
/// begins the next). Two worker readers tokenize and check the pieces at once; what
/// needs every earlier row (the duplicate check and the row's account) they
/// leave as steps, packed into plain words so that handing them over costs
/// no allocation per row (when the owner keeps no measurements; otherwise
/// each row goes over with its text). The owner replays the steps in file order, so the
/// diagnostics, line numbers and duplicates are exactly those of reading row
/// by row, and memory stays bounded by the stretch, not the file.
///
/// A line break inside a quoted field cannot be told from a record's end
/// without reading from the start: when a worker's stretch ends inside quotes,
/// the cut was not a record boundary, and the rest is read row by row.
extension MeasurementReader {
    /// What a worker leaves for the owner, in file order, with lines counted from 1.
    struct DeferredSteps: Sendable {
        enum Kind: UInt8, Sendable {
            /// `index` is into `diagnostics`.
            case diagnostic
            /// `index` is into `rows`: a row from the general path.
            case row
            /// A row from the byte-level path; `index` values follow, one step each.
            case packedRow
            case value
            /// A row from the byte-level path for a reader that keeps series; `index` is into `seriesRows`.
            case seriesRow
        }

        /// A clean row with its texts by index into `texts`, its values in `seriesValues`.
        struct SeriesRow: Sendable {
            var line: Int32
            /// Into `names` and `indicatorIDs`.
            var spelling: Int32
            var region: Int32
            var source: Int32
            var note: Int32
            var regionName: Int32
            var values: Range<Int32>
        }

        struct SeriesValue: Sendable {
            var year: Int32
            var line: Int32
            var column: Int32
            var value: MeasuredValue
        }

        struct Step: Sendable {
            var kind: Kind
            var index: Int32 = 0
            var key: UInt64 = 0
            var value: UInt32 = 0
            var line: Int32 = 0
            var column: Int32 = 0
        }

        var steps: [Step] = []
        var diagnostics: [Diagnostic] = []
        var rows: [RowValues] = []
        /// The worker's indicator spellings, for the messages of duplicates; `index` of a value step.
        var names: [String] = []
        /// The indicator each spelling names.
        var indicatorIDs: [String] = []
        var seriesRows: [SeriesRow] = []
        var seriesValues: [SeriesValue] = []
        /// The stretch's source, note and region-name texts, each once.
        var texts: [String] = []

        mutating func add(_ d: Diagnostic) {
            steps.append(Step(kind: .diagnostic, index: Int32(diagnostics.count)))
            diagnostics.append(d)
        }

        mutating func add(_ row: RowValues) {
            steps.append(Step(kind: .row, index: Int32(rows.count)))
            rows.append(row)
        }

        /// A byte-level row as packed steps; false (nothing added) when a value does not pack.
        mutating func addPacked(_ values: some Collection<RowValue>, slot: Int32, region: Int, name: Int32) -> Bool {
            for v in values {
                guard SeenTable.pack(v.value) != nil, v.position.line <= Int(Int32.max), v.position.column <= Int(Int32.max) else { return false }
            }
            steps.append(Step(kind: .packedRow, index: Int32(values.count)))
            for v in values {
                steps.append(
                    Step(
                        kind: .value, index: name, key: SeenTable.key(slot: slot, region: region, year: v.year), value: SeenTable.pack(v.value)!,
                        line: Int32(v.position.line), column: Int32(v.position.column)))
            }
            return true
        }

        /// A byte-level row for a reader that keeps series; false (nothing added) when a line or column does not fit.
        mutating func addSeriesRow(
            _ values: some Collection<RowValue>, name: Int32, region: Int, source: Int32, note: Int32, regionName: Int32,
            line: Int
        ) -> Bool {
            let limit = Int(Int32.max)
            guard line <= limit, region <= limit, values.allSatisfy({ $0.position.line <= limit && $0.position.column <= limit }) else { return false }
            let start = Int32(seriesValues.count)
            for v in values {
                seriesValues.append(SeriesValue(year: Int32(v.year), line: Int32(v.position.line), column: Int32(v.position.column), value: v.value))
            }
            steps.append(Step(kind: .seriesRow, index: Int32(seriesRows.count)))
            seriesRows.append(
                SeriesRow(
                    line: Int32(line), spelling: name, region: Int32(region), source: source, note: note, regionName: regionName,
                    values: start..<Int32(seriesValues.count)))
            return true
        }
    }

    /// What a worker found in one stretch.
    struct StretchResult: Sendable {
        let deferred: DeferredSteps
        let summary: FileSummary
        let endedInsideQuotes: Bool
        /// Line breaks in the stretch.
        let lines: Int
    }

    func readRowsInParallel(after header: CSVTokenizer, rest stream: ChunkReader, _ layout: TableLayout, _ summary: inout FileSummary, _ sink: ((Measurement) -> Void)?) throws {
        var line = header.currentLine
        var (unread, exhausted, pendingCR) = header.takeUnread()
        let blockBytes = max(2, options.parallelBlockBytes)
        let pieceBytes = blockBytes / 2
        let lf: UInt8 = 0x0A

        /// `unread` and the bytes after it, at least `count` in all unless the input ends first.
        /// Read straight into one array: each piece for a worker is read, not copied out of a
        /// buffer of the file (each byte was copied in, out, and moved up with what followed).
        func take(_ count: Int) throws -> [UInt8] {
            var bytes = unread
            unread = []
            if bytes.count < count, !exhausted { (bytes, exhausted) = try stream.bytes(after: bytes, more: count - bytes.count) }
            // An LF right after a CR that ended the header belongs to it.
            if pendingCR, !bytes.isEmpty {
                if bytes[0] == lf { bytes.removeFirst() }
                pendingCR = false
            }
            return bytes
        }

        /// Reads what is left (`prefix`, then `unread` and the rest of the input) row by row.
        func serially(_ prefix: [[UInt8]]) throws {
            let rest: ChunkReader = exhausted ? MemoryChunkReader([]) : stream
            let tokenizer = CSVTokenizer(
                reader: PrefixedChunkReader(prefix: (prefix + [unread]).filter { !$0.isEmpty }, rest: rest), delimiter: layout.delimiter,
                limits: options.limits, encoding: currentEncoding, firstLine: line)
            try readRows(tokenizer, layout, &summary, sink)
        }

        // A small table is not worth the threads.
        unread = try take(blockBytes)
        if exhausted, unread.count < blockBytes { return try serially([]) }

        /// The next piece for a worker, about `pieceBytes` ending after a line break (or the
        /// rest of the input), and whether it is the last. Nil when the input is done, or
        /// when what is left has no line break in reach (one huge record): it is then in `unread`.
        func nextPiece() throws -> (bytes: [UInt8], last: Bool)? {
            var bytes = try take(pieceBytes)
            if bytes.isEmpty { return nil }
            let cut: Int?
            if bytes.count >= 2 * pieceBytes {
                // Much read ahead (the first block): this piece ends after the first line break past its size.
                cut = bytes[pieceBytes...].firstIndex(of: lf)
            } else if exhausted {
                return (bytes, true)
            } else {
                cut = bytes.lastIndex(of: lf)
            }
            guard let cut else {
                if exhausted { return (bytes, true) }
                unread = bytes
                return nil
            }
            unread = Array(bytes[(cut + 1)...])
            bytes.removeSubrange((cut + 1)...)
            return (bytes, exhausted && unread.isEmpty)
        }

        /// One stretch at work: its pieces, and the workers' results to come.
        struct InFlight {
            let pieces: [[UInt8]]
            let last: Bool
            let work: BackgroundWork<StretchResult>
        }
        // Stretches of two pieces are handed out `ahead` at a time, each to its own pair of
        // workers (so no worker is ever used by two tasks at once): while this thread replays
        // one, the workers always have the next ones to check, and neither waits on the other.
        // Packed rows keep no text: not for a reader that keeps the measurements.
        let ahead = 3
        let packs = sink == nil && options.duplicateSearch != .series
        let pairs = (0..<ahead).map { _ in [StretchWorker(for: self, packs: packs), StretchWorker(for: self, packs: packs)] }
        let crew = BackgroundThreads(atMost: 2 * ahead)
        defer { crew.close() }
        var stretchNumber = 0
        var queue: [InFlight] = []

        /// Reads the stretch after the ones in flight and hands it out; nil when the input is
        /// read to its end, or the rest has no line break (one huge record).
        func launch() throws -> InFlight? {
            if queue.last?.last == true { return nil }
            guard let first = try nextPiece() else { return nil }
            var pieces = [first.bytes]
            var last = first.last
            if !last, let second = try nextPiece() {
                pieces.append(second.bytes)
                last = second.last
            }
            let workers = pairs[stretchNumber % ahead]
            stretchNumber += 1
            return InFlight(pieces: pieces, last: last, work: BackgroundWork(pieces.count, on: crew) { [pieces] i in workers[i].read(pieces[i], layout) })
        }

        var replayed = 0
        while true {
            while queue.count < ahead, let next = try launch() { queue.append(next) }
            // Nothing in flight: the input is done, or what is left has no line break. Row by row from here.
            guard !queue.isEmpty else { return unread.isEmpty && exhausted ? () : try serially([]) }
            let current = queue.removeFirst()
            for (i, result) in current.work.wait().enumerated() {
                if result.endedInsideQuotes, !(current.last && i == current.pieces.count - 1) {
                    // The cut after this piece fell inside a quoted field.
                    for other in queue { _ = other.work.wait() }
                    return try serially(Array(current.pieces[i...]) + queue.flatMap(\.pieces))
                }
                replay(result, firstLine: line, &summary, sink)
                line += result.lines
            }
            if replayed == 0 { reserveSeries(after: current.pieces.reduce(0) { $0 + $1.count }, of: stream.expectedBytes) }
            replayed += 1
            if current.last { return }
        }
    }

    /// After the first stretch or batch (`bytes` of the input's `total`): room for as many
    /// series as the whole input would hold at that rate, when series are kept.
    func reserveSeries(after bytes: Int, of total: Int?) {
        let series = collected.seriesCount
        guard let total, bytes > 0, total > bytes, series > 0 else { return }
        collected.reserveSeries(Int(Double(series) * Double(total) / Double(bytes) * 1.05))
    }

    /// From here on, rows and diagnostics are left as steps for `replay` (a worker's
    /// stretch, or a batch of this reader's own rows), with clean rows' texts handed
    /// over by index into a table of the stretch's own when `handingTextsOver`.
    func beginDeferring(handingTextsOver: Bool) {
        var steps = DeferredSteps()
        // A little over the last stretch's: stretches are of one size, their rows alike.
        steps.steps.reserveCapacity(lastDeferredCounts.steps + lastDeferredCounts.steps / 8)
        steps.seriesRows.reserveCapacity(lastDeferredCounts.seriesRows + lastDeferredCounts.seriesRows / 8)
        steps.seriesValues.reserveCapacity(lastDeferredCounts.seriesValues + lastDeferredCounts.seriesValues / 8)
        deferred = steps
        handsTextsOver = handingTextsOver
        stretchTexts.restart()
    }

    /// The steps left since `beginDeferring`, with the spellings and texts they name by
    /// index; rows and diagnostics are taken here again.
    func takeDeferred() -> DeferredSteps {
        var steps = deferred ?? DeferredSteps()
        lastDeferredCounts = (steps.steps.count, steps.seriesRows.count, steps.seriesValues.count)
        steps.names = spellings
        steps.indicatorIDs = spellingIDs
        steps.texts = handsTextsOver ? stretchTexts.texts : []
        deferred = nil
        handsTextsOver = false
        return steps
    }

    /// Takes a worker's steps as if its rows had been read here, on their real lines
    /// (or this reader's own steps, from a batch read on one core: `readRows`).
    func replay(_ result: StretchResult, firstLine: Int, _ summary: inout FileSummary, _ sink: ((Measurement) -> Void)?) {
        let shift = firstLine - 1
        let d = result.deferred
        // This reader's slot for each of the worker's spellings, found once a stretch.
        var slots = [Int32](repeating: -1, count: d.indicatorIDs.count)
        // And the provenance of each pair of the worker's texts.
        var provenances = ProvenanceCache()
        if d.seriesRows.count == d.steps.count, takeSeriesRuns(d, shift: shift, &slots, &provenances, &summary) {
            summary.add(result.summary)
            return
        }
        let names = d.names
        var i = 0
        while i < d.steps.count {
            let step = d.steps[i]
            i += 1
            switch step.kind {
            case .diagnostic:
                var diagnostic = d.diagnostics[Int(step.index)]
                if let l = diagnostic.location.line { diagnostic.location.line = l + shift }
                report(diagnostic.severity, diagnostic.code, diagnostic.location, diagnostic.message)
            case .row:
                var row = d.rows[Int(step.index)]
                row.line += shift
                for c in row.candidates.indices { row.candidates[c].position.line += shift }
                finishRow(row, &summary, sink)
            case .packedRow:
                // Its values are the steps after it, read in place (a slice of them cost a retain a row).
                let end = i + Int(step.index)
                let start = rowStart
                var taken = 0
                var missing = 0
                // The names through a buffer: a closure holding the array took a reference to it for every value.
                names.withUnsafeBufferPointer { names in
                    while i < end {
                        let v = d.steps[i]
                        i += 1
                        let value = SeenTable.unpack(v.value)
                        if !value.isMissing {
                            let position = TextPosition(line: Int(v.line) + shift, column: Int(v.column))
                            if !checkDuplicate(key: v.key, value, position, name: { names[Int(v.index)] }) { continue }
                        }
                        taken += 1
                        if value.isMissing { missing += 1 }
                    }
                }
                _ = settleRow(start, taken: taken, missing: missing, &summary)
            case .seriesRow:
                let row = d.seriesRows[Int(step.index)]
                let spelling = Int(row.spelling)
                if slots[spelling] < 0 { slots[spelling] = slot(for: d.indicatorIDs[spelling]) }
                rowValues.empty()
                for v in d.seriesValues[Int(row.values.lowerBound)..<Int(row.values.upperBound)] {
                    rowValues.append((Int(v.year), v.value, TextPosition(line: Int(v.line) + shift, column: Int(v.column))))
                }
                finishRowInSeries(
                    indicator: d.indicatorIDs[spelling], slot: slots[spelling], region: RegionCode(Int(row.region)), name: d.names[spelling],
                    values: rowValues, regionName: d.texts[Int(row.regionName)],
                    provenance: provenance(source: row.source, note: row.note, in: d.texts, cache: &provenances), line: Int(row.line) + shift, &summary)
            case .value:
                break  // taken with its row
            }
        }
        summary.add(result.summary)
    }

    /// Takes a stretch of nothing but clean series rows run by run (a run is the rows
    /// of one series one after another), with no duplicate search row by row: the same
    /// series and account as `replay`'s row by row, at a lookup a run. First it makes sure
    /// no value can be a duplicate: no year twice in a run, no series in two runs of the
    /// stretch, no year a series already has a value for, and every value on its row's
    /// line (else a duplicate's message would need a sighting the series cannot give).
    /// False, with nothing taken, when the stretch must be replayed row by row.
    private func takeSeriesRuns(
        _ d: DeferredSteps, shift: Int, _ slots: inout [Int32], _ provenances: inout ProvenanceCache, _ summary: inout FileSummary
    ) -> Bool {
        guard sightings.isEmpty else { return false }
        // Read through buffers: a slice or element of the step arrays per row costs a retain.
        return d.seriesRows.withUnsafeBufferPointer { rows in
            d.seriesValues.withUnsafeBufferPointer { values in
                func valuesOf(_ row: DeferredSteps.SeriesRow) -> UnsafeBufferPointer<DeferredSteps.SeriesValue> {
                    UnsafeBufferPointer(rebasing: values[Int(row.values.lowerBound)..<Int(row.values.upperBound)])
                }
                var runs: [Range<Int>] = []
                /// Whether each run's series is known to be new (nothing to look for when it is begun).
                var new: [Bool] = []
                stretchesTaken &+= 1
                let stretch = stretchesTaken
                var years: [Int32] = []
                var start = 0
                while start < rows.count {
                    let first = rows[start]
                    var end = start + 1
                    while end < rows.count, rows[end].spelling == first.spelling, rows[end].region == first.region { end += 1 }
                    years.removeAll(keepingCapacity: true)
                    for r in start..<end {
                        for v in valuesOf(rows[r]) {
                            guard v.line == rows[r].line else { return false }
                            if !v.value.isMissing { years.append(v.year) }
                        }
                    }
                    if years.count > 1 {
                        years.sort()
                        for j in 1..<years.count where years[j] == years[j - 1] { return false }
                    }
                    let spelling = Int(first.spelling)
                    if slots[spelling] < 0 { slots[spelling] = slot(for: d.indicatorIDs[spelling]) }
                    // The region above the indicator: a region's series sit together in the table.
                    let key = UInt64(UInt32(bitPattern: first.region)) << 32 | UInt64(UInt32(bitPattern: slots[spelling]))
                    let takenBefore = seriesTaken.restamp(key, stretch)
                    guard takenBefore != stretch else { return false }
                    // Runs of one stretch are of different series, so one found new here is still new when begun.
                    let holding: MeasurementSet.Builder.Holding? =
                        years.isEmpty ? nil
                        : takenBefore == nil && runsTookEverySeries ? .noSeries
                        : collected.holding(d.indicatorIDs[spelling], RegionCode(Int(first.region)), for: years)
                    guard holding != .valueForOneOf else { return false }
                    runs.append(start..<end)
                    new.append(holding == .noSeries)
                    start = end
                }
                // Straight into the series: gathering a run's observations first cost a retain
                // and a release of each one's provenance twice over.
                let texts = d.texts
                for (run, isNew) in zip(runs, new) {
                    collected.select(d.indicatorIDs[Int(rows[run.lowerBound].spelling)], RegionCode(Int(rows[run.lowerBound].region)), isNew: isNew)
                    for r in run {
                        let row = rows[r]
                        let provenance = provenance(source: row.source, note: row.note, in: texts, cache: &provenances)
                        // A name counts from a row that gives a value, as row by row.
                        if !row.values.isEmpty { collected.name { texts[Int(row.regionName)] } }
                        let points = valuesOf(row)
                        for v in points where v.value.isMissing { summary.missingValues += 1 }
                        if points.count == 1 {
                            collected.append(Observation(year: Int(points[0].year), value: points[0].value, provenance: provenance, line: Int(row.line) + shift))
                        } else {
                            for v in points {
                                collected.append(Observation(year: Int(v.year), value: v.value, provenance: provenance, line: Int(row.line) + shift))
                            }
                        }
                    }
                }
                summary.rowsRead += rows.count
                summary.values += values.count
                return true
            }
        }
    }
}

/// A reader of its own for one core, with its own caches, kept across
/// stretches; used by one task at a time.
private final class StretchWorker: @unchecked Sendable {
    private let reader: MeasurementReader

    init(for owner: MeasurementReader, packs: Bool) {
        reader = MeasurementReader(catalog: owner.catalog, options: owner.options)
        reader.packsRows = packs
        reader.currentFile = owner.currentFile
        reader.currentEncoding = owner.currentEncoding
    }

    func read(_ bytes: [UInt8], _ layout: MeasurementReader.TableLayout) -> MeasurementReader.StretchResult {
        reader.beginDeferring(handingTextsOver: reader.options.duplicateSearch == .series)
        var summary = FileSummary(path: reader.currentFile)
        let tokenizer = CSVTokenizer(
            reader: MemoryChunkReader(bytes, chunkSize: max(1, bytes.count)), delimiter: layout.delimiter, limits: reader.options.limits,
            encoding: reader.currentEncoding)
        // Bytes in memory: reading them cannot fail.
        try? reader.readRows(tokenizer, layout, &summary, nil)
        return MeasurementReader.StretchResult(
            deferred: reader.takeDeferred(), summary: summary, endedInsideQuotes: tokenizer.endedInsideQuotes, lines: tokenizer.currentLine - 1)
    }
}

/// A stretch's source, note and region-name texts, each kept once and trimmed as
/// the general path trims them, for rows handed to the owner by index. Restarted
/// for each stretch, so it holds no more than the stretch's distinct texts.
final class StretchTexts {
    private var indices = ByteInterner<Int32>()
    private(set) var texts: [String] = [""]
    /// The index of the empty text.
    let empty: Int32 = 0

    /// Forgets every text but the empty one, for the next stretch.
    func restart() {
        indices = ByteInterner<Int32>()
        texts = [""]
    }

    func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if bytes.isEmpty { return empty }
        if let i = indices.find(bytes) { return i }
        texts.append(String(decoding: bytes, as: UTF8.self).trimmed())
        let i = Int32(texts.count - 1)
        indices.insert(bytes, i)
        return i
    }
}
