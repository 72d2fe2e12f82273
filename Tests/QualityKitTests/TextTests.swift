import Foundation
import Testing

@testable import QualityKit

@Suite struct FigureTests {
    @Test(arguments: [
        ("96", 96, 0), ("96.5", 965, 1), ("81.30", 8130, 2), ("-0.1", -1, 1), ("0", 0, 0), ("100", 100, 0),
    ])
    func parsesThePlainGrammar(_ text: String, _ mantissa: Int64, _ scale: Int) throws {
        let f = try #require(Figure(text))
        #expect(f.mantissa == mantissa && f.scale == scale)
        #expect(f.description == text)
    }

    @Test(arguments: ["", "-", ".5", "5.", "1,5", "75%", "0x10", "1e3", "nan", "inf", " 1", "1 ", "1_000", "+1", "1.2.3", "１", "1234567890123456789"])
    func rejectsEverythingElse(_ text: String) {
        #expect(Figure(text) == nil)
    }

    @Test func comparesExactly() throws {
        #expect(Figure("30.0")! == Figure("30")!)
        #expect(!(Figure("30.0")! > Figure("30")!))
        #expect(Figure("99.9")! < Figure("100")!)
        #expect(Figure("81.2")! < Figure("81.21")!)
        #expect(Figure("-2.7")! < Figure("-0.1")!)
        #expect((Figure("92.3")! - Figure("89.8")!)?.description == "2.5")
        #expect(Set([Figure("81.30")!, Figure("81.3")!]).count == 1)
    }

    @Test(arguments: [(0.35, 1, "0.4"), (2.675, 2, "2.68"), (-0.05, 1, "-0.1"), (1.0 / 3.0, 4, "0.3333"), (0.0, 2, "0.00")])
    func derivedNumbersRoundHalfAwayFromZero(_ value: Double, _ places: Int, _ expected: String) {
        #expect(formatDerived(value, places: places) == expected)
    }
}

@Suite struct DisplayTextTests {
    @Test func cjkTakesTwoColumns() {
        #expect(displayWidth("质量") == 4)
        #expect(displayWidth("ab") == 2)
        #expect(displayWidth("达标 5 · 未达标 2") == 17)
        #expect(displayWidth("（含县城）") == 10)
        #expect(displayWidth("Ⅰ-Ⅲ") == 3)
    }

    /// The ideographs and Hangul syllables answered without a category lookup are what
    /// the lookup would answer: letters, not marks or format characters, and wide.
    @Test func ideographsNeedNoCategoryLookup() {
        for v in Array(0x3400...0x4DBF) + Array(0x4E00...0x9FFF) + Array(0xAC00...0xD7A3) {
            guard let scalar = Unicode.Scalar(UInt32(v)) else { continue }
            let category = scalar.properties.generalCategory
            #expect(category != .nonspacingMark && category != .enclosingMark && category != .format, "U+\(String(v, radix: 16))")
            #expect(scalarWidth(scalar) == 2)
        }
    }

    @Test func wrapsWithoutCuttingText() {
        let lines = wrap("城市（含县城）空气质量达到国家二级标准", width: 10)
        #expect(lines == ["城市（含县", "城）空气质", "量达到国家", "二级标准"])
        #expect(lines.joined() == "城市（含县城）空气质量达到国家二级标准")
        #expect(wrap("Share of monitored main-river sections", width: 16) == ["Share of", "monitored", "main-river", "sections"])
        #expect(wrap("short", width: 10) == ["short"])
    }

    /// Closing punctuation never begins a line and an opening bracket never ends one: the
    /// character before goes down with it (GB/T 15834), unless nothing else could.
    @Test func punctuationStaysWithItsText() {
        #expect(wrap("全国 ≥ 96%（连续两年）", width: 18) == ["全国 ≥ 96%（连续两", "年）"])
        #expect(wrap("合格率）：2023 7.25%", width: 6) == ["合格", "率）：", "2023", "7.25%"])
        #expect(wrap("数据，不折算为合格率", width: 4) == ["数", "据，", "不折", "算为", "合格", "率"])
        #expect(wrap("发现率（含市县", width: 8) == ["发现率", "（含市县"])
        #expect(wrap("发布《质量强国建设纲要》", width: 10) == ["发布《质量", "强国建设纲", "要》"])
        #expect(wrap("发布《质量强国建设纲要》", width: 4) == ["发布", "《质", "量强", "国建", "设纲", "要》"])
        #expect(wrap("二级标准。", width: 8) == ["二级标", "准。"])
        #expect(wrap("抽查 (county)", width: 9) == ["抽查", "(county)"])
        // With no other place to break, the line breaks where it must.
        #expect(wrap("）））", width: 4) == ["））", "）"])
        #expect(wrap("（（（", width: 4) == ["（（", "（"])
    }

    /// Every scalar `wrap` takes as a character of its own is one wherever it stands:
    /// it joins neither the letter before it nor the one after, nor itself, nor an ideograph.
    @Test func loneScalarsAreCharactersOfTheirOwn() {
        var checked = 0
        for v in UInt32(0)...0x10FFFF where standsAlone(v) {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let s = String(Character(scalar))
            #expect(("a" + s + "a").count == 3, "U+\(String(v, radix: 16))")
            #expect((s + s).count == 2 && ("质" + s + "质").count == 3, "U+\(String(v, radix: 16))")
            checked += 1
        }
        #expect(checked > 30_000)
    }

    /// The units `wrap` breaks text at are its characters, with their widths, on the
    /// scalar-at-a-time path and on grapheme breaking alike (combining marks, emoji
    /// sequences, flags and jamo among report text).
    @Test func wrappingUnitsAreCharacters() {
        var generator = SystemRandomNumberGenerator()
        let plain = Array("ab Z9.,-（）：；质量发展纲要江西·—%≥≤").map(String.init)
        let joining = ["e\u{301}", "\u{1F468}\u{200D}\u{1F469}", "\u{1F1E8}\u{1F1F3}", "\u{1100}\u{1161}", "\u{FE0F}", "\u{200B}", "\u{302A}"]
        for round in 0..<2_000 {
            let alphabet = round % 2 == 0 ? plain : plain + joining
            let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            let units = characterUnits(text)
            let expected = text.indices.map { i in
                (end: text.index(after: i), width: text[i].unicodeScalars.reduce(0) { $0 + scalarWidth($1) }, isSpace: text[i] == " ")
            }
            #expect(units.map(\.end) == expected.map(\.end) && units.map(\.width) == expected.map(\.width) && units.map(\.isSpace) == expected.map(\.isSpace), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            // Nothing is lost or reordered: only spaces at breaks go. And no line is wider
            // than asked, but for a line of one character that is wider on its own.
            for width in [4, 9, 16] {
                let lines = wrap(text, width: width)
                #expect(lines.joined().filter { $0 != " " } == text.filter { $0 != " " })
                for line in lines where line.count > 1 {
                    #expect(displayWidth(line) <= width, "\(lines) at \(width)")
                }
            }
        }
    }

    @Test func controlCharactersAreEscaped() {
        #expect(escapingControls("a\u{1B}[31mb") == "a\\u{1B}[31mb")
        #expect(escapingControls("bell\u{07}") == "bell\\u{7}")
        #expect(escapingControls("c1\u{9B}x") == "c1\\u{9B}x")
        #expect(escapingControls("line\nbreak") == "line\\u{A}break")
        #expect(escapingControls("正常文本") == "正常文本")
        // A table cell keeps a line feed standing alone; a CR goes escaped, alone or before a LF.
        #expect(escapingControlsExceptLineBreaks("第一行\n第二行") == "第一行\n第二行")
        #expect(escapingControlsExceptLineBreaks("a\r\nb\nc\u{1B}") == "a\\u{D}\\u{A}b\nc\\u{1B}")
        #expect(escapingControlsExceptLineBreaks("x\ty") == "x\\u{9}y")
    }

    @Test func suggestionsAreCloseOnly() {
        #expect(closestMatch(to: "--provnce", among: ["--province", "--plan", "--year"]) == "--province")
        #expect(closestMatch(to: "jiangxii", among: ["jiangxi", "jiangsu"]) == "jiangxi")
        #expect(closestMatch(to: "zzzzzz", among: ["jiangxi", "jiangsu"]) == nil)
    }
}

@Suite struct JSONWriterTests {
    /// A figure is written as parsed, by `description` and into JSON alike: the digits,
    /// a point `scale` from the right with one digit at least before it, a sign if negative.
    @Test func figuresAreWrittenAsTheyAreSpelled() {
        let fixed: [(Int64, Int, String)] = [
            (8130, 2, "81.30"), (5, 2, "0.05"), (-5, 3, "-0.005"), (0, 0, "0"), (0, 2, "0.00"), (-42, 0, "-42"), (1, 9, "0.000000001"),
            (Int64.max, 0, "9223372036854775807"), (Int64.min, 0, "-9223372036854775808"), (Int64.min, 9, "-9223372036.854775808"),
        ]
        for (mantissa, scale, text) in fixed {
            let figure = Figure(mantissa: mantissa, scale: scale)
            #expect(figure.description == text)
            var w = JSONWriter()
            w.figure(figure)
            #expect(String(decoding: w.bytes, as: UTF8.self) == text)
        }
        var rng = SeededRandom(seed: 11)
        for _ in 0..<2_000 {
            let mantissa = Int64.random(in: -10_000_000...10_000_000, using: &rng)
            let scale = Int.random(in: 0...Figure.maxScale, using: &rng)
            let text = Figure(mantissa: mantissa, scale: scale).description
            #expect(Figure(text).map { ($0.mantissa, $0.scale) } ?? (0, -1) == (mantissa, scale), "\(mantissa) at \(scale): \(text)")
            let digits = String(mantissa.magnitude)
            let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
            let whole = padded.dropLast(scale)
            #expect(text == (mantissa < 0 ? "-" : "") + whole + (scale > 0 ? "." + padded.suffix(scale) : ""))
        }
    }

    /// An object begun from an opening written once is the object written key by key,
    /// at any depth, first in its container or after others, with texts that need escapes.
    @Test func anOpeningWritesWhatItsKeysWould() {
        let notes = ["", "初步数", "含\"引号\"与\n换行", "\u{202E}反向"]
        for depth in 1...4 {
            func write(_ opened: Bool) -> [UInt8] {
                var w = JSONWriter()
                for _ in 1..<depth { w.beginArray() }
                w.beginArray()
                for (i, note) in notes.enumerated() {
                    if opened {
                        w.beginObject(JSONWriter.opening(atDepth: w.depth) { o in
                            o.key("note"); o.string(note)
                            o.key("value")
                        })
                    } else {
                        w.beginObject()
                        w.key("note"); w.string(note)
                        w.key("value")
                    }
                    w.int(i)
                    w.key("year"); w.int(2015)
                    w.endObject()
                }
                w.endArray()
                for _ in 1..<depth { w.endArray() }
                return w.bytes
            }
            #expect(write(true) == write(false), "depth \(depth)")
            #expect(String(decoding: write(true), as: UTF8.self).contains("\"note\" : \"含\\\"引号\\\"与\\n换行\",\n"))
        }
    }

    /// A document many times the writer's first 64 KB, in pieces of every length
    /// (copied byte by byte below 4 bytes, as two overlapping words up to 16, by
    /// memory copy above): the same text as
    /// Foundation's pretty printer gives.
    @Test func aLongDocumentSurvivesTheBufferGrowing() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ09 .,-质量发展纲要江西").map(String.init)
        let values = (0..<30_000).map { _ in (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined() }
        var w = JSONWriter()
        w.beginArray()
        for v in values { w.string(v) }
        w.endArray()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(values), as: UTF8.self) + "\n"
        #expect(w.bytes.count > 1 << 20)
        #expect(w.text == expected)
    }

    /// A JSON string as it must be written: only the characters JSON or a terminal must
    /// not see raw escaped.
    private static func reference(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A character to escape (or one that only starts like one: `·`, `—`, U+2065) is
    /// found at every offset from a word's start, in ASCII and in Chinese, with more
    /// after it: the scan goes eight bytes at a time where no byte could start one.
    @Test func anEscapeIsFoundAtEveryOffset() {
        let scalars: [Unicode.Scalar] = [
            "\"", "\\", "\u{0}", "\u{9}", "\u{1B}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9B}", "\u{9F}", "\u{A0}", "·", "—",
            "\u{2029}", "\u{202A}", "\u{202E}", "\u{202F}", "\u{2065}", "\u{2066}", "\u{2069}", "\u{206A}", "质",
        ]
        for scalar in scalars {
            for k in 0..<20 {
                for filler in ["a", "质", "·"] {
                    let text = String(repeating: filler, count: k) + String(scalar) + "天津 · 县" + String(repeating: "b", count: k) + String(scalar)
                    var w = JSONWriter()
                    w.string(text)
                    #expect(String(decoding: w.bytes, as: UTF8.self) == Self.reference(text), "U+\(String(scalar.value, radix: 16)) after \(k) × \(filler)")
                }
            }
        }
    }

    /// Every character below U+3000, alone and between others: the escapes are
    /// exactly those JSON and a terminal need (C0 and C1 controls, DEL, `"`, `\`,
    /// bidi overrides), everything else goes out as it is, and the text reads back
    /// the same.
    @Test func everyCharacterIsEscapedOrCopiedAsItMustBe() throws {
        let reference = Self.reference
        for v in UInt32(0)..<0x3000 {
            guard let scalar = Unicode.Scalar(v) else { continue }
            for text in [String(scalar), "a\(scalar)·b\(scalar)\(scalar)", "天津 · \(scalar)县"] {
                var w = JSONWriter()
                w.string(text)
                let written = String(decoding: w.bytes, as: UTF8.self)
                #expect(written == reference(text), "U+\(String(v, radix: 16))")
                let back = try JSONSerialization.jsonObject(with: Data(w.bytes), options: .fragmentsAllowed) as? String
                #expect(back == text, "U+\(String(v, radix: 16))")
            }
        }
    }

    /// Figures are written digit by digit: exactly as `Figure.description` spells them.
    @Test func figuresAreWrittenAsPublished() {
        var generator = SystemRandomNumberGenerator()
        var figures = [Figure(mantissa: 0, scale: 0), Figure(mantissa: 0, scale: 3), Figure(mantissa: -5, scale: 2), Figure(mantissa: 8130, scale: 2),
            Figure(mantissa: .max, scale: 18), Figure(mantissa: .min, scale: 18), Figure(mantissa: .min, scale: 0), Figure(mantissa: 7, scale: 25)]
        for _ in 0..<20_000 {
            let digits = Int64.random(in: 0...18, using: &generator)
            var mantissa = Int64.random(in: 0...Int64.max, using: &generator)
            for _ in 0..<digits { mantissa /= 10 }
            figures.append(Figure(mantissa: Bool.random(using: &generator) ? -mantissa : mantissa, scale: Int.random(in: 0...19, using: &generator)))
        }
        for figure in figures {
            var w = JSONWriter()
            w.figure(figure)
            #expect(String(decoding: w.bytes, as: UTF8.self) == figure.description, "\(figure.mantissa) at scale \(figure.scale)")
        }
    }

    /// The layout is Foundation's pretty printer's, so earlier outputs compare line by line.
    @Test func layoutMatchesFoundationsPrettyPrinter() throws {
        struct Inner: Encodable { let a: [Int]; let b: [String: Int]; let c: String? }
        struct Outer: Encodable { let empty: [Int]; let inner: [Inner]; let n: Int; let t: Bool }
        let value = Outer(empty: [], inner: [Inner(a: [1, -2], b: [:], c: nil), Inner(a: [], b: ["x": 3], c: "y")], n: 7, t: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"

        var w = JSONWriter()
        w.beginObject()
        w.key("empty"); w.beginArray(); w.endArray()
        w.key("inner")
        w.beginArray()
        w.beginObject()
        w.key("a"); w.beginArray(); w.int(1); w.int(-2); w.endArray()
        w.key("b"); w.beginObject(); w.endObject()
        w.endObject()
        w.beginObject()
        w.key("a"); w.beginArray(); w.endArray()
        w.key("b"); w.counts(["x": 3])
        w.key("c"); w.string("y")
        w.endObject()
        w.endArray()
        w.key("n"); w.int(7)
        w.key("t"); w.bool(true)
        w.endObject()
        // Foundation leaves out a nil optional's key; the writer writes what it is told.
        #expect(w.text == expected)
    }

    @Test func escapesWhatCouldDriveATerminal() {
        var w = JSONWriter()
        w.string("a\"b\\c/d\n\t\u{08}\u{0C}\r\u{1B}[31m\u{7F}\u{9B}\u{202E}\u{2066}–·质量😀")
        #expect(w.text == #""a\"b\\c/d\n\t\b\f\r\u001b[31m\u007f\u009b\u202e\u2066–·质量😀""# + "\n")
    }

    /// Every scalar up to U+3000 and a few beyond survive a round trip through a JSON parser.
    @Test func everyScalarRoundTrips() throws {
        var scalars = (0..<0x3000).compactMap(Unicode.Scalar.init)
        scalars += ["\u{FEFF}", "\u{FFFD}", "\u{1F600}", "\u{10FFFF}"]
        let text = String(String.UnicodeScalarView(scalars))
        var w = JSONWriter()
        w.beginArray(); w.string(text); w.endArray()
        let parsed = try JSONSerialization.jsonObject(with: Data(w.text.utf8)) as? [String]
        #expect(parsed == [text])
    }

    /// Integers go out digit by digit: every width and sign, the extremes included.
    @Test func integersAreWrittenAsSwiftPrintsThem() {
        let values = [0, 7, -2, 10, -10, 99, 100, 2026, -1_000_000, 1_234_567_890_123, Int.max, Int.min, Int.min + 1]
        var w = JSONWriter()
        w.beginArray()
        for v in values { w.int(v) }
        w.endArray()
        #expect(w.text == "[\n" + values.map { "  \($0)" }.joined(separator: ",\n") + "\n]\n")
    }

    /// Indents deeper than the run of spaces kept for them still come out whole.
    @Test func deepIndentsAreWhole() {
        var w = JSONWriter()
        for _ in 0..<40 { w.beginArray() }
        w.int(1)
        for _ in 0..<40 { w.endArray() }
        let lines = w.text.split(separator: "\n")
        #expect(lines[40] == Substring(String(repeating: " ", count: 80) + "1"))
        #expect(lines[41] == Substring(String(repeating: " ", count: 78) + "]"))
    }

    @Test func numbersAreExactOrNull() throws {
        var w = JSONWriter()
        w.beginArray()
        w.figure(try #require(Figure("81.30")))
        w.figure(try #require(Figure("-0.1")))
        w.figure(try #require(Figure("96")))
        w.derived(0.99, places: 4)
        w.derived(-0.000001, places: 4)
        w.derived(0.0045771, places: 6)
        w.derived(.nan, places: 2)
        w.derived(.infinity, places: 2)
        w.figure(nil as Figure?)
        w.endArray()
        #expect(w.text == "[\n  81.30,\n  -0.1,\n  96,\n  0.99,\n  0,\n  0.004577,\n  null,\n  null,\n  null\n]\n")
    }

    @Test func takeHandsOverPiecesThatJoinToTheWhole() {
        var pieces: [UInt8] = []
        var w = JSONWriter()
        w.beginArray()
        for i in 0..<5 {
            w.string("数 \(i)")
            pieces += w.take()
        }
        w.endArray()
        pieces += w.takeFinished()
        #expect(String(decoding: pieces, as: UTF8.self) == "[\n  \"数 0\",\n  \"数 1\",\n  \"数 2\",\n  \"数 3\",\n  \"数 4\"\n]\n")
        #expect(w.take().isEmpty)
    }
}

@Suite struct TrimmingTests {
    /// `trimmed()` and `isBlank` agree with Foundation's trimming for every scalar below
    /// U+30000, alone and around text, at either end or in the middle.
    @Test func agreesWithFoundation() {
        var disagreements: [String] = []
        for value in 0..<0x30000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let c = String(scalar)
            for text in [c, c + "a" + c, "a" + c, c + "\u{301}b", "x" + c + "y", c + c] {
                if text.trimmed() != text.trimmingCharacters(in: .whitespacesAndNewlines)
                    || text.trimmed(newlines: false) != text.trimmingCharacters(in: .whitespaces)
                    || text.isBlank != text.trimmingCharacters(in: .whitespaces).isEmpty,
                    disagreements.count < 5
                {
                    disagreements.append(String(format: "U+%04X in %@", value, text.debugDescription))
                }
            }
        }
        #expect(disagreements.isEmpty)
    }
}

/// Keys skip Foundation's NFKC when every character is ASCII or a CJK unified ideograph:
/// for those, NFKC changes nothing, alone or next to one another.
@Suite struct KeyNormalizationTests {
    @Test func theSkippedTextIsWhatNFKCGives() {
        let stable = Array(0..<0x80) + Array(0x4E00...0x9FFF)
        var changed: [String] = []
        for (i, value) in stable.enumerated() {
            let text = String(Unicode.Scalar(UInt32(value))!) + String(Unicode.Scalar(UInt32(stable[(i * 7919) % stable.count]))!)
            #expect(isCompatibilityStable(text))
            if text.precomposedStringWithCompatibilityMapping.unicodeScalars.map(\.value) != text.unicodeScalars.map(\.value), changed.count < 5 {
                changed.append(text.debugDescription)
            }
        }
        #expect(changed.isEmpty)
        // Anything else goes through NFKC: full-width forms, Roman numerals, the ideographic space, a combining mark.
        for text in ["（省级）", "Ⅰ-Ⅲ类", "森林\u{3000}覆盖率", "e\u{301}", "福\u{FA1B}"] {
            #expect(!isCompatibilityStable(text))
        }
        // Such text is folded byte by byte: as the general path folds it, for every ASCII character in turn.
        for value in 0..<0x80 {
            let text = "森林Ab" + String(Unicode.Scalar(UInt8(value))) + "Z覆盖 率\t"
            #expect(foldedStable(text) == foldedCaseAndSpace(text), "U+\(String(value, radix: 16))")
        }
        #expect(normalizedKey("主要河流监测断面 Ⅰ-Ⅲ 类") == normalizedKey("主要河流监测断面I-III类"))
        #expect(normalizedKey("Forest Coverage") == "forestcoverage")
    }
}

@Suite struct VisibleTextTests {
    /// `check` takes a source as given when `hasVisibleCharacter` says so, without
    /// trimming it: that must never be said of text that trims to nothing.
    @Test func aVisibleCharacterSurvivesTrimming() {
        var claimed = 0
        for value in 0..<0x3_0000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = " \(Character(scalar))\u{3000}"
            let bytes = Array(text.utf8)
            let visible = bytes.withUnsafeBufferPointer { MeasurementReader.hasVisibleCharacter($0) }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if visible {
                claimed += 1
                #expect(!trimmed.isEmpty, "U+\(String(value, radix: 16))")
            }
        }
        // Visible ASCII and everything from U+4000 up (less the surrogates): the common case is caught.
        #expect(claimed == 94 + 0x3_0000 - 0x4000 - 0x800)
        for text in ["统计年鉴", "a", "市场监管局, 年度通报"] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { MeasurementReader.hasVisibleCharacter($0) })
        }
        for text in ["", " \t\r\n", "\u{3000}\u{00A0}\u{2028}\u{0085}"] {
            #expect(!Array(text.utf8).withUnsafeBufferPointer { MeasurementReader.hasVisibleCharacter($0) })
        }
    }
}

/// The CSV writer copies a cell's bytes when nothing in it needs a look, and
/// escapes, guards and quotes it otherwise: both ways must give what the rule says.
@Suite struct CSVWriterTests {
    /// What a report's cell must be, from the rule: controls escaped except a line
    /// feed, an apostrophe before a formula, quotes around a delimiter, quote or line break.
    static func expected(_ cell: String) -> String {
        var value = escapingControlsExceptLineBreaks(cell)
        if let first = value.unicodeScalars.first, "=+-@".unicodeScalars.contains(first), Figure(value) == nil { value = "'" + value }
        guard value.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    @Test func everyCharacterBelowU3000IsWrittenByTheRuleAndReadsBack() throws {
        var cells: [String] = []
        for v in UInt32(0)..<0x3000 {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let c = String(Character(scalar))
            cells += [c, "县\(c)·", "\(c)-1"]
        }
        for cells in stride(from: 0, to: cells.count, by: 9).map({ Array(cells[$0..<min($0 + 9, cells.count)]) }) {
            var w = CSVWriter(byteOrderMark: false)
            w.row(cells)
            #expect(w.text == cells.map(Self.expected).joined(separator: ",") + "\r\n", "\(cells)")
            // Read back, each cell is itself, or its escaped form.
            let back = try #require(try CSVTokenizer(reader: MemoryChunkReader(w.bytes)).next()).fields
            let written = cells.map { cell in
                let escaped = escapingControlsExceptLineBreaks(cell)
                return Figure(escaped) == nil && "=+-@".unicodeScalars.contains(escaped.unicodeScalars.first ?? " ") ? "'" + escaped : escaped
            }
            #expect(back == written, "\(cells)")
        }
    }

    /// A delimiter or quote followed by a combining mark is one character to Swift
    /// but still a delimiter to every CSV reader: such a cell is quoted.
    @Test func aDelimiterUnderACombiningMarkIsStillQuoted() throws {
        var w = CSVWriter(byteOrderMark: false)
        w.row(["a,\u{301}b", "\"\u{301}", "-1.5", "-", "=1", "\u{1B}[31m", "甲\r\n乙"])
        #expect(w.text == "\"a,\u{301}b\",\"\"\"\u{301}\",-1.5,'-,'=1,\\u{1B}[31m,甲\\u{D}\\u{A}乙\r\n")
        var data = CSVWriter(byteOrderMark: false, guardFormulas: false, escapeControls: false, delimiter: "\t", lineEnd: "\n")
        data.row(["=1", "a\tb", "x\u{1B}", "\"q\""])
        #expect(data.text == "=1\t\"a\tb\"\tx\u{1B}\t\"\"\"q\"\"\"\n")
        let taken = data.take()
        #expect(String(decoding: taken, as: UTF8.self) == "=1\t\"a\tb\"\tx\u{1B}\t\"\"\"q\"\"\"\n")
        #expect(data.bytes.isEmpty)
    }
}
