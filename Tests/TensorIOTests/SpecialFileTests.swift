import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TensorIO

/// The readers never block in `open` (a FIFO is refused at once, named), and the writers
/// replace a file only when the new one is complete (a full disk is simulated with
/// ``OutputFile/simulatedDisk``, whose writes past a byte budget fail with ENOSPC).
@Suite("Special files and full disks")
struct SpecialFileTests {
    let directory = TemporaryDirectory()

    /// Runs `body`; if it is still running after 5 s (blocked opening `fifo`), opens the FIFO for
    /// writing once, which releases the reader, so that a regression fails instead of hanging.
    func withWatchdog<R>(_ fifo: String, _ body: () throws -> R) rethrows -> R {
        let done = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
        done.initialize(to: false)
        nonisolated(unsafe) let flag = done
        Thread {
            for _ in 0..<50 {
                usleep(100_000)
                if flag.pointee { return }
            }
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }.start()
        defer { done.pointee = true; usleep(150_000) }
        return try body()
    }

    @Test func aFIFOIsRefusedWithoutWaitingForAWriter() {
        for name in ["f.npy", "f.safetensors"] {
            let fifo = directory.file(name)
            #expect(mkfifo(fifo, 0o600) == 0)
            let error = withWatchdog(fifo) {
                expectTensorIOError {
                    if name.hasSuffix(".npy") { _ = try NpyFile(path: fifo) } else { _ = try SafetensorsFile(path: fifo) }
                }
            }
            #expect(error?.kind == .notARegularFile(.fifo))
            #expect(error?.description == "\(fifo): is a FIFO (named pipe), not a regular file; this reader reads at offsets and needs a regular file: save the data to a file and give that")
        }
    }

    @Test func devicesAndDirectoriesAreNamed() {
        let device = expectTensorIOError { _ = try NpyFile(path: "/dev/null") }
        #expect(device?.kind == .notARegularFile(.characterDevice))
        #expect(device?.message.hasPrefix("is a character device, not a regular file") == true)
        let folder = expectTensorIOError { _ = try SafetensorsFile(path: directory.path) }
        #expect(folder?.description == "\(directory.path): is a directory, not a file; give a file inside it")
        let empty = expectTensorIOError { _ = try NpyFile(path: "") }
        #expect(empty?.kind == .invalidArgument("the input path is empty"))
    }

    @Test func writersReplaceAFileOnlyWhenTheNewOneIsComplete() throws {
        let npy = directory.file("x.npy"), safetensors = directory.file("x.safetensors")
        try NpyWriter.write([Float](repeating: 1, count: 10), to: npy)
        var writer = SafetensorsWriter()
        try writer.add("w", [Float](repeating: 1, count: 10), shape: [10])
        try writer.write(to: safetensors)
        let before = (try Data(contentsOf: URL(fileURLWithPath: npy)), try Data(contentsOf: URL(fileURLWithPath: safetensors)))
        // A disk with 100 bytes left: each new file (over 4 KB) fails part way.
        try OutputFile.$simulatedDisk.withValue(OutputFile.SimulatedDisk(bytes: 100)) {
            let big = [Float](repeating: 2, count: 1024)
            let a = expectTensorIOError { try NpyWriter.write(big, to: npy) }
            #expect(a?.kind == .ioFailure(operation: "write", errno: ENOSPC))
            var larger = SafetensorsWriter()
            try larger.add("w", big, shape: [1024])
            let b = expectTensorIOError { try larger.write(to: safetensors) }
            #expect(b?.kind == .ioFailure(operation: "write", errno: ENOSPC))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: npy)) == before.0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: safetensors)) == before.1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["x.npy", "x.safetensors"])
        // A directory at the destination is refused, not replaced.
        let folder = directory.file("d")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let refused = expectTensorIOError { try NpyWriter.write([Float(1)], to: folder) }
        #expect(refused?.kind == .unusableOutput("is a directory; give a file name inside it"))
    }

    @Test func preparedFilesAppearOnlyOnCommit() throws {
        let a = directory.file("a.txt"), b = directory.file("b.txt")
        let first = try OutputFile(path: a), second = try OutputFile(path: b)
        try first.write("one")
        try second.write("two")
        try first.prepareCommit()
        try second.prepareCommit()
        #expect(!FileManager.default.fileExists(atPath: a) && !FileManager.default.fileExists(atPath: b))
        try first.commit()
        second.discard()
        #expect(try String(contentsOfFile: a, encoding: .utf8) == "one")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["a.txt"])
    }
}
