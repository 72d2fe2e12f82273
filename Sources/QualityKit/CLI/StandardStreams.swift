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

    /// Bytes for stdout or stderr, in order with text written through `write`.
    public func write(_ stream: CLIContext.Stream, _ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        flushLocked()
        writeAll(stream == .stdout ? 1 : 2, bytes)
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

    private func writeAll(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { writeAll(fd, $0) }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { writeAll(fd, $0) }
    }

    private func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe (`| head`): stop quietly
            }
            offset += n
        }
    }
}
