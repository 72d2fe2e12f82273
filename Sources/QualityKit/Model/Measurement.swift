/// A measured value: a number, a categorical assessment, or explicitly missing.
public enum MeasuredValue: Sendable, Hashable {
    case number(Figure)
    case category(Bool)
    /// A blank or `—` cell: kept as missing, never zero.
    case missing

    public var figure: Figure? {
        if case .number(let f) = self { return f }
        return nil
    }

    public var isMissing: Bool { self == .missing }

    /// As written in outputs: `92.3`, `达标`/`未达标` (or met / not met).
    func text(_ lang: Language) -> String {
        switch self {
        case .number(let f): f.description
        case .category(let met): met ? lang.pick("达标", "met") : lang.pick("未达标", "not met")
        case .missing: lang.pick("缺失", "missing")
        }
    }
}

/// One figure (数值) for an indicator (指标), a region (地区) and a year (年份),
/// with where it came from.
public struct Measurement: Sendable, Hashable {
    public var indicator: String
    public var region: RegionCode
    /// A name given beside a sub-province code, kept as given.
    public var regionName: String
    public var year: Int
    public var value: MeasuredValue
    public var unit: String
    public var source: String
    public var note: String
    public var file: String
    public var line: Int

    public init(
        indicator: String, region: RegionCode, regionName: String = "", year: Int, value: MeasuredValue, unit: String = "",
        source: String = "", note: String = "", file: String = "", line: Int = 0
    ) {
        self.indicator = indicator
        self.region = region
        self.regionName = regionName
        self.year = year
        self.value = value
        self.unit = unit
        self.source = source
        self.note = note
        self.file = file
        self.line = line
    }
}

/// What one input file held, for `check` and the skipped-rows accounting.
public struct FileSummary: Sendable, Hashable {
    public var path: String
    public var encoding: String = ""
    /// `long`, `wide`, or `json`.
    public var layout: String = ""
    /// Data lines (records after the header, blank lines not counted).
    public var rows = 0
    /// Rows used in full.
    public var rowsRead = 0
    /// Rows with at least one error, not used.
    public var rowsRejected = 0
    public var blankLines = 0
    /// Values taken (a wide row gives one per year column).
    public var values = 0
    public var missingValues = 0
    /// True when the file could not be opened or decoded at all.
    public var unreadable = false

    /// Adds the counts of a part of the file read apart.
    mutating func add(_ part: FileSummary) {
        rows += part.rows
        blankLines += part.blankLines
        rowsRead += part.rowsRead
        rowsRejected += part.rowsRejected
        values += part.values
        missingValues += part.missingValues
    }
}
