import Foundation

/// When the batch engine writes its output with streaming (non-temporal) stores.
///
/// An ordinary store to a line that is not in the cache first reads that line from memory (the
/// read-for-ownership), so decoding one-byte codes into `Float`s moves 1 + 4 + 4 bytes per element
/// where 1 + 4 are needed, and into `Double`s 1 + 8 + 8. A streaming store writes whole lines past
/// the caches, without that read: measured on the development machine from memory
/// (docs/performance.md, *Streaming stores*), decoding ran 1.45× (`Float`) and 1.85× (`Double`)
/// faster and encoding `Float`→E4M3FN about 1.09×. But the output then is not in the cache, which
/// costs a caller who reads it next while it would have fitted. So the C loops stream only for
/// jobs whose input and output together reach ``thresholdBytes`` (the last-level cache by default:
/// beyond it the output would be evicted before the conversion ends anyway) or whose output alone
/// reaches a quarter of it (glibc's rule for `memcpy`'s non-temporal stores since 2.38, applied to
/// the bytes written: decoding into `Double`s writes 8 bytes per byte read), and only where the
/// output is 16-byte aligned (the instruction's requirement; Swift arrays are). The portable
/// instance never streams. Streaming changes no bit of any result: the tests run every batch case both ways.
package enum StreamingStores {
    /// The job size, input and output bytes together, from which the C loops stream (and a
    /// quarter of it, for the output alone): the last-level cache (``lastLevelCacheBytes``) unless a
    /// test changes it (0: always stream; `Int.max`: never).
    @TaskLocal static var thresholdBytes = lastLevelCacheBytes

    /// Whether a job of `count` elements, each reading `readBytes` and writing `writtenBytes`,
    /// streams its stores.
    static func worthwhile(count: Int, readBytes: Int, writtenBytes: Int) -> Bool {
        let (written, overflow) = count.multipliedReportingOverflow(by: writtenBytes)
        let (total, overflowTotal) = count.multipliedReportingOverflow(by: readBytes + writtenBytes)
        return overflow || overflowTotal || total >= thresholdBytes || written >= thresholdBytes / 4
    }

    /// The last-level cache of this machine, all of its instances together, from Linux's
    /// `/sys/devices/system/cpu/cpu*/cache/index*/` (the highest level's `size`, once per distinct
    /// `shared_cpu_list`: several L3 slices on multi-die or multi-socket machines add up); 32 MiB
    /// where that cannot be read (``lastLevelCacheKnown`` is then false).
    package static var lastLevelCacheBytes: Int { cache.bytes }

    /// Whether ``lastLevelCacheBytes`` was read from the system rather than assumed.
    package static var lastLevelCacheKnown: Bool { cache.known }

    private static let cache: (bytes: Int, known: Bool) = {
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // The highest level, and each of its instances (by the CPUs sharing it) with its size.
        var level = 0
        var instances: [String: Int] = [:]
        for cpu in 0..<ProcessInfo.processInfo.processorCount {
            for index in 0..<16 {
                let dir = "/sys/devices/system/cpu/cpu\(cpu)/cache/index\(index)/"
                guard let l = read(dir + "level").flatMap({ Int($0) }), let bytes = read(dir + "size").flatMap(parseCacheSize) else { continue }
                let sharing = read(dir + "shared_cpu_list") ?? "cpu\(cpu)"
                if l > level { level = l; instances = [:] }
                if l == level { instances[sharing] = bytes }
            }
        }
        guard !instances.isEmpty else { return (32 << 20, false) }
        return (instances.values.reduce(0, +), true)
    }()

    /// `"32768K"`, `"300M"`, `"1G"` or a plain byte count; nil for anything else or a size
    /// above 1 TiB.
    static func parseCacheSize(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = t.last else { return nil }
        let shift: Int
        switch last {
        case "K", "k": shift = 10
        case "M", "m": shift = 20
        case "G", "g": shift = 30
        default: shift = 0
        }
        guard let v = Int(shift == 0 ? t : String(t.dropLast())), v > 0, v <= (1 << 40) >> shift else { return nil }
        return v << shift
    }
}
