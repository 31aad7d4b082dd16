import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs an ``AppModel`` on the real terminal: one async loop on the main actor that waits for a
/// key with a short timeout, lets the app pull data between keys (`tick`), redraws only when
/// something changed, and yields between waits so other main-actor work is not starved.
@MainActor
public final class AppRunner {
    public let model: AppModel
    /// Called between keys (about every ``inputTimeoutMilliseconds``): drain data changes here
    /// (e.g. new metrics from the store) and return true when something changed.
    public var tickHook: (() -> Bool)?
    /// How long to wait for a key before ticking.
    public var inputTimeoutMilliseconds: Int32 = 50
    /// Where to log frame times (default: `$MLDECK_FRAME_LOG`).
    public var frameLogPath: String? = ProcessInfo.processInfo.environment["MLDECK_FRAME_LOG"]

    public init(model: AppModel) { self.model = model }

    /// Takes over the terminal until the user quits (or SIGINT/SIGTERM/SIGHUP arrives), then
    /// restores it. Returns the signal that ended the loop, or 0 for a normal quit.
    public func run(options: TerminalSession.Options = TerminalSession.Options()) async throws(TerminalError) -> Int32 {
        let session = try TerminalSession(options: options)
        defer { session.end() }
        model.colorDepth = session.colorDepth
        return await loop(input: session, backend: session.backend)
    }

    /// The UI loop: draw when something changed, wait up to ``inputTimeoutMilliseconds`` for a
    /// key, tick. It suspends (`Task.yield`) after every wait, so other main-actor work
    /// (`Task { @MainActor in … }`) runs while the dashboard is open instead of starving.
    /// Returns the signal that ended the loop, or 0 when the model asked to quit.
    public func loop(input: some InputSource, backend: some RenderBackend) async -> Int32 {
        model.size = input.size
        let canvas = Canvas(size: model.size)
        let log = FrameLog(path: frameLogPath)
        let clock = ContinuousClock()
        var keysSinceFrame: [Key] = []
        var keyTime: ContinuousClock.Instant? = nil
        model.needsRedraw = true

        while !model.quitRequested {
            if input.pendingQuitSignal != 0 { return input.pendingQuitSignal }
            // The terminal closed without a SIGHUP reaching us: no key can come, so leave as if hung up.
            if input.terminalLost { return SIGHUP }
            if model.needsRedraw {
                let start = clock.now
                model.size = input.size
                let cursor = model.render(into: canvas)
                backend.present(canvas, cursor: cursor)
                model.needsRedraw = false
                if let log {
                    let end = clock.now
                    log.record(keyToFrameMs: keyTime.map { ms(end - $0) }, renderMs: ms(end - start),
                               cells: (backend as? CursesBackend)?.lastCellsWritten ?? 0, keys: keysSinceFrame)
                }
                keyTime = nil; keysSinceFrame = []
            }
            if let key = input.readKey(timeoutMilliseconds: inputTimeoutMilliseconds) {
                keyTime = clock.now
                if log != nil { keysSinceFrame.append(key) }
                if key == .resize { model.size = input.size; backend.invalidate() }
                model.send(key)
                // Take keys already typed (held-down j, pasted text) before drawing.
                var extra = 0
                while extra < 64, !model.quitRequested, let more = input.readKey(timeoutMilliseconds: 0) {
                    if more == .resize { model.size = input.size; backend.invalidate() }
                    if log != nil { keysSinceFrame.append(more) }
                    model.send(more); extra += 1
                }
            }
            if tickHook?() == true { model.needsRedraw = true }
            model.tick()
            // Let main-actor jobs queued meanwhile run before the next wait.
            await Task.yield()
        }
        return 0
    }

    private func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
