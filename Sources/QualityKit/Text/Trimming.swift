/// Trimming white space, as Foundation's `trimmingCharacters(in:)` does with
/// `.whitespaces` and `.whitespacesAndNewlines` (scalar by scalar), without its
/// cost on Linux, where every call goes through NSString: a quarter of the time
/// of `report --province jiangxi` went there.
extension Unicode.Scalar {
    /// `CharacterSet.whitespaces`: the space separators (Unicode category Zs), tab, and
    /// (as Foundation has it) the zero-width space.
    var isSpaceOrTab: Bool {
        switch value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `CharacterSet.whitespacesAndNewlines`: those, LF to CR, NEL, and the line and paragraph separators.
    var isSpaceOrNewline: Bool {
        isSpaceOrTab || (0x0A...0x0D).contains(value) || value == 0x85 || value == 0x2028 || value == 0x2029
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs (and line breaks, with `newlines`).
    func trimmed(newlines: Bool = true) -> String {
        let blank: (Unicode.Scalar) -> Bool = newlines ? { $0.isSpaceOrNewline } : { $0.isSpaceOrTab }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !blank($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !blank($0) })!
        if first == scalars.startIndex, last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }

    /// True when nothing is left after trimming spaces and tabs.
    var isBlank: Bool { unicodeScalars.allSatisfy(\.isSpaceOrTab) }
}
