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

private func isUnsafe(_ s: Unicode.Scalar) -> Bool {
    let v = s.value
    return v < 0x20 || (v >= 0x7F && v <= 0x9F) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
}
