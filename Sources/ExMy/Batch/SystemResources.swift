import Foundation

/// How much memory and disk this process can still use, for refusing absurd sizes up front
/// (a benchmark of 2^31 elements, a checkpoint of 10^11 parameters) instead of aborting, being
/// killed, or filling a disk half way.
///
/// Memory is the least of `MemAvailable` in `/proc/meminfo` and, where the process runs in a
/// cgroup v2 with a limit, `memory.max − memory.current` of its cgroup (`/proc/self/cgroup`, else
/// `/sys/fs/cgroup`). Free disk is `statvfs`'s `f_bavail × f_frsize` for the folder a file goes
/// into. Either is `nil` where the system does not tell (then nothing is refused on its account).
///
/// Tests inject limits with ``injected`` instead of exhausting the machine:
///
/// ```swift
/// try SystemResources.$injected.withValue(.init(availableMemoryBytes: 1 << 30)) {
///     try ExMyCommand.runCapturing(["bench", "--sizes", "2147483648"])   // refused: 1 GiB available
/// }
/// ```
package struct SystemResources: Sendable, Hashable {
    /// Memory available to this process in bytes, or `nil` to measure it.
    package var availableMemoryBytes: Int?
    /// Free disk space in bytes (for any folder), or `nil` to measure it.
    package var freeDiskBytes: Int?

    /// Limits that replace the measured ones (fields left `nil` are measured).
    package init(availableMemoryBytes: Int? = nil, freeDiskBytes: Int? = nil) {
        self.availableMemoryBytes = availableMemoryBytes
        self.freeDiskBytes = freeDiskBytes
    }

    /// Limits that replace measured ones in the current task (for tests); nothing is replaced by default.
    @TaskLocal package static var injected = SystemResources()

    /// The memory this process can still allocate, in bytes (`nil`: unknown).
    package static func availableMemory() -> Int? {
        if let injected = injected.availableMemoryBytes { return injected }
        let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        var folders: [String] = []
        if let own = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
           let line = own.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) {
            let relative = line.dropFirst(3)
            if relative != "/" { folders.append("/sys/fs/cgroup" + relative) }
        }
        folders.append("/sys/fs/cgroup")
        for folder in folders {
            guard let max = try? String(contentsOfFile: folder + "/memory.max", encoding: .utf8) else { continue }
            let current = try? String(contentsOfFile: folder + "/memory.current", encoding: .utf8)
            return availableMemory(meminfo: meminfo, cgroupMax: max, cgroupCurrent: current)
        }
        return availableMemory(meminfo: meminfo, cgroupMax: nil, cgroupCurrent: nil)
    }

    /// The available memory from the texts of `/proc/meminfo` and of a cgroup's `memory.max` and
    /// `memory.current`: the least of `MemAvailable` and `max − current` (`max` may be `max`, no limit).
    package static func availableMemory(meminfo: String?, cgroupMax: String?, cgroupCurrent: String?) -> Int? {
        var result: Int?
        if let meminfo, let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kib = Int(fields[1]) {
                let unit = fields.count >= 3 && fields[2] == "kB" ? 1024 : 1
                result = kib.multipliedReportingOverflow(by: unit).overflow ? Int.max : kib * unit
            }
        }
        if let cgroupMax, let limit = Int(cgroupMax.trimmingCharacters(in: .whitespacesAndNewlines)) {
            let used = cgroupCurrent.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            let left = max(0, limit - max(0, used))
            result = min(result ?? left, left)
        }
        return result
    }

    /// The free space of the file system holding `path` (a file or a folder; for a file that does
    /// not exist yet, its folder), in bytes; `nil` where it cannot be told.
    package static func freeDiskSpace(at path: String) -> Int? {
        if let injected = injected.freeDiskBytes { return injected }
        var folder = path.isEmpty ? "." : path
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) || !isFolder.boolValue {
            folder = (folder as NSString).deletingLastPathComponent
            if folder.isEmpty { folder = "." }
        }
        var info = statvfs()
        guard statvfs(folder, &info) == 0 else { return nil }
        let (bytes, overflow) = Int(clamping: info.f_bavail).multipliedReportingOverflow(by: Int(clamping: info.f_frsize))
        return overflow ? Int.max : bytes
    }

    /// A byte count in words: `1.5 GiB`, `12 MiB`, `512 bytes`.
    package static func describe(bytes: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        guard bytes >= 1024 else { return "\(bytes) bytes" }
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }
}
