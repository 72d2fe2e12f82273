import Foundation
import Testing

@testable import QualityKit

func tokenize(_ bytes: [UInt8], chunkSize: Int = 1 << 20, delimiter: UInt8 = UInt8(ascii: ","), limits: ReaderLimits = .standard) throws -> [CSVRecord] {
    let tokenizer = CSVTokenizer(reader: MemoryChunkReader(bytes, chunkSize: chunkSize), delimiter: delimiter, limits: limits)
    var records: [CSVRecord] = []
    while let r = try tokenizer.next() { records.append(r) }
    return records
}

@Suite struct CSVSpectrumTests {
    static let names = ["comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json", "location_coordinates", "newlines", "newlines_crlf", "quotes_and_newlines", "simple", "simple_crlf", "utf8"]

    /// Every csv-spectrum file yields exactly the records of its JSON twin, at any chunking.
    @Test(arguments: names, [1, 3, 1 << 20])
    func readsAsItsJSONTwin(_ name: String, _ chunkSize: Int) throws {
        let base = fixturesURL.appendingPathComponent("csv-spectrum")
        let csv = try Data(contentsOf: base.appendingPathComponent("csvs/\(name).csv"))
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: base.appendingPathComponent("json/\(name).json"))) as? [[String: String]], "\(name).json is an array of records")
        let records = try tokenize(Array(csv), chunkSize: chunkSize).filter { !$0.isBlank }
        #expect(records.allSatisfy { $0.issues.isEmpty })
        let header = try #require(records.first).fields
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.fields)) }
        #expect(rows == expected)
    }
}

@Suite struct CSVTokenizerTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let input: String
        let fields: [[String]]
        var description: String { name }
    }

    static let cases: [Case] = [
        .init(name: "LF", input: "a,b\n1,2\n", fields: [["a", "b"], ["1", "2"]]),
        .init(name: "CRLF", input: "a,b\r\n1,2\r\n", fields: [["a", "b"], ["1", "2"]]),
        .init(name: "CR", input: "a,b\r1,2\r", fields: [["a", "b"], ["1", "2"]]),
        .init(name: "no trailing newline", input: "a,b\n1,2", fields: [["a", "b"], ["1", "2"]]),
        .init(name: "trailing empty field", input: "a,b\n1,\n", fields: [["a", "b"], ["1", ""]]),
        .init(name: "trailing empty field at EOF", input: "a,b\n1,", fields: [["a", "b"], ["1", ""]]),
        .init(name: "blank lines", input: "a,b\n\n1,2\n\n", fields: [["a", "b"], [""], ["1", "2"], [""]]),
        .init(name: "newline in quotes", input: "a,b\n\"x\ny\",2\n", fields: [["a", "b"], ["x\ny", "2"]]),
        .init(name: "CRLF in quotes", input: "a,b\r\n\"x\r\ny\",2\r\n", fields: [["a", "b"], ["x\r\ny", "2"]]),
        .init(name: "doubled quotes", input: "a\n\"say \"\"hi\"\"\"\n", fields: [["a"], ["say \"hi\""]]),
        .init(name: "quoted empty", input: "a,b\n\"\",\"\"\n", fields: [["a", "b"], ["", ""]]),
        .init(name: "delimiter in quotes", input: "a\n\"1,203\"\n", fields: [["a"], ["1,203"]]),
        .init(name: "spaces kept", input: "a\n 1 \n", fields: [["a"], [" 1 "]]),
        .init(name: "chinese", input: "指标,值\n森林覆盖率,63.1\n", fields: [["指标", "值"], ["森林覆盖率", "63.1"]]),
    ]

    @Test(arguments: cases, [1, 2, 5, 1 << 20])
    func readsRFC4180(_ c: Case, _ chunkSize: Int) throws {
        let records = try tokenize(Array(c.input.utf8), chunkSize: chunkSize)
        #expect(records.map(\.fields) == c.fields)
        #expect(records.allSatisfy { $0.issues.isEmpty })
    }

    @Test func positionsAreLineAndColumnInCharacters() throws {
        let records = try tokenize(Array("指标,地区\n\"a\nb\",森林\n".utf8))
        #expect(records[0].positions == [TextPosition(line: 1, column: 1), TextPosition(line: 1, column: 4)])
        #expect(records[1].line == 2)
        #expect(records[1].positions == [TextPosition(line: 2, column: 1), TextPosition(line: 3, column: 4)])
    }

    @Test(arguments: [1, 4, 1 << 20])
    func malformedQuotesAreReportedWhereTheyAre(_ chunkSize: Int) throws {
        let records = try tokenize(Array("a,b\n\"x\"y,2\n1\"2,3\nok,\"open\nmore\n".utf8), chunkSize: chunkSize)
        #expect(records.count == 4)
        #expect(records[1].issues.map(\.code) == [.textAfterQuote])
        #expect(records[1].issues[0].position == TextPosition(line: 2, column: 4))
        #expect(records[2].issues.isEmpty)
        #expect(records[2].fields == ["1\"2", "3"])
        #expect(records[3].issues.map(\.code) == [.unterminatedQuote])
        #expect(records[3].issues[0].position == TextPosition(line: 4, column: 4))
    }

    @Test func oversizedRecordsAreAnErrorNotAnAllocation() throws {
        let limits = ReaderLimits(maxRecordBytes: 64, maxFields: 5, maxJSONDepth: 8)
        let long = "a\n" + String(repeating: "x", count: 1000) + "\nok\n"
        let records = try tokenize(Array(long.utf8), chunkSize: 7, limits: limits)
        #expect(records.map { $0.issues.map(\.code) } == [[], [.recordTooLarge], []])
        #expect(records[1].fields[0].count <= 64)
        #expect(records[2].fields == ["ok"])
        let wide = try tokenize(Array((String(repeating: ",", count: 100) + "\n").utf8), limits: limits)
        #expect(wide[0].issues.map(\.code) == [.recordTooLarge])
        #expect(wide[0].fields.count == 5)
    }

    @Test func tabsForTSV() throws {
        let records = try tokenize(Array("a\tb\n1,5\t2\n".utf8), delimiter: 0x09)
        #expect(records.map(\.fields) == [["a", "b"], ["1,5", "2"]])
    }
}

@Suite struct EncodingTests {
    func decode(_ bytes: [UInt8], chunkSize: Int = 1 << 20, forced: TextEncoding? = nil) throws -> (String, TextEncoding) {
        let (stream, encoding) = try TextDecoding.utf8Stream(from: MemoryChunkReader(bytes, chunkSize: chunkSize), encoding: forced)
        var out: [UInt8] = []
        while let c = try stream.nextChunk() { out += c }
        return (String(decoding: out, as: UTF8.self), encoding)
    }

    static let text = "指标,地区,年份,数值\n森林覆盖率,江西,2015,63.1\n"

    @Test(arguments: [1, 2, 3, 1 << 20])
    func detectsAndDecodesEveryEncoding(_ chunkSize: Int) throws {
        let gb = gb18030Bytes(Self.text)
        #expect(try decode(gb, chunkSize: chunkSize) == (Self.text, .gb18030))
        #expect(try decode([0xEF, 0xBB, 0xBF] + Array(Self.text.utf8), chunkSize: chunkSize) == (Self.text, .utf8BOM))
        #expect(try decode(Array(Self.text.utf8), chunkSize: chunkSize) == (Self.text, .utf8))
        let le: [UInt8] = [0xFF, 0xFE] + Self.text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try decode(le, chunkSize: chunkSize) == (Self.text, .utf16LE))
        let be: [UInt8] = [0xFE, 0xFF] + Self.text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(try decode(be, chunkSize: chunkSize) == (Self.text, .utf16BE))
    }

    /// GB18030 read through the table of two-byte sequences is, byte for byte, what iconv
    /// alone makes of it: every two-byte sequence, then random bytes (weighted to lead and
    /// trail bytes, four-byte sequences and invalid ones), cut into chunks of many sizes.
    @Test func theTableOfPairsChangesNoByte() throws {
        func decoded(_ bytes: [UInt8], chunkSize: Int, table: Bool) throws -> (bytes: [UInt8], invalid: Int) {
            let reader = try IconvChunkReader(upstream: MemoryChunkReader(bytes, chunkSize: chunkSize), from: "GB18030")
            reader.pairsFrom = table ? 0 : .max
            var out: [UInt8] = []
            while let c = try reader.nextChunk() { out += c }
            return (out, reader.invalidSequences)
        }
        var every: [UInt8] = []
        for lead in UInt8(0x80)...0xFF {
            for trail in UInt8(0x30)...0xFF { every += [lead, trail, 0x41] }
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x0A, 0x2C, 0x30, 0x39, 0x41, 0x7F, 0x80, 0x81, 0x82, 0x84, 0x90, 0xA1, 0xB0, 0xC9, 0xD7, 0xE3, 0xFE, 0xFF, 0x40, 0x7E, 0xAD]
        var inputs = [every]
        for _ in 0..<200 {
            inputs.append((0..<Int.random(in: 0...300, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        var tablePairs = 0
        for input in inputs {
            for chunkSize in [1, 2, 3, 5, 64, 1 << 20] {
                let plain = try decoded(input, chunkSize: chunkSize, table: false)
                let fast = try decoded(input, chunkSize: chunkSize, table: true)
                #expect(fast.bytes == plain.bytes, "chunks of \(chunkSize)")
                #expect(fast.invalid == plain.invalid, "chunks of \(chunkSize)")
            }
        }
        for entry in GB18030Pairs.shared.table where entry != 0 { tablePairs += 1 }
        #expect(tablePairs > 20_000, "the table holds GBK's two-byte characters")
    }

    /// Each invalid GB18030 sequence, and one cut off by the end, becomes one 0xFF byte
    /// (which the tokenizer then reports), however the input is cut into chunks.
    @Test(arguments: [1, 2, 3, 1 << 20])
    func invalidSequencesAreMarkedOneByteEach(_ chunkSize: Int) throws {
        let (stream, _) = try TextDecoding.utf8Stream(from: MemoryChunkReader([0x61, 0x80, 0x62, 0xC9, 0xAD, 0x80, 0x80, 0x63, 0xC1], chunkSize: chunkSize), encoding: .gb18030)
        var out: [UInt8] = []
        while let c = try stream.nextChunk() { out += c }
        #expect(out == [0x61, 0xFF, 0x62, 0xE6, 0xA3, 0xAE, 0xFF, 0xFF, 0x63, 0xFF])
    }

    @Test func undecodableBytesAreMarkedNeverReplaced() throws {
        // GB18030 forced on bytes that end in half a character.
        let (text, _) = try decode([0xC9, 0xAD, 0xC1], forced: .gb18030)
        #expect(!text.contains("\u{FFFD}") || text.unicodeScalars.count == 2)
        let records = try tokenize(Array("a\n".utf8) + [0xC9, 0xAD, 0xFF] + Array("\n".utf8))
        #expect(records[1].issues.map(\.code) == [.undecodable])
        #expect(records[1].issues[0].message.hasPrefix("field contains bytes that are not valid UTF-8 (FF);"))
    }

    /// A field is checked again unless it has exactly the bytes of the last one checked in
    /// its column: the same length is not enough, nor the same bytes in another column.
    @Test(arguments: [1, 3, 1 << 20])
    func aFieldIsCheckedUnlessItRepeatsTheLastOne(_ chunkSize: Int) throws {
        let valid = Array("指标".utf8)
        var broken = valid
        broken[5] = 0xFF
        let comma = [UInt8(ascii: ",")], newline = [UInt8(ascii: "\n")]
        let rows: [[UInt8]] = [valid + comma + valid, valid + comma + valid, broken + comma + valid, valid + comma + broken, valid + comma + valid]
        let records = try tokenize(rows.flatMap { $0 + newline }, chunkSize: chunkSize)
        #expect(records.map { $0.issues.map(\.position.column) } == [[], [], [1], [4], []])
    }

    @Test func encodingNamesParse() {
        #expect(TextEncoding(name: "GBK") == .gb18030)
        #expect(TextEncoding(name: "utf8") == .utf8)
        #expect(TextEncoding(name: "UTF-16") == .utf16LE)
        #expect(TextEncoding(name: "latin1") == nil)
    }
}

@Suite struct CellParsingTests {
    @Test(arguments: [
        ("96.5", "96.5", false), ("96.5%", "96.5", true), ("９６．５", "96.5", false), ("９６．５％", "96.5", true),
        ("1,203", "1203", false), ("1 203", "1203", false), ("12,345,678.5", "12345678.5", false), (" 63.1 % ", "63.1", true), ("-0.1", "-0.1", false),
    ])
    func numbersAsPeopleTypeThem(_ raw: String, _ figure: String, _ percent: Bool) {
        #expect(CellParsing.value(raw) == .number(Figure(figure)!, percent: percent))
    }

    @Test(arguments: ["", "—", "-", "NA", "n/a", "…", "  ", "——"])
    func missingIsMissing(_ raw: String) {
        #expect(CellParsing.value(raw) == .missing)
    }

    @Test(arguments: [("达标", true), ("未达标", false), ("是", true), ("否", false), ("yes", true), ("NO", false), ("true", true), ("False", false)])
    func categories(_ raw: String, _ met: Bool) {
        #expect(CellParsing.value(raw) == .category(met))
    }

    @Test(arguments: ["abc", "1,20", "12,3456", "1e3", "0x10", "96.5%%", "1.2.3", "nan5"])
    func invalidIsNeverGuessed(_ raw: String) {
        #expect(CellParsing.value(raw) == .invalid)
    }

    @Test func years() {
        #expect(CellParsing.year("2015") == 2015)
        #expect(CellParsing.year("2015年") == 2015)
        #expect(CellParsing.year("２０１５") == 2015)
        #expect(CellParsing.year("1948") == nil)
        #expect(CellParsing.year("2101") == nil)
        #expect(CellParsing.year("15") == nil)
    }
}

@Suite struct PlainWordsTests {
    /// The word-at-a-time scan stops exactly where a byte-by-byte one would (at the
    /// first stop or control byte, or the last whole word), whatever follows that byte
    /// in its word: a borrow from a zero lane must not cut the run short.
    @Test func agreesWithAByteByByteScan() {
        var rng = SeededRandom(seed: 7)
        let alphabet: [UInt8] = [0x2C, 0x22, 0x0A, 0x0D, 0x09, 0x00, 0x01, 0x1F, 0x20, 0x21, 0x2B, 0x2D, 0x41, 0x7F, 0x80, 0xBF, 0xE4, 0xB8, 0xAD, 0xFF]
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in
                Int.random(in: 0..<3, using: &rng) == 0 ? alphabet.randomElement(using: &rng)! : [0x41, 0xE4, 0xB8, 0xAD, 0x30].randomElement(using: &rng)!
            }
            let from = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &rng)
            for stop in [UInt8(ascii: ","), UInt8(ascii: "\""), 0x09] {
                let got = bytes.withUnsafeBufferPointer { CSVTokenizer.plainWords($0, from: from, stop: UInt64(stop) &* 0x0101_0101_0101_0101) }
                let first = bytes[from...].firstIndex { $0 == stop || $0 < 0x20 } ?? bytes.count
                let end = min(first, from + (bytes.count - from) / 8 * 8)
                let run = bytes[from..<end]
                let expected = (run.count, run.filter { $0 & 0xC0 != 0x80 }.count, UInt8(run.contains { $0 >= 0x80 } ? 0x80 : 0))
                if got != expected, disagreements.count < 5 { disagreements.append("\(bytes) from \(from) stop \(stop): \(got) != \(expected)") }
            }
        }
        #expect(disagreements.isEmpty)
    }
}

@Suite struct LargeFileEncodingTests {
    /// A GB18030 file larger than the sniff window, with a two-byte character cut by the window's end.
    @Test(arguments: [0, 1])
    func gb18030IsDetectedWhateverTheWindowCuts(_ shift: Int) throws {
        var text = "指标,地区,年份,数值,来源\n" + String(repeating: "x", count: shift)
        while gb18030Bytes(text).count < TextDecoding.sniffBytes + 1000 {
            text += "\n森林覆盖率,江西,2015,63.1,江西省林业厅"
        }
        let bytes = gb18030Bytes(text + "\n")
        let detected = TextDecoding.detect(Array(bytes.prefix(TextDecoding.sniffBytes)), isWholeFile: false)
        #expect(detected == .gb18030)
    }
}

@Suite struct UTF8ValidationTests {
    /// The validator agrees with the standard library's on every lead byte, with
    /// the bytes after it at the edges of every range that matters.
    @Test func agreesWithTheStandardLibrary() {
        let edges: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xE4, 0xFF]
        var disagreements: [[UInt8]] = []
        for lead in 0x80...0xFF {
            for second in edges {
                for third in edges {
                    for fourth in edges {
                        let bytes: [UInt8] = [0x41, UInt8(lead), second, third, fourth]
                        let ours = bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) } == nil
                        let theirs = String(validating: bytes, as: UTF8.self) != nil
                        if ours != theirs, disagreements.count < 5 { disagreements.append(bytes) }
                    }
                }
            }
        }
        #expect(disagreements.isEmpty)
        // Cut short at the end of the field.
        for bytes: [UInt8] in [[0xE4], [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xC3]] {
            #expect(bytes.withUnsafeBufferPointer { firstInvalidUTF8($0) } == 0)
        }
    }
}

/// A simple line (whole in the chunk, no doubled quote, no control byte) is read
/// at once, past the state machine: it must give exactly the record the state
/// machine gives, and anything else must be left to it.
@Suite struct SimpleLineTests {
    struct Seen: Equatable {
        let line: Int
        let fields: [[UInt8]]
        let positions: [TextPosition]
        let issues: [SyntaxIssue]
        let isBlank: Bool
    }

    /// Every record read, into one record reused throughout, or (`fresh`) a new one each time.
    static func read(_ bytes: [UInt8], chunkSize: Int, delimiter: UInt8, limits: ReaderLimits, atOnce: Bool, fresh: Bool = false) throws -> [Seen] {
        let tokenizer = CSVTokenizer(reader: MemoryChunkReader(bytes, chunkSize: chunkSize), delimiter: delimiter, limits: limits)
        tokenizer.readsSimpleLines = atOnce
        var seen: [Seen] = []
        var record = CSVRecord()
        while try tokenizer.next(into: &record) {
            seen.append(Seen(line: record.line, fields: (0..<record.count).map { Array(record.storage[record.range($0)]) }, positions: record.positions, issues: record.issues, isBlank: record.isBlank))
            if fresh { record = CSVRecord() }
        }
        return seen
    }

    @Test(arguments: [UInt8(ascii: ","), 0x09])
    func givesWhatTheStateMachineGives(_ delimiter: UInt8) throws {
        var rng = SeededRandom(seed: 11)
        // Mostly plain rows, with every byte that matters now and then.
        let plain: [[UInt8]] = [Array("森林覆盖率".utf8), Array("360100".utf8), Array("63.1%".utf8), Array("县·一".utf8), [delimiter], Array("\"统计, 公报\"".utf8), [0x0A]]
        let odd: [[UInt8]] = [[0x22], [0x22, 0x22], [0x0D], [0x0D, 0x0A], [0x0A], [0x00], [0x09], [0x7F], [0xFF], [0xE4, 0xB8], [0xC2, 0x85], [0x20], [delimiter, delimiter]]
        let limits = [ReaderLimits.standard, ReaderLimits(maxRecordBytes: 12, maxFields: 3, maxJSONDepth: 8)]
        var disagreements: [String] = []
        for round in 0..<3_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30, using: &rng) {
                bytes += Int.random(in: 0..<5, using: &rng) == 0 ? odd.randomElement(using: &rng)! : plain.randomElement(using: &rng)!
            }
            let chunkSize = [1 << 20, 7, 64][round % 3]
            let limit = limits[round % 7 == 0 ? 1 : 0]
            // The state machine into a new record each time: nothing left from a longer record before can show.
            let slow = try Self.read(bytes, chunkSize: chunkSize, delimiter: delimiter, limits: limit, atOnce: false, fresh: true)
            let fast = try Self.read(bytes, chunkSize: chunkSize, delimiter: delimiter, limits: limit, atOnce: true)
            if fast != slow, disagreements.count < 3 { disagreements.append("\(String(decoding: bytes, as: UTF8.self).debugDescription) in chunks of \(chunkSize)") }
        }
        #expect(disagreements.isEmpty)
    }

    /// The line path is taken (the test above would pass with it never taken).
    @Test func simpleLinesAreReadAtOnce() throws {
        let tokenizer = CSVTokenizer(reader: MemoryChunkReader(Array("a,\"b, c\",中\r\nd,e,f\n".utf8)))
        var record = CSVRecord()
        #expect(try tokenizer.next(into: &record))
        #expect(record.fields == ["a", "b, c", "中"])
        #expect(record.positions == [TextPosition(line: 1, column: 1), TextPosition(line: 1, column: 3), TextPosition(line: 1, column: 10)])
        // Taken whole from the chunk, not through the state machine's field by field.
        #expect(tokenizer.simpleLinesRead == 1)
    }

    /// How far through its input a tokenizer is: the bytes of the records taken, across
    /// chunk ends, on either path (a quoted line break goes through the state machine).
    @Test func progressCountsTheBytesTaken() throws {
        let text = "a,b\n\"x\ny\",中\nlast,1\n"
        for chunkSize in [1, 3, 1 << 20] {
            let tokenizer = CSVTokenizer(reader: MemoryChunkReader(Array(text.utf8), chunkSize: chunkSize))
            var record = CSVRecord()
            var taken: [Int] = []
            while try tokenizer.next(into: &record) { taken.append(tokenizer.progress.taken) }
            #expect(taken == [4, 14, 21], "chunk \(chunkSize)")
            #expect(tokenizer.progress.expected == nil)
        }
    }
}
