import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A stream of byte chunks; `nil` at the end. Readers never hold a whole file.
public protocol ChunkReader: AnyObject {
    func nextChunk() throws -> [UInt8]?
    /// `prefix` followed by at least the next `count` bytes (fewer only at the end), as one
    /// array, and whether the input has ended. A file is read straight into the array.
    func bytes(after prefix: [UInt8], more count: Int) throws -> (bytes: [UInt8], atEnd: Bool)
    /// How many bytes the whole input holds, when that is known ahead (a regular file):
    /// a hint for sizing what grows with the input, never a limit.
    var expectedBytes: Int? { get }
}

extension ChunkReader {
    public var expectedBytes: Int? { nil }

    public func bytes(after prefix: [UInt8], more count: Int) throws -> (bytes: [UInt8], atEnd: Bool) {
        try bytesByChunks(after: prefix, more: count)
    }

    /// `bytes(after:more:)` chunk by chunk, each copied on: the last may bring more than `count`.
    func bytesByChunks(after prefix: [UInt8], more count: Int) throws -> (bytes: [UInt8], atEnd: Bool) {
        var bytes = prefix
        let wanted = prefix.count + count
        while bytes.count < wanted {
            guard let chunk = try nextChunk() else { return (bytes, true) }
            bytes += chunk
        }
        return (bytes, false)
    }
}

/// A failure to read bytes at all (as opposed to bytes that are wrong).
public struct ReadFailure: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "cannot read '\(path)': \(reason)" }
}

/// Reads a file descriptor in fixed-size chunks.
public final class FileChunkReader: ChunkReader {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let chunkSize: Int
    private let path: String
    private var finished = false
    public private(set) var expectedBytes: Int?

    /// Opens `path`, or standard input for `-`.
    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        self.chunkSize = chunkSize
        if path == "-" {
            fd = 0
            ownsDescriptor = false
            return
        }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw ReadFailure(path: path, reason: "it is a directory")
        }
        let opened = open(path, O_RDONLY)
        if opened < 0 {
            throw ReadFailure(path: path, reason: String(cString: strerror(errno)).lowercased())
        }
        fd = opened
        ownsDescriptor = true
        // The file opened, not the path looked at above (it may have been replaced since).
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { expectedBytes = Int(info.st_size) }
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// True for a regular file, which can be read again from the start (not standard input, a pipe or a device).
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return path != "-" && stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    public func bytes(after prefix: [UInt8], more count: Int) throws -> (bytes: [UInt8], atEnd: Bool) {
        if finished || count <= 0 { return (prefix, finished) }
        let bytes = try [UInt8](unsafeUninitializedCapacity: prefix.count + count) { raw, filled in
            prefix.withUnsafeBufferPointer { p in
                if let source = p.baseAddress { raw.baseAddress!.initialize(from: source, count: p.count) }
            }
            filled = prefix.count
            try readFully(into: raw, &filled)
        }
        return (bytes, finished)
    }

    /// Reads into `raw` after its first `filled` bytes until it is full or the input ends.
    private func readFully(into raw: UnsafeMutableBufferPointer<UInt8>, _ filled: inout Int) throws {
        while filled < raw.count {
            let n = read(fd, raw.baseAddress! + filled, raw.count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadFailure(path: path, reason: String(cString: strerror(errno)).lowercased())
            }
            if n == 0 {
                finished = true
                return
            }
            filled += n
        }
    }

    public func nextChunk() throws -> [UInt8]? {
        if finished { return nil }
        // Read straight into the array's storage: zero-filling a megabyte first would cost as much as reading it.
        let chunk = try [UInt8](unsafeUninitializedCapacity: chunkSize) { raw, count in
            count = 0
            try readFully(into: raw, &count)
        }
        return chunk.isEmpty ? nil : chunk
    }
}

/// Bytes already in memory, handed out in chunks (small chunks test boundaries).
public final class MemoryChunkReader: ChunkReader {
    private let bytes: [UInt8]
    private let chunkSize: Int
    private var offset = 0

    public init(_ bytes: [UInt8], chunkSize: Int = 1 << 20) {
        self.bytes = bytes
        self.chunkSize = max(1, chunkSize)
    }

    public convenience init(_ text: String, chunkSize: Int = 1 << 20) {
        self.init(Array(text.utf8), chunkSize: chunkSize)
    }

    public func nextChunk() throws -> [UInt8]? {
        guard offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + chunkSize)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// Serves chunks that were read ahead (for sniffing) before the rest of the stream.
final class PrefixedChunkReader: ChunkReader {
    private var pending: [[UInt8]]
    private let rest: ChunkReader

    init(prefix: [[UInt8]], rest: ChunkReader) {
        pending = prefix.reversed()
        self.rest = rest
    }

    func nextChunk() throws -> [UInt8]? {
        if let chunk = pending.popLast() { return chunk }
        return try rest.nextChunk()
    }

    /// The chunks read ahead are the input's first bytes: the rest's count is the whole.
    var expectedBytes: Int? { rest.expectedBytes }

    /// The chunks read ahead, then the rest's own way (a file's: straight into the array).
    func bytes(after prefix: [UInt8], more count: Int) throws -> (bytes: [UInt8], atEnd: Bool) {
        var bytes = prefix
        let wanted = prefix.count + count
        while bytes.count < wanted, let chunk = pending.popLast() { bytes += chunk }
        if bytes.count >= wanted { return (bytes, false) }
        return try rest.bytes(after: bytes, more: wanted - bytes.count)
    }
}
