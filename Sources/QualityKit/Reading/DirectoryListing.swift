#if canImport(Glibc)
import Glibc
#endif

/// The measurement files under a directory: what `quality check data/` reads (a CI job
/// checking a whole data repository names the folder, not each file).
///
/// Files named `.csv`, `.tsv` or `.json` at any depth, in the byte order of their paths
/// (the same order on every machine). Hidden entries (`.git`, `.DS_Store`) are skipped,
/// and a symbolic link to a directory is not followed (no loops); a link to a file is
/// read. Other files are left out: a README or an Excel `.txt` export in the folder is
/// read only when named.
public struct DirectoryListing: Sendable, Equatable {
    /// A subdirectory that could not be read, with the system's reason.
    public struct Problem: Sendable, Equatable {
        public let path: String
        public let reason: String
    }

    public private(set) var files: [String] = []
    public private(set) var problems: [Problem] = []

    public static let extensions: Set<String> = ["csv", "tsv", "json"]

    /// The listing of `path` if it is a directory, else nil. Paths are given as `path`
    /// joined with the names found; `location` is where `path` lies on disk, when that
    /// differs (tests resolve names against their fixtures).
    public static func of(_ path: String, at location: String? = nil) -> DirectoryListing? {
        let real = location ?? path
        var info = stat()
        guard path != "-", stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        var listing = DirectoryListing()
        listing.walk(path, real)
        listing.files.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return listing
    }

    private mutating func walk(_ shown: String, _ real: String) {
        guard let directory = opendir(real) else {
            problems.append(Problem(path: shown, reason: String(cString: strerror(errno)).lowercased()))
            return
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let (shownPath, realPath) = (Self.join(shown, name), Self.join(real, name))
            var info = stat()
            guard lstat(realPath, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: walk(shownPath, realPath)
            case S_IFREG, S_IFLNK:
                if let dot = name.lastIndex(of: "."), Self.extensions.contains(name[name.index(after: dot)...].lowercased()) {
                    files.append(shownPath)
                }
            default: continue
            }
        }
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
