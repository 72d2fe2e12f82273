import Foundation
import Testing

@testable import QualityKit

/// The repository root, found from this file's path (no Bundle.module).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let fixturesURL = repositoryRoot.appendingPathComponent("Tests/QualityKitTests/Fixtures")
let goldenURL = repositoryRoot.appendingPathComponent("Tests/QualityKitTests/Golden")

func fixture(_ name: String) -> String { fixturesURL.appendingPathComponent(name).path }

/// Output captured from one in-process run of the CLI.
struct RunResult {
    let status: QualityKit.ExitStatus
    let stdout: String
    let stderr: String
}

final class Capture: @unchecked Sendable {
    private let lock = NSLock()
    var out = ""
    var err = ""
    var files: [String: String] = [:]

    func write(_ stream: CLIContext.Stream, _ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if stream == .stdout { out += text } else { err += text }
    }

    func store(_ path: String, _ text: String, _ append: Bool) {
        lock.lock()
        defer { lock.unlock() }
        files[path] = (append ? files[path] ?? "" : "") + text
    }
}

/// Runs `quality` in-process, from the fixtures folder, with a fixed environment.
func runQuality(
    _ arguments: [String], environment: [String: String] = ["LANG": "en_US.UTF-8"], tty: Bool = false,
    stdin: [UInt8]? = nil, capture: Capture = Capture()
) -> RunResult {
    let context = CLIContext(
        environment: environment,
        stdoutIsTerminal: tty,
        stderrIsTerminal: tty,
        write: { capture.write($0, $1) },
        open: { path in
            if path == "-", let stdin { return MemoryChunkReader(stdin) }
            let resolved = path.hasPrefix("/") ? path : fixturesURL.appendingPathComponent(path).path
            return try FileChunkReader(path: resolved)
        },
        canReopen: { path in FileChunkReader.isRegularFile(path.hasPrefix("/") ? path : fixturesURL.appendingPathComponent(path).path) },
        writeFile: { capture.store($0, $1, $2) },
        writeBytes: { capture.store($0, String(decoding: $1, as: UTF8.self), $2) })
    let status = QualityCLI.run(arguments, context: context)
    return RunResult(status: status, stdout: capture.out, stderr: capture.err)
}

/// Compares `actual` with `Golden/<name>`; `QUALITY_RECORD_GOLDEN=1 swift test`
/// rewrites the file and fails once so the change is reviewed.
func expectGolden(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let url = goldenURL.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["QUALITY_RECORD_GOLDEN"] == "1" {
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        Issue.record("recorded new golden \(name)", sourceLocation: sourceLocation)
        return
    }
    guard let data = try? Data(contentsOf: url) else {
        Issue.record("missing golden \(name); run QUALITY_RECORD_GOLDEN=1 swift test", sourceLocation: sourceLocation)
        return
    }
    // Decoded by hand: String(contentsOf:) would strip a BOM the output must keep.
    let expected = String(decoding: data, as: UTF8.self)
    let a = actual.replacingOccurrences(of: "\r\n", with: "\n")
    let e = expected.replacingOccurrences(of: "\r\n", with: "\n")
    if a != e {
        let diff = lineDiff(expected: e, actual: a)
        Issue.record("output differs from golden \(name):\n\(diff)", sourceLocation: sourceLocation)
    }
}

func lineDiff(expected: String, actual: String) -> String {
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var out: [String] = []
    for change in a.difference(from: e) {
        switch change {
        case .insert(let offset, let line, _): out.append("+\(offset + 1): \(line)")
        case .remove(let offset, let line, _): out.append("-\(offset + 1): \(line)")
        }
    }
    return out.prefix(60).joined(separator: "\n")
}

/// Encodes text as GB18030 (what Excel on Chinese Windows writes).
func gb18030Bytes(_ text: String) -> [UInt8] {
    MeasurementWriter.encode(text, as: .gb18030)
}

func gb18030Text(_ bytes: [UInt8]) -> String {
    let reader = try! TextDecoding.utf8Stream(from: MemoryChunkReader(bytes), encoding: .gb18030).0
    var out: [UInt8] = []
    while let c = try! reader.nextChunk() { out += c }
    return String(decoding: out, as: UTF8.self)
}
