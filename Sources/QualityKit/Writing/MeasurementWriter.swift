import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes measurements as clean long-layout data that every reader of
/// `quality` takes back unchanged: CSV or TSV (RFC 4180 quoting), or JSON
/// `{"measurements": [...]}`; in UTF-8, UTF-8 with BOM, GB18030 or UTF-16.
/// Values are written exactly (`81.30` stays `81.30`); missing values stay missing.
public enum MeasurementWriter {
    public enum Format: String, Sendable, CaseIterable { case csv, tsv, json }

    static let columns = ["indicator", "region", "region_name", "year", "value", "unit", "source", "note"]

    /// The text of the file, in measurement order.
    public static func text(_ measurements: [Measurement], format: Format, catalog: Catalog) -> String {
        switch format {
        case .json: return json(measurements, catalog: catalog)
        case .csv, .tsv:
            var w = CSVWriter(byteOrderMark: false, guardFormulas: false, escapeControls: false, delimiter: format == .tsv ? "\t" : ",", lineEnd: "\n")
            w.row(columns)
            for m in measurements { w.row(cells(m, catalog)) }
            return w.text
        }
    }

    static func cells(_ m: Measurement, _ catalog: Catalog) -> [String] {
        [m.indicator, regionKey(m.region, catalog), m.regionName, String(m.year), valueText(m.value), m.unit, m.source, m.note]
    }

    static func regionKey(_ code: RegionCode, _ catalog: Catalog) -> String {
        catalog.region(code: code.code)?.slug ?? String(code.code)
    }

    static func valueText(_ value: MeasuredValue) -> String {
        switch value {
        case .number(let f): f.description
        case .category(let met): met ? "达标" : "未达标"
        case .missing: ""
        }
    }

    static func json(_ measurements: [Measurement], catalog: Catalog) -> String {
        var out = "{\n  \"measurements\": ["
        for (i, m) in measurements.enumerated() {
            out += i == 0 ? "\n" : ",\n"
            let value: String = switch m.value {
            case .number(let f): f.description
            case .category(let met): jsonString(met ? "达标" : "未达标")
            case .missing: "null"
            }
            let fields = [
                ("indicator", jsonString(m.indicator)), ("region", jsonString(regionKey(m.region, catalog))),
                ("region_name", jsonString(m.regionName)), ("year", String(m.year)), ("value", value),
                ("unit", jsonString(m.unit)), ("source", jsonString(m.source)), ("note", jsonString(m.note)),
            ]
            out += "    {" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
        }
        return out + "\n  ]\n}\n"
    }

    /// A JSON string literal; control characters, C1 and bidi overrides as `\u` escapes.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let v = scalar.value
                if v < 0x20 || (v >= 0x7F && v <= 0x9F) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                    let hex = String(v, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The bytes of `text` in `encoding`, with the BOM that encoding's files carry.
    public static func encode(_ text: String, as encoding: TextEncoding) -> [UInt8] {
        switch encoding {
        case .utf8: return Array(text.utf8)
        case .utf8BOM: return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        case .utf16LE: return [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case .utf16BE: return [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case .gb18030: return iconvEncode(text, to: "GB18030")
        }
    }

    /// UTF-8 to another encoding through the C library; GB18030 covers all of Unicode.
    static func iconvEncode(_ text: String, to encoding: String) -> [UInt8] {
        guard let cd = iconv_open(encoding, "UTF-8"), cd != iconv_t(bitPattern: -1) else { return Array(text.utf8) }
        defer { iconv_close(cd) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var inLeft = input.count
        var outLeft = output.count
        input.withUnsafeMutableBufferPointer { ib in
            output.withUnsafeMutableBufferPointer { ob in
                var ip: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(ib.baseAddress!).assumingMemoryBound(to: CChar.self)
                var op: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(ob.baseAddress!).assumingMemoryBound(to: CChar.self)
                _ = iconv(cd, &ip, &inLeft, &op, &outLeft)
            }
        }
        return Array(output[0..<(output.count - outLeft)])
    }
}
