extension Array {
    /// Empties the array and keeps its memory, for one reused row after row.
    /// `removeAll(keepingCapacity: true)` goes through the generic `replaceSubrange`,
    /// about seventy instructions however short the array; a row holds a few elements,
    /// and taking them off the end costs a handful each.
    @inline(__always)
    mutating func empty() {
        while !isEmpty { removeLast() }
    }
}
