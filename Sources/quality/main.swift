import Foundation
import QualityKit

#if canImport(Glibc)
import Glibc
#endif

// The real terminal and environment, handed to the library; nothing else lives here.
let writer = StandardStreams()
/// What the commands read, left for `exit` to free at once.
nonisolated(unsafe) var keptUntilExit: [any Sendable] = []
let context = CLIContext(
    environment: ProcessInfo.processInfo.environment,
    stdoutIsTerminal: isatty(1) == 1,
    stderrIsTerminal: isatty(2) == 1,
    write: { stream, text in writer.write(stream, text) },
    writeData: { stream, bytes in writer.write(stream, bytes) },
    keepUntilExit: { keptUntilExit.append($0) })
let status = QualityCLI.run(Array(CommandLine.arguments.dropFirst()), context: context)
writer.flush()
exit(status.rawValue)
