import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The encodings people send: what Excel and WPS write on Chinese Windows
/// (GB18030/GBK), "Unicode text" (UTF-16 with BOM), and UTF-8 with or without BOM.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf8BOM = "utf-8-bom"
    case gb18030 = "gb18030"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"

    /// Parses an `--encoding` value; GBK and GB2312 are read as GB18030, their superset.
    public init?(name: String) {
        switch normalizedKey(name).replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "utf-8-bom", "utf8-bom", "utf-8-sig", "utf8bom": self = .utf8BOM
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        case "utf-16", "utf16", "utf-16le", "utf16le": self = .utf16LE
        case "utf-16be", "utf16be": self = .utf16BE
        default: return nil
        }
    }

    public static var names: [String] { ["utf-8", "gb18030", "gbk", "utf-16le", "utf-16be"] }

    var iconvName: String? {
        switch self {
        case .utf8, .utf8BOM: nil
        case .gb18030: "GB18030"
        case .utf16LE: "UTF-16LE"
        case .utf16BE: "UTF-16BE"
        }
    }
}

/// Turns a raw byte stream into UTF-8: detects (or is told) the encoding,
/// strips a BOM, transcodes through iconv. A byte sequence that is not valid in
/// the encoding becomes 0xFF, which is never valid UTF-8, so the CSV and JSON
/// layers report it with its exact line and column instead of hiding it as U+FFFD.
public enum TextDecoding {
    /// How many bytes are sniffed before the encoding is decided.
    static let sniffBytes = 64 * 1024

    public static func utf8Stream(from raw: ChunkReader, encoding forced: TextEncoding?) throws -> (ChunkReader, TextEncoding) {
        var head: [[UInt8]] = []
        var sniffed: [UInt8] = []
        var ended = false
        while sniffed.count < sniffBytes {
            guard let chunk = try raw.nextChunk() else {
                ended = true
                break
            }
            head.append(chunk)
            sniffed += chunk.prefix(sniffBytes - sniffed.count)
        }
        let encoding = forced ?? detect(sniffed, isWholeFile: ended)
        var stream: ChunkReader = PrefixedChunkReader(prefix: head, rest: raw)
        let bom: [UInt8]
        switch encoding {
        case .utf8, .utf8BOM: bom = [0xEF, 0xBB, 0xBF]
        case .utf16LE: bom = [0xFF, 0xFE]
        case .utf16BE: bom = [0xFE, 0xFF]
        case .gb18030: bom = []
        }
        let hasBOM = !bom.isEmpty && sniffed.starts(with: bom)
        if hasBOM { stream = SkippingChunkReader(stream, count: bom.count) }
        let reported: TextEncoding = (encoding == .utf8 && hasBOM) ? .utf8BOM : encoding
        if let name = encoding.iconvName {
            stream = try IconvChunkReader(upstream: stream, from: name)
        }
        return (stream, reported)
    }

    /// The encoding a file's first bytes say it is in.
    public static func detect(_ bytes: [UInt8], isWholeFile: Bool) -> TextEncoding {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8BOM }
        if bytes.starts(with: [0xFF, 0xFE]) { return .utf16LE }
        if bytes.starts(with: [0xFE, 0xFF]) { return .utf16BE }
        // UTF-16 without a BOM: ASCII text leaves every other byte zero.
        if bytes.count >= 4 {
            let sample = bytes.prefix(512)
            var zeroEven = 0
            var zeroOdd = 0
            for (i, b) in sample.enumerated() where b == 0 {
                if i % 2 == 0 { zeroEven += 1 } else { zeroOdd += 1 }
            }
            let half = sample.count / 2
            if zeroOdd * 10 >= half * 4, zeroEven * 10 < half { return .utf16LE }
            if zeroEven * 10 >= half * 4, zeroOdd * 10 < half { return .utf16BE }
        }
        if isValidUTF8(bytes, allowTruncatedEnd: !isWholeFile) { return .utf8 }
        // Mostly valid UTF-8 with a few bad bytes is UTF-8 with errors (reported where they are),
        // not GB18030: nearly any byte pairs decode as GB18030, which would hide them as mojibake.
        let (valid, invalid) = utf8Evidence(bytes)
        if valid > 0, valid >= invalid { return .utf8 }
        if decodesAsGB18030(bytes, allowTruncatedEnd: !isWholeFile) { return .gb18030 }
        return .utf8
    }

    /// Counts well-formed multi-byte UTF-8 sequences and runs of bytes that start no valid sequence.
    static func utf8Evidence(_ bytes: [UInt8]) -> (valid: Int, invalid: Int) {
        bytes.withUnsafeBufferPointer { b in
            var valid = 0
            var invalid = 0
            var i = 0
            while i < b.count {
                guard let bad = firstInvalidUTF8(b, from: i) else {
                    valid += b[i...].count { $0 >= 0xC2 && $0 <= 0xF4 }
                    break
                }
                valid += b[i..<bad].count { $0 >= 0xC2 && $0 <= 0xF4 }
                if bad > i || invalid == 0 { invalid += 1 }  // a run of bad bytes counts once
                i = bad + 1
            }
            return (valid, invalid)
        }
    }

    static func isValidUTF8(_ bytes: [UInt8], allowTruncatedEnd: Bool) -> Bool {
        var slice = bytes[...]
        if allowTruncatedEnd {
            // Drop an incomplete sequence cut by the sniff window.
            var back = 0
            var i = slice.endIndex
            while i > slice.startIndex, back < 4 {
                i -= 1
                back += 1
                let b = slice[i]
                if b & 0xC0 != 0x80 {
                    let need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                    if need > back { slice = slice[..<i] }
                    break
                }
            }
        }
        return String(validating: slice, as: UTF8.self) != nil
    }

    static func decodesAsGB18030(_ bytes: [UInt8], allowTruncatedEnd: Bool) -> Bool {
        guard let reader = try? IconvChunkReader(upstream: MemoryChunkReader(bytes), from: "GB18030") else { return false }
        reader.truncatedEndIsError = !allowTruncatedEnd
        while let chunk = try? reader.nextChunk() {
            if chunk.contains(0xFF) { return false }
        }
        return reader.invalidSequences == 0
    }
}

/// Skips the first `count` bytes of a stream (a BOM).
final class SkippingChunkReader: ChunkReader {
    private let upstream: ChunkReader
    private var remaining: Int

    init(_ upstream: ChunkReader, count: Int) {
        self.upstream = upstream
        remaining = count
    }

    func nextChunk() throws -> [UInt8]? {
        while let chunk = try upstream.nextChunk() {
            if remaining == 0 { return chunk }
            let skip = min(remaining, chunk.count)
            remaining -= skip
            if skip < chunk.count { return Array(chunk[skip...]) }
        }
        return nil
    }

    var expectedBytes: Int? { upstream.expectedBytes }

    /// Once the skipped bytes are behind, the upstream's own way (a file's: straight into the array).
    func bytes(after prefix: [UInt8], more count: Int) throws -> (bytes: [UInt8], atEnd: Bool) {
        remaining == 0 ? try upstream.bytes(after: prefix, more: count) : try bytesByChunks(after: prefix, more: count)
    }
}

/// Transcodes a stream to UTF-8 with the C library's iconv, chunk by chunk,
/// carrying a sequence split across chunks over to the next one.
final class IconvChunkReader: ChunkReader {
    private let upstream: ChunkReader
    private let converter: iconv_t
    private var carry: [UInt8] = []
    private var ended = false
    /// Count of byte sequences that were not valid in the source encoding.
    private(set) var invalidSequences = 0
    /// Whether a sequence cut off by the end of the stream counts as invalid.
    var truncatedEndIsError = true

    /// Bytes skipped past an invalid sequence: one for GB18030, a code unit for UTF-16.
    private let invalidStep: Int

    /// What iconv makes of each two-byte GB18030 sequence, for a GB18030 stream.
    private let pairs: GB18030Pairs?
    /// Chunks of at least this many bytes take the table (it costs a few milliseconds once:
    /// a sniffed prefix is not worth it).
    var pairsFrom = 1 << 16

    init(upstream: ChunkReader, from encoding: String) throws {
        self.upstream = upstream
        invalidStep = encoding.hasPrefix("UTF-16") ? 2 : 1
        pairs = encoding == "GB18030" ? GB18030Pairs.shared : nil
        guard let cd = iconv_open("UTF-8", encoding), cd != iconv_t(bitPattern: -1) else {
            throw ReadFailure(path: "", reason: "this system cannot convert from \(encoding)")
        }
        converter = cd
    }

    deinit { iconv_close(converter) }

    func nextChunk() throws -> [UInt8]? {
        if ended, carry.isEmpty { return nil }
        var input: [UInt8]
        if !ended, let chunk = try upstream.nextChunk() {
            input = carry.isEmpty ? chunk : carry + chunk
            carry = []
        } else {
            ended = true
            if carry.isEmpty { return nil }
            input = carry
            carry = []
        }
        // Converted straight into the output's storage. Twice the input and a little is
        // always room enough: no source character takes more than twice its bytes in
        // UTF-8, and a byte marking an invalid sequence stands for at least one byte.
        // A large GB18030 chunk takes its ASCII and two-byte characters from the table of what iconv makes of them.
        let pairs = input.count >= pairsFrom ? self.pairs?.table : nil
        let output = [UInt8](unsafeUninitializedCapacity: input.count * 2 + 16) { out, written in
            var offset = 0
            /// The next call to iconv takes all the rest (as without the table).
            var wholeRest = pairs == nil
            while offset < input.count {
                if let pairs, !wholeRest {
                    GB18030Pairs.convert(input, from: &offset, into: out, &written, pairs)
                    if offset >= input.count { break }
                }
                // iconv for the rest, or (with the table) for the one sequence the table does not
                // hold: at most four bytes, the longest GB18030 sequence.
                let window = wholeRest ? input.count - offset : min(4, input.count - offset)
                var consumed = 0
                var failure: Int32 = 0
                input.withUnsafeMutableBufferPointer { inBuf in
                    var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress! + offset).assumingMemoryBound(to: CChar.self)
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out.baseAddress! + written).assumingMemoryBound(to: CChar.self)
                    var inLeft = window
                    var outLeft = out.count - written
                    let result = iconv(converter, &inPtr, &inLeft, &outPtr, &outLeft)
                    if result == -1 { failure = errno }
                    consumed = window - inLeft
                    written = out.count - outLeft
                }
                offset += consumed
                switch failure {
                case 0:
                    break
                case EINVAL where offset + (window - consumed) < input.count:
                    // The window, not the input, cut a sequence: it starts the next window, or (if it
                    // started this one, which no GB18030 sequence can) iconv takes all the rest.
                    if consumed == 0 { wholeRest = true }
                case EINVAL where !ended:
                    // An incomplete sequence at the end of this chunk: it ends in the next.
                    carry = Array(input[offset...])
                    offset = input.count
                case EINVAL:
                    // Cut off by the end of the input: invalid in a file, expected in a sniffed prefix.
                    if truncatedEndIsError {
                        invalidSequences += 1
                        out[written] = 0xFF
                        written += 1
                    }
                    offset = input.count
                case E2BIG:
                    // Not expected (see above); the rest waits for the next call rather than be lost.
                    carry = Array(input[offset...])
                    offset = input.count
                default:
                    // EILSEQ: not valid in the source encoding. Mark it and move on.
                    invalidSequences += 1
                    out[written] = 0xFF
                    written += 1
                    offset = min(input.count, offset + invalidStep)
                }
            }
        }
        if output.isEmpty, !ended { return try nextChunk() }
        return output
    }
}

/// What iconv makes of every two-byte GB18030 sequence (a lead byte 0x81–0xFE and a
/// trail 0x40–0xFE), asked of iconv once per process: the UTF-8 of each one that
/// converts, packed with its length, and 0 for the rest. A Chinese file is nearly all
/// ASCII and such pairs, which the table converts several times faster than a call to
/// iconv; everything else (four-byte sequences, invalid bytes) still goes to iconv, so
/// the text is the same.
final class GB18030Pairs: Sendable {
    static let shared = GB18030Pairs()

    /// By `(lead − 0x81) × 191 + (trail − 0x40)`: the UTF-8 bytes, first in the low byte,
    /// and their count in the top byte.
    let table: [UInt32]

    private init() {
        var table = [UInt32](repeating: 0, count: 126 * 191)
        if let cd = iconv_open("UTF-8", "GB18030"), cd != iconv_t(bitPattern: -1) {
            defer { iconv_close(cd) }
            var pair: [CChar] = [0, 0]
            var utf8 = [CChar](repeating: 0, count: 8)
            for lead in 0x81...0xFE {
                for trail in 0x40...0xFE {
                    pair[0] = CChar(bitPattern: UInt8(lead))
                    pair[1] = CChar(bitPattern: UInt8(trail))
                    pair.withUnsafeMutableBufferPointer { p in
                        utf8.withUnsafeMutableBufferPointer { u in
                            var inPtr: UnsafeMutablePointer<CChar>? = p.baseAddress
                            var outPtr: UnsafeMutablePointer<CChar>? = u.baseAddress
                            var inLeft = 2
                            var outLeft = 8
                            // iconv(cd, nil, ...) first: nothing carried from the pair before.
                            _ = iconv(cd, nil, nil, nil, nil)
                            guard iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1, inLeft == 0 else { return }
                            let count = 8 - outLeft
                            guard (1...3).contains(count) else { return }
                            var packed = UInt32(count) << 24
                            for k in 0..<count { packed |= UInt32(UInt8(bitPattern: u[k])) << (8 * UInt32(k)) }
                            table[(lead - 0x81) * 191 + (trail - 0x40)] = packed
                        }
                    }
                }
            }
        }
        self.table = table
    }

    /// Converts `input` from `offset` into `out` after its first `written` bytes while each
    /// byte is ASCII or starts a pair in the table; stops at anything else, or a lead byte
    /// last in the input (its trail may come in the next chunk).
    @inline(__always)
    static func convert(_ input: [UInt8], from offset: inout Int, into out: UnsafeMutableBufferPointer<UInt8>, _ written: inout Int, _ table: [UInt32]) {
        input.withUnsafeBufferPointer { src in
            table.withUnsafeBufferPointer { table in
                let n = src.count
                var i = offset
                var w = written
                while i < n {
                    let b = src[i]
                    if b < 0x80 {
                        out[w] = b
                        w += 1
                        i += 1
                        continue
                    }
                    guard b >= 0x81, b <= 0xFE, i + 1 < n else { break }
                    let t = src[i + 1]
                    guard t >= 0x40, t <= 0xFE else { break }
                    let e = table[Int(b &- 0x81) * 191 + Int(t &- 0x40)]
                    guard e != 0 else { break }
                    let count = Int(e >> 24)
                    out[w] = UInt8(truncatingIfNeeded: e)
                    if count > 1 { out[w + 1] = UInt8(truncatingIfNeeded: e >> 8) }
                    if count > 2 { out[w + 2] = UInt8(truncatingIfNeeded: e >> 16) }
                    w += count
                    i += 2
                }
                offset = i
                written = w
            }
        }
    }
}
