// swift-tools-version:6.1
// Drivers for docs/performance.md on a busy machine: they call ExMy's public batch API as a dependent
// package would (so they also show that ExMy builds for dependents without flags).
//
//   encode-cputime [REPS]   16M-element encode cases and their limit loop, one thread, thread CPU time
//   scaling-cputime         cost against length (1K … 128M), one thread, thread CPU time
//   formats-table [REPS]    encode into every format, 64K elements, wall clock with short repetitions
//
// Build from this folder: `swift build -c release`. The dependency is the checkout two levels up;
// SwiftPM names a path dependency after its folder, so PACKAGE below must be that folder's name
// (lowercased), e.g. "exmy" for a clone in ./ExMy.
import PackageDescription

let checkout = "../.."
let PACKAGE = Context.packageDirectory.split(separator: "/").dropLast(2).last.map { String($0) } ?? "exmy"

let package = Package(
    name: "exmy-cputime-benchmarks",
    dependencies: [.package(path: checkout)],
    targets: ["encode-cputime", "scaling-cputime", "formats-table"].map {
        .executableTarget(name: $0, dependencies: [.product(name: "ExMy", package: PACKAGE)])
    }
)
