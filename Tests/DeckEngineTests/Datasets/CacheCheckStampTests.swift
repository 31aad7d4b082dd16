@testable import DeckEngine
import DeckStore
import Foundation
import XCTest

/// A check of a cached dataset file is remembered across processes, but only while the file is
/// unchanged and the check was not racy (within a clock tick or two of the file's last change).
final class CacheCheckStampTests: XCTestCase {
    func testAStampIsTrustedOnlyForTheSameUnchangedFileCheckedWellAfterItsLastChange() throws {
        let cache = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("stamp-\(UUID().uuidString)/cache/datasets")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: cache.deletingLastPathComponent().deletingLastPathComponent()) }
        let file = cache.appendingPathComponent("abc.csv").path
        try Data("a,b\n1,2\n".utf8).write(to: URL(fileURLWithPath: file))
        let stamps = CacheCheckStamp(cacheDirectory: cache)
        let identity = try XCTUnwrap(FileIdentity(path: file))
        XCTAssertFalse(stamps.isCurrent(file, identity), "no stamp yet")

        stamps.record(file, identity)
        XCTAssertFalse(stamps.isCurrent(file, identity), "checked right after a change: racy, so checked again")

        // A check made well after the file's last change (as the next runs see it).
        let later = Date().timeIntervalSince1970 + 10
        try Data("\(CacheCheckStamp.describe(identity)) \(later)".utf8).write(to: stamps.stampURL(file))
        XCTAssertTrue(stamps.isCurrent(file, identity))

        // The same size, one byte flipped: the file's identity (ctime at least) is no longer the stamp's.
        usleep(20_000)
        try Data("a,b\n1,3\n".utf8).write(to: URL(fileURLWithPath: file))
        let flipped = try XCTUnwrap(FileIdentity(path: file))
        XCTAssertFalse(stamps.isCurrent(file, flipped))
    }
}
