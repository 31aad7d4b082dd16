@testable import DeckStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The writeback hint of ``PackWriter`` is bound to glibc's `sync_file_range` by symbol
/// name: these calls prove the binding resolves and passes its arguments as C expects (a good
/// descriptor succeeds, a closed one fails with EBADF, an invalid flag with EINVAL).
final class ChunkWritebackHintTests: XCTestCase {
    func testTheBindingReachesSyncFileRange() throws {
        let path = NSTemporaryDirectory() + "writeback-\(UUID().uuidString)"
        defer { unlink(path) }
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let bytes = [UInt8](repeating: 7, count: 64 * 1024)
        XCTAssertEqual(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }, bytes.count)
        XCTAssertEqual(PackWriter.startWriteback(fd, 0, 0, PackWriter.syncFileRangeWrite), 0)
        XCTAssertEqual(PackWriter.startWriteback(fd, 0, 0, 0x80), -1, "an unknown flag is refused")
        XCTAssertEqual(errno, EINVAL)
        close(fd)
        XCTAssertEqual(PackWriter.startWriteback(fd, 0, 0, PackWriter.syncFileRangeWrite), -1)
        XCTAssertEqual(errno, EBADF)
    }
}
