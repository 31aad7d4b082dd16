@testable import DeckEngine
import XCTest

/// `run:` command lines split as a POSIX shell splits words and quotes. The expected lists are
/// what Python's `shlex.split` (POSIX mode) returns for the same lines, an independent reference.
final class CommandLineSplitterTests: XCTestCase {
    func testSplitsAsShlexDoes() throws {
        let cases: [(String, [String])] = [
            ("python3 train.py --lr 0.1", ["python3", "train.py", "--lr", "0.1"]),
            ("echo 'a b'  \"c d\"", ["echo", "a b", "c d"]),
            ("a\\ b c", ["a b", "c"]),
            ("\"a\\b\" \"a\\\"b\" \"a\\\\b\"", ["a\\b", "a\"b", "a\\b"]),
            ("x'y'\"z\"", ["xyz"]),
            ("''", [""]),
            ("a  \t b", ["a", "b"]),
            ("a\"b c\"d", ["ab cd"]),
        ]
        for (line, expected) in cases {
            XCTAssertEqual(try CommandLineSplitter.split(line), expected, line)
        }
    }

    func testRefusesWhatAShellWouldNotRun() {
        for line in ["it's", "echo \"open", "", "   ", "trailing\\"] {
            XCTAssertThrowsError(try CommandLineSplitter.split(line), line)
        }
    }
}
