import DeckStore
import Foundation

/// The text printed for an error that reached `main`: the error's own sentence, or — for a
/// Foundation error that no command wrapped — a sentence naming the file, never a Foundation
/// error domain such as `NSCocoaErrorDomain error 256`.
enum UserMessage {
    static func text(for error: Error) -> String {
        if FileSystemError.isFoundationError(error) { return FileSystemError.describe(error) }
        let text = "\(error)"
        // A message that embeds a Foundation error's text: keep what comes before it.
        for marker in ["Error Domain=", "NSCocoaErrorDomain", "NSPOSIXErrorDomain", "The operation could not be completed"] {
            if let range = text.range(of: marker) {
                let head = text[..<range.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: " :(—-"))
                return head.isEmpty ? "a file operation failed" : head + ": a file operation failed"
            }
        }
        return text
    }
}
