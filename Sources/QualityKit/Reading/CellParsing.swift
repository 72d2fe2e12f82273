import Foundation

/// A cell's value as people type it in Excel or WPS.
public enum CellValue: Sendable, Hashable {
    /// A number; `percent` when it was written with a `%`.
    case number(Figure, percent: Bool)
    /// 达标/未达标, 是/否, yes/no, true/false.
    case category(Bool)
    /// Empty, `—`, `-`, `NA`, `…`: missing, never zero.
    case missing
    case invalid
}

public enum CellParsing {
    static let missingTokens: Set<String> = ["", "-", "--", "—", "——", "–", "na", "n/a", "nan", "null", "none", "…", "……", "...", "..", "/", "无数据", "暂无", "空"]
    static let trueTokens: Set<String> = ["达标", "已达标", "是", "yes", "y", "true", "met", "合格"]
    static let falseTokens: Set<String> = ["未达标", "不达标", "否", "no", "n", "false", "notmet", "not_met", "不合格"]

    /// Folds full-width digits and signs (`９６．５％` → `96.5%`), trims.
    static func fold(_ raw: String) -> String {
        var text = raw
        if !text.utf8.allSatisfy({ $0 < 0x80 }) {
            text = text.precomposedStringWithCompatibilityMapping
        }
        return text.trimmed()
    }

    /// Parses a value cell: `96.5`, `96.5%`, `９６．５`, `1,203`, `1 203`; a
    /// category; or a missing marker. Anything else is invalid, never a guess.
    public static func value(_ raw: String) -> CellValue {
        let text = fold(raw)
        let key = text.lowercased().replacingOccurrences(of: " ", with: "")
        if missingTokens.contains(key) { return .missing }
        if trueTokens.contains(key) { return .category(true) }
        if falseTokens.contains(key) { return .category(false) }
        var body = Substring(text)
        var percent = false
        if body.hasSuffix("%") {
            percent = true
            body = body.dropLast()
            while body.last == " " { body = body.dropLast() }
        }
        guard let figure = plainNumber(body) else { return .invalid }
        return .number(figure, percent: percent)
    }

    /// A decimal with optional thousands grouping by `,` or space (groups of three).
    static func plainNumber(_ text: Substring) -> Figure? {
        if let f = Figure(text) { return f }
        for separator in [",", " ", "\u{2009}", "\u{202F}"] where text.contains(separator) {
            var integerPart = text
            var fraction: Substring = ""
            if let dot = text.firstIndex(of: ".") {
                integerPart = text[..<dot]
                fraction = text[dot...]
            }
            var sign: Substring = ""
            if integerPart.hasPrefix("-") {
                sign = "-"
                integerPart = integerPart.dropFirst()
            }
            let groups = integerPart.components(separatedBy: separator)
            guard groups.count > 1, let first = groups.first, (1...3).contains(first.count),
                groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { return nil }
            return Figure(sign + groups.joined() + fraction)
        }
        return nil
    }

    /// A year: `2015`, `2015年`, `２０１５`; nil unless 1949–2100.
    public static func year(_ raw: String) -> Int? {
        var text = fold(raw)
        if text.hasSuffix("年") { text.removeLast() }
        if text.hasSuffix(".0") { text.removeLast(2) }
        guard text.count == 4, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let y = Int(text) else { return nil }
        return (1949...2100).contains(y) ? y : nil
    }

    /// A unit as written, folded to the catalog's spelling; nil when unrecognised.
    public static func unit(_ raw: String) -> String? {
        switch normalizedKey(raw) {
        case "%", "percent", "百分比", "百分率", "pct": "%"
        case "score", "分", "points", "point": "score"
        case "index", "指数", "点": "index"
        case "count", "个", "家", "项", "件", "number": "count"
        case "μg/m³", "μg/m3", "ug/m3", "ug/m³", "微克/立方米", "µg/m³", "µg/m3": "μg/m³"
        default: nil
        }
    }
}
