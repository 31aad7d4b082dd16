import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck agent`: runs the workspace's triggers (and monitors) headless until SIGTERM / SIGINT.
struct AgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Run triggers and monitors headless (one runner per workspace; stop with SIGTERM or Ctrl-C).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Seconds between rounds (default 1).") var interval: Double = 1
    @Flag(name: .long, help: "Do one round and exit (for scripts).") var once = false

    func run() throws {
        guard interval.isFinite, interval >= 0.05, interval <= 3600 else {
            throw ValidationError("--interval: expected seconds from 0.05 to 3600, found \(interval)")
        }
        let store = try global.openStore()
        try store.requireWritable()
        let log = AgentLog()
        let runner = try WorkspaceRunner.make(store: store, role: "agent", interval: interval) { log.write($0) }
        if once {
            let held = runner.round()
            if held { try? store.releaseRunnerLease(holder: runner.holder) }
            if !held { throw ExitCode(1) }
            return
        }
        log.write("agent started in \(store.workspace.root.path) (pid \(getpid()))")
        let signals = SignalForwarding.install { name, _ in
            log.write("\(name): stopping")
            runner.stop()
        }
        runner.run()
        signals.forEach { $0.cancel() }
        log.write("agent stopped")
    }
}

/// The agent's log: one line per event with the time, on standard output, unbuffered.
final class AgentLog: @unchecked Sendable {  // `write` is serialised by `lock`
    private let lock = NSLock()
    func write(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardOutput.write(Data("\(Formatting.time(Date().timeIntervalSince1970))  \(line)\n".utf8))
    }
}
