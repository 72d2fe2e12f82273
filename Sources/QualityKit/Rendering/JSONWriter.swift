/// Writes pretty JSON as it goes: the one JSON style of every command.
///
/// Two-space indent and `"key" : value`, as Foundation's pretty printer lays
/// it out, so files written before and after read the same; keys go out in
/// the order given, and every caller gives them sorted. Unlike an encoder it
/// holds no tree: a report on millions of values streams out in pieces
/// (`take()`), in bounded memory.
///
/// Strings escape `"`, `\` and the C0 controls as JSON requires, and also the
/// C1 controls and bidirectional overrides (`\u009b`, `\u202e`), so JSON shown
/// on a terminal can never drive it. Published figures are written as
/// published (`81.30` stays `81.30`).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Elements written so far in each open container, innermost last.
    private var counts: [Int] = []
    /// A key was just written: the next value belongs to it.
    private var afterKey = false

    init() { bytes.reserveCapacity(1 << 16) }

    /// A writer for a run of elements inside an array already open at `depth`
    /// (1 = the top-level container), in another writer: pieces written on
    /// two cores join into the same text.
    /// `reusing` lends its capacity (a piece of a stream already handed on).
    init(elementsOfArrayAtDepth depth: Int, following: Bool, reusing buffer: [UInt8] = []) {
        self.init()
        if buffer.capacity > bytes.capacity {
            bytes = buffer
            bytes.removeAll(keepingCapacity: true)
        }
        counts = Array(repeating: 1, count: depth - 1) + [following ? 1 : 0]
    }

    /// A writer for the keys or elements that follow others in a container open
    /// at `depth`: its bytes can be spliced (`splice`) into any writer standing at
    /// that depth after some element, and read exactly as if written there.
    init(followingElementsAtDepth depth: Int) {
        self.init()
        counts = Array(repeating: 1, count: depth)
    }

    /// How many containers are open.
    var depth: Int { counts.count }

    /// Appends the bytes of `elements` elements written by a writer made with
    /// `init(followingElementsAtDepth: depth)`, at that depth, after some element.
    mutating func splice(_ fragment: [UInt8], elements: Int) {
        precondition(!afterKey && counts.last.map { $0 > 0 } == true, "a fragment follows an element, never a key or a container's opening")
        bytes.append(contentsOf: fragment)
        counts[counts.count - 1] += elements
    }

    /// The finished text, with the trailing newline every command prints.
    var text: String {
        String(decoding: bytes, as: UTF8.self) + "\n"
    }

    /// The bytes written so far, leaving the writer empty but in place, for
    /// streaming a large document out in pieces.
    mutating func take() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    /// The finished bytes, with the trailing newline every command prints.
    mutating func takeFinished() -> [UInt8] {
        bytes.append(0x0A)
        return take()
    }

    // MARK: Containers

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A key the program names: plain ASCII, written as it is.
    mutating func key(_ name: StaticString) {
        element()
        bytes.append(UInt8(ascii: "\""))
        append(name)
        append("\" : ")
        afterKey = true
    }

    /// A key taken from data, escaped as any string.
    mutating func key(text name: String) {
        element()
        writeString(name)
        append(" : ")
        afterKey = true
    }

    // MARK: Values

    mutating func string(_ value: String) {
        startValue()
        writeString(value)
    }

    mutating func int(_ value: Int) {
        startValue()
        appendDigits(value)
    }

    mutating func bool(_ value: Bool) {
        startValue()
        append(value ? "true" : "false")
    }

    mutating func null() {
        startValue()
        append("null")
    }

    /// A published figure, exactly as written in the source.
    mutating func figure(_ value: Figure) {
        startValue()
        // Digits straight into the bytes, as `description` spells them; a scale too
        // long for the buffer (never in a published figure) goes the long way.
        guard value.scale >= 0, value.scale < 19 else { return bytes.append(contentsOf: value.description.utf8) }
        if value.mantissa < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.mantissa.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { d in
            var count = 0
            // At least one digit before the point.
            while magnitude > 0 || count <= value.scale {
                d[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            let point = 24 - value.scale
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - count)..<point]))
            if value.scale > 0 {
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[point...]))
            }
        }
    }

    /// A derived number rounded to `places` by the one rounding rule
    /// (`formatDerived`), trailing zeros dropped; null when not finite.
    mutating func derived(_ value: Double, places: Int) {
        guard value.isFinite else { return null() }
        startValue()
        var text = Array(formatDerived(value, places: places).utf8)
        if text.contains(UInt8(ascii: ".")), !text.contains(UInt8(ascii: "e")) {
            while text.last == UInt8(ascii: "0") { text.removeLast() }
            if text.last == UInt8(ascii: ".") { text.removeLast() }
            if text == Array("-0".utf8) { text = [UInt8(ascii: "0")] }
        }
        bytes.append(contentsOf: text)
    }

    // Optionals, for the many `null`-when-absent fields.
    mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    mutating func int(_ value: Int?) { if let value { int(value) } else { null() } }
    mutating func figure(_ value: Figure?) { if let value { figure(value) } else { null() } }
    mutating func derived(_ value: Double?, places: Int) { if let value { derived(value, places: places) } else { null() } }

    /// Named counts, as an object with its keys sorted.
    mutating func counts(_ values: [String: Int]) {
        beginObject()
        for (name, n) in values.sorted(by: { $0.key < $1.key }) {
            key(text: name)
            int(n)
        }
        endObject()
    }

    // MARK: Layout

    private mutating func open(_ bracket: UInt8) {
        startValue()
        bytes.append(bracket)
        bytes.append(0x0A)
        counts.append(0)
    }

    private mutating func close(_ bracket: UInt8) {
        counts.removeLast()
        bytes.append(0x0A)
        indent(counts.count)
        bytes.append(bracket)
    }

    private mutating func startValue() {
        if afterKey { afterKey = false } else { element() }
    }

    /// Separates and indents a new element of the innermost container.
    private mutating func element() {
        guard let n = counts.last else { return }
        if n > 0 {
            bytes.append(UInt8(ascii: ","))
            bytes.append(0x0A)
        }
        counts[counts.count - 1] = n + 1
        indent(counts.count)
    }

    private mutating func indent(_ depth: Int) {
        let spaces: StaticString = "                                                                "
        var n = depth * 2
        spaces.withUTF8Buffer { all in
            while n > 0 {
                let run = min(n, all.count)
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: all[0..<run]))
                n -= run
            }
        }
    }

    private mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Decimal digits, written straight into the bytes (no string in between).
    private mutating func appendDigits(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: d[(20 - count)...])
        }
    }

    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape and are copied whole. A lead byte 0xC2
        // or 0xE2 may start a C1 control or a bidi override: look closer.
        var value = value
        let plain = value.withUTF8 { utf8 -> Bool in
            for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0x7F || b == 0xC2 || b == 0xE2 { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if !plain {
            for scalar in value.unicodeScalars { writeEscaped(scalar) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func writeEscaped(_ scalar: Unicode.Scalar) {
        let v = scalar.value
        switch v {
        case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
        case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u")])
            for shift in [12, 8, 4, 0] { bytes.append(hex[Int((v >> UInt32(shift)) & 0xF)]) }
        default:
            bytes.append(contentsOf: String(scalar).utf8)
        }
    }
}
