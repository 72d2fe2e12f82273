/// The byte-level path for clean table rows. It only takes rows that need no
/// diagnostic (a known indicator and region, a 4-digit year, a plain number,
/// a consistent unit, a source) and hands anything else to `accept`, so every
/// message still comes from one place and both paths yield the same measurements.
extension MeasurementReader {
    /// Column indices by role, computed once from the header.
    struct Columns {
        var indicator = -1, region = -1, regionName = -1, year = -1, value = -1, unit = -1, source = -1, note = -1
        var years: [(column: Int, year: Int)] = []

        init() {}

        init(_ roles: [Role]) {
            for (i, role) in roles.enumerated() {
                switch role {
                case .indicator: indicator = i
                case .region: region = i
                case .regionName: regionName = i
                case .year: year = i
                case .value: value = i
                case .unit: unit = i
                case .source: source = i
                case .note: note = i
                case .yearColumn(let y): years.append((i, y))
                case .unused: break
                }
            }
        }
    }

    /// What an indicator spelling resolves to, cached per distinct bytes: numbers only,
    /// its texts by index, so that a lookup per row copies no reference (each one an atomic
    /// retain and release).
    struct IndicatorInfo {
        let slot: Int32
        /// The spelling's place in `spellings`, and its indicator's in `spellingIDs`.
        let spellingIndex: Int32
        /// The indicator's unit's place in `unitNames`.
        let unitNumber: Int32
        let categorical: Bool
        let range: ClosedRange<Double>?
        /// The unit is `%` / `count`: asked of every value, answered once here.
        let inPercent: Bool
        let isCount: Bool
    }

    func fastAccept(_ record: CSVRecord, _ c: Columns, wide: Bool, _ summary: inout FileSummary, _ sink: ((Measurement) -> Void)?) -> Bool {
        record.storage.withUnsafeBufferPointer { buf -> Bool in
            func field(_ i: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buf[record.range(i)]) }

            guard c.indicator >= 0, let info = indicatorInfo(field(c.indicator)) else { return false }
            var region = options.defaultRegion
            if c.region >= 0 {
                guard let code = regionCode(field(c.region)) else { return false }
                region = code
            }
            if c.unit >= 0 {
                let u = field(c.unit)
                if !u.isEmpty {
                    guard unitNumber(spelledAs: u) == info.unitNumber else { return false }
                }
            }
            guard c.source >= 0 else { return false }

            // Every value is parsed and checked before anything is recorded.
            rowValues.empty()
            if wide {
                for (column, year) in c.years {
                    guard let v = plainValue(field(column), info) else { return false }
                    rowValues.append((year, v, record.position(column)))
                }
            } else {
                guard c.year >= 0, c.value >= 0, let year = plainYear(field(c.year)), let v = plainValue(field(c.value), info) else { return false }
                rowValues.append((year, v, record.position(c.value)))
            }

            /// On a worker, hands the row to the owner: true when it is taken, false when it is
            /// not (it goes on below), nil when the row is not for this path at all.
            func handOver(_ values: some Collection<RowValue>) -> Bool? {
                // For `report` or `diff`, as numbers, its texts by index: the owner puts
                // it in its series, with no row object in between.
                if handsTextsOver {
                    let texts = stretchTexts
                    let source = texts.index(of: field(c.source))
                    guard !texts.texts[Int(source)].isEmpty else { return nil }
                    let note = c.note >= 0 ? texts.index(of: field(c.note)) : texts.empty
                    let regionName = c.regionName >= 0 ? texts.index(of: field(c.regionName)) : texts.empty
                    if deferred!.addSeriesRow(values, name: info.spellingIndex, region: region.code, source: source, note: note, regionName: regionName, line: record.line) {
                        return true
                    }
                }
                // For `check`, as plain words: the source need only be there, and the note
                // and name are not kept.
                return packsRows && MeasurementReader.hasVisibleCharacter(field(c.source))
                    && deferred!.addPacked(values, slot: info.slot, region: region.code, name: info.spellingIndex)
            }
            if deferred != nil {
                // A long row's one value goes on by itself: handing on the array, a property,
                // cost a retain and a release a row.
                switch wide ? handOver(rowValues) : handOver(CollectionOfOne(rowValues[0])) {
                case true?: return true
                case nil: return false
                case false?: break
                }
            }
            let source = rowTexts.index(of: field(c.source))
            guard !rowTexts.texts[Int(source)].isEmpty else { return false }
            let note = c.note >= 0 ? rowTexts.index(of: field(c.note)) : rowTexts.empty
            let regionNameIndex = c.regionName >= 0 ? rowTexts.index(of: field(c.regionName)) : rowTexts.empty
            let regionName = rowTexts.texts[Int(regionNameIndex)]
            if deferred == nil, options.duplicateSearch == .series {
                finishRowInSeries(
                    indicator: spellingIDs[Int(info.spellingIndex)], slot: info.slot, region: region, name: spellings[Int(info.spellingIndex)], values: rowValues, regionName: regionName,
                    provenance: provenance(source: source, note: note, in: rowTexts.texts, cache: &provenanceOfTexts), line: record.line, &summary)
                return true
            }
            var row = RowValues(regionName: regionName, unit: unitNames[Int(info.unitNumber)], source: rowTexts.texts[Int(source)], note: rowTexts.texts[Int(note)], line: record.line)
            for (year, value, position) in rowValues {
                row.candidates.append(
                    Candidate(
                        indicator: spellingIDs[Int(info.spellingIndex)], slot: info.slot, region: region, year: year, value: value, position: position,
                        name: spellings[Int(info.spellingIndex)]))
            }
            finishRow(row, &summary, sink)
            return true
        }
    }

    private func indicatorInfo(_ bytes: UnsafeBufferPointer<UInt8>) -> IndicatorInfo? {
        if let cached = indicatorInfos.find(bytes) { return cached }
        let spelling = String(decoding: bytes, as: UTF8.self)
        var info: IndicatorInfo?
        if !spelling.isBlank, let id = catalog.resolveIndicator(spelling) {
            let indicator = catalog.indicator(id)
            spellings.append(spelling)
            spellingIDs.append(id)
            let unit = indicator?.unit ?? ""
            info = IndicatorInfo(
                slot: slot(for: id), spellingIndex: Int32(spellings.count - 1), unitNumber: unitNumber(unit), categorical: indicator?.isCategorical ?? true,
                range: indicator?.validRange, inPercent: unit == "%", isCount: unit == "count")
        }
        indicatorInfos.insert(bytes, info)
        return info
    }

    private func regionCode(_ bytes: UnsafeBufferPointer<UInt8>) -> RegionCode? {
        if let cached = regionCodes.find(bytes) { return cached }
        let text = String(decoding: bytes, as: UTF8.self)
        var code: RegionCode?
        if !text.isBlank, case .region(let c) = catalog.resolveRegion(text) { code = c }
        regionCodes.insert(bytes, code)
        return code
    }

    /// The number of the unit a unit cell spells (-1: not a unit).
    private func unitNumber(spelledAs bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if let cached = unitSpellings.find(bytes) { return cached }
        let number = CellParsing.unit(String(decoding: bytes, as: UTF8.self)).map(unitNumber) ?? -1
        unitSpellings.insert(bytes, number)
        return number
    }

    /// A unit's place in `unitNames`, added if new.
    private func unitNumber(_ unit: String) -> Int32 {
        if let i = unitNames.firstIndex(of: unit) { return Int32(i) }
        unitNames.append(unit)
        return Int32(unitNames.count - 1)
    }

    /// True when the text keeps something after trimming: a visible ASCII
    /// character, or a lead byte of a character from U+4000 up (every Unicode
    /// space and line break is below that). False may still be text: the
    /// caller then trims it for real.
    static func hasVisibleCharacter(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in b where (byte > 0x20 && byte < 0x7F) || byte >= 0xE4 { return true }
        return false
    }

    /// Four ASCII digits from 1949 to 2100.
    private func plainYear(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count == 4 else { return nil }
        var y = 0
        for byte in b {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            y = y * 10 + Int(byte - 0x30)
        }
        return (1949...2100).contains(y) ? y : nil
    }

    /// `96.5`, `96.5%` or empty, for a numeric indicator, within its range; nil for anything else.
    private func plainValue(_ b: UnsafeBufferPointer<UInt8>, _ info: IndicatorInfo) -> MeasuredValue? {
        if b.isEmpty { return .missing }
        if info.categorical { return nil }
        var n = b.count
        var percent = false
        if b[n - 1] == UInt8(ascii: "%") {
            percent = true
            n -= 1
        }
        if percent, !info.inPercent { return nil }
        var mantissa: Int64 = 0
        var scale = 0
        var digits = 0
        var point = false
        var negative = false
        var i = 0
        if n > 0, b[0] == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        let intStart = i
        while i < n {
            let byte = b[i]
            if byte >= 0x30, byte <= 0x39 {
                digits += 1
                if digits > 18 { return nil }
                mantissa = mantissa * 10 + Int64(byte - 0x30)
                if point { scale += 1 }
            } else if byte == UInt8(ascii: "."), !point, i > intStart {
                point = true
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0, !point || scale > 0, scale <= Figure.maxScale else { return nil }
        let figure = Figure(mantissa: negative ? -mantissa : mantissa, scale: scale)
        if let range = info.range, !range.contains(figure.doubleValue) { return nil }
        if info.isCount, !figure.isInteger { return nil }
        return .number(figure)
    }
}
