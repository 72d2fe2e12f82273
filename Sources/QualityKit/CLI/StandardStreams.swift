import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The one writer for the process's stdout and stderr: stdout is buffered and
/// flushed before stderr is written, so the two streams never reorder.
public final class StandardStreams: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: [UInt8] = []

    public init() {}

    public func write(_ stream: CLIContext.Stream, _ text: String) {
        lock.lock()
        defer { lock.unlock() }
        switch stream {
        case .stdout:
            if text.utf8.count >= 1 << 16 {
                // A large piece (a streamed report) goes out as it is, not copied into the buffer.
                flushLocked()
                writeAll(1, text)
            } else {
                buffer.append(contentsOf: text.utf8)
                if buffer.count >= 1 << 16 { flushLocked() }
            }
        case .stderr:
            flushLocked()
            writeAll(2, text)
        }
    }

    /// Bytes for stdout or stderr, in order with text written through `write`; written
    /// from where they lie (a streamed report's piece, still in the memory it was written in).
    public func write(_ stream: CLIContext.Stream, _ bytes: UnsafeBufferPointer<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        flushLocked()
        QualityKit.writeAll(stream == .stdout ? 1 : 2, bytes)
    }

    public func flush() {
        lock.lock()
        defer { lock.unlock() }
        flushLocked()
    }

    private func flushLocked() {
        writeAll(1, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    // A closed pipe (`| head`) stops the output quietly.
    private func writeAll(_ fd: Int32, _ text: String) {
        var text = text
        _ = text.withUTF8 { QualityKit.writeAll(fd, $0) }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBufferPointer { QualityKit.writeAll(fd, $0) }
    }
}

/// Writes all of `bytes` to `fd`, again after an interruption; the error number
/// when it fails (a closed pipe, a full disk), else nil.
@discardableResult
func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += n
    }
    return nil
}
