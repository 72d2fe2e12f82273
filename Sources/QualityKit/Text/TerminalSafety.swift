/// Text from data files made safe to print: C0 and C1 control characters
/// (ESC, BEL, CR, …) and the bidi overrides are shown as `\u{1B}` escapes,
/// so a data file can never move the cursor, recolour or retitle a terminal.
/// Tab and newline are escaped too: every printed field stays on its line.
public func escapingControls(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        if isUnsafe(scalar) {
            out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// `escapingControls`, but a line feed standing alone stays: a table cell's line break.
/// (A CR, alone or before a LF, is escaped with it.)
func escapingControlsExceptLineBreaks(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: { $0 != "\n" && isUnsafe($0) }) else { return s }
    return s.split(separator: "\n", omittingEmptySubsequences: false).map { escapingControls(String($0)) }.joined(separator: "\n")
}

private func isUnsafe(_ s: Unicode.Scalar) -> Bool {
    let v = s.value
    return v < 0x20 || (v >= 0x7F && v <= 0x9F) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
}

/// The first character at or after `from` in `utf8` that a terminal must not
/// see raw (C0, DEL, C1, bidi controls) or that is one of the ASCII bytes `a`
/// and `b` (a quote, a delimiter): its offset, length in bytes and scalar; nil if none.
/// Eight bytes at a time while none of them could start one; then byte by byte
/// through the word that could, where only a lead byte 0xC2 or 0xE2 (C1 controls
/// and bidi overrides, but far more often `·` and `—`) needs a look at what follows.
@inline(__always)
func nextUnsafeCharacter(_ utf8: UnsafeBufferPointer<UInt8>, from: Int, or a: UInt8, _ b: UInt8) -> (at: Int, length: Int, scalar: UInt32)? {
    let n = utf8.count
    guard let base = utf8.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    let ones: UInt64 = 0x0101_0101_0101_0101, highBits: UInt64 = 0x8080_8080_8080_8080
    /// The lanes of `w` equal to `byte` (and maybe lanes above one that is) have their high bit set.
    @inline(__always) func lanes(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        let x = w ^ (UInt64(byte) &* ones)
        return (x &- ones) & ~x & highBits
    }
    var i = from
    while true {
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let below20 = (w &- 0x2020_2020_2020_2020) & ~w & highBits
            if below20 | lanes(w, 0x7F) | lanes(w, a) | lanes(w, b) | lanes(w, 0xC2) | lanes(w, 0xE2) != 0 { break }
            i += 8
        }
        let wordEnd = min(n, i + 8)
        while i < wordEnd {
            let c = utf8[i]
            if c < 0x20 || c == 0x7F || c == a || c == b { return (i, 1, UInt32(c)) }
            if c == 0xC2, i + 1 < n, (0x80...0x9F).contains(utf8[i + 1]) { return (i, 2, UInt32(utf8[i + 1])) }
            if c == 0xE2, i + 2 < n {
                let (c1, c2) = (utf8[i + 1], utf8[i + 2])
                if (c1 == 0x80 && (0xAA...0xAE).contains(c2)) || (c1 == 0x81 && (0xA6...0xA9).contains(c2)) {
                    return (i, 3, 0x2000 | UInt32(c1 & 0x3F) << 6 | UInt32(c2 & 0x3F))
                }
            }
            i += 1
        }
        if i >= n { return nil }
    }
}
