import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Everything a command may touch outside itself: output sinks, environment,
/// whether the streams are terminals, and file access. Tests run every command
/// in-process with a context that captures output.
public struct CLIContext: Sendable {
    public enum Stream: Sendable { case stdout, stderr }

    public var environment: [String: String]
    public var stdoutIsTerminal: Bool
    public var stderrIsTerminal: Bool
    public var write: @Sendable (Stream, String) -> Void
    /// Writes UTF-8 bytes to a stream as they are (a large streamed report); by default, as text through `write`.
    /// The buffer is valid only during the call: a sink that keeps the bytes copies them.
    public var writeData: @Sendable (Stream, UnsafeBufferPointer<UInt8>) -> Void
    /// Opens a file (or `-` for standard input) as a chunk stream.
    public var open: @Sendable (String) throws -> ChunkReader
    /// True when `open` can open the path again and get the same bytes (a regular file).
    public var canReopen: @Sendable (String) -> Bool
    /// The measurement files under a path that is a directory; nil for any other path.
    public var listDirectory: @Sendable (String) -> DirectoryListing?
    /// Writes a whole file (for `--output` and the GitHub step summary).
    public var writeFile: @Sendable (String, String, Bool) throws -> Void
    /// Writes a file's bytes exactly, appending when asked (for `convert` in another
    /// encoding, and a streamed report's pieces, which are written from where they lie:
    /// never made text again, never copied). The buffer is valid only during the call.
    public var writeBytes: @Sendable (String, UnsafeBufferPointer<UInt8>, Bool) throws -> Void
    /// Takes what a command read and no longer needs, to be freed by the process's exit
    /// rather than object by object (millions of them, after a large table: a quarter of
    /// a second). Tests keep the default, which lets go at once.
    public var keepUntilExit: @Sendable (any Sendable) -> Void

    public init(
        environment: [String: String],
        stdoutIsTerminal: Bool = false,
        stderrIsTerminal: Bool = false,
        write: @escaping @Sendable (Stream, String) -> Void,
        writeData: (@Sendable (Stream, UnsafeBufferPointer<UInt8>) -> Void)? = nil,
        open: @escaping @Sendable (String) throws -> ChunkReader = { try FileChunkReader(path: $0) },
        canReopen: @escaping @Sendable (String) -> Bool = FileChunkReader.isRegularFile,
        listDirectory: @escaping @Sendable (String) -> DirectoryListing? = { DirectoryListing.of($0) },
        writeFile: @escaping @Sendable (String, String, Bool) throws -> Void = CLIContext.writeToDisk,
        writeBytes: @escaping @Sendable (String, UnsafeBufferPointer<UInt8>, Bool) throws -> Void = CLIContext.writeToDisk,
        keepUntilExit: @escaping @Sendable (any Sendable) -> Void = { _ in }
    ) {
        self.environment = environment
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.write = write
        self.writeData = writeData ?? { stream, bytes in write(stream, String(decoding: bytes, as: UTF8.self)) }
        self.open = open
        self.canReopen = canReopen
        self.listDirectory = listDirectory
        self.writeFile = writeFile
        self.writeBytes = writeBytes
        self.keepUntilExit = keepUntilExit
    }

    /// Writes `text` to `path`, appending when asked.
    public static func writeToDisk(path: String, text: String, append: Bool) throws {
        try Array(text.utf8).withUnsafeBufferPointer { try writeToDisk(path: path, bytes: $0, append: append) }
    }

    /// Writes `bytes` to `path`, appending when asked.
    public static func writeToDisk(path: String, bytes: UnsafeBufferPointer<UInt8>, append: Bool) throws {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0o644)
        guard fd >= 0 else { throw FileWriteError(errno: errno) }
        defer { Glibc.close(fd) }
        if let failed = writeAll(fd, bytes) { throw FileWriteError(errno: failed) }
    }

    /// Why a file could not be written, as the system says it.
    public struct FileWriteError: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { String(cString: strerror(errno)) }
    }

    func out(_ text: String) { write(.stdout, text) }

    func outBytes(_ bytes: UnsafeBufferPointer<UInt8>) { writeData(.stdout, bytes) }
    func err(_ text: String) { write(.stderr, text) }

    /// Colour only on a terminal, and never when NO_COLOR is set.
    func useColor(on stream: Stream) -> Bool {
        if let v = environment["NO_COLOR"], !v.isEmpty { return false }
        return stream == .stdout ? stdoutIsTerminal : stderrIsTerminal
    }

    /// Chinese, the plans' own language, unless the locale (LC_ALL, LC_MESSAGES or LANG, the
    /// first one set) names another language. `C` and `POSIX` name none: a server or container
    /// with `LANG=C.UTF-8` still shows an official the report in Chinese.
    var defaultLanguage: Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let v = environment[name], !v.isEmpty {
                let locale = v.lowercased()
                let language = locale.prefix { $0 != "_" && $0 != "." && $0 != "@" }
                return language == "c" || language == "posix" || language == "zh" ? .zh : .en
            }
        }
        return .zh
    }

    var terminalWidth: Int {
        if let c = environment["COLUMNS"], let n = Int(c), n >= 40 { return n }
        return 120
    }
}

/// The language of labels, status words and headings.
public enum Language: String, Sendable, CaseIterable {
    case zh, en

    func pick(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }
}

/// Exit codes, one meaning each (README "Exit codes").
public enum ExitStatus: Int32, Sendable {
    /// Success: no errors (check), no differences (diff).
    case success = 0
    /// The tool ran and the answer is no: errors found (check), differences found (diff).
    case problems = 1
    /// Usage error, or input the tool cannot use at all.
    case failure = 2
}
