import DeckStore
import Foundation

/// A step's attempts: up to `retries + 1` runs of its runner, each with a fresh cancellation
/// token that the run's cancellation and the step's `timeout:` both stop. A failed or timed-out
/// attempt is retried while attempts remain; a cancelled run is not.
extension PipelineExecution {
    /// Why a step's attempts produced no output.
    enum AttemptsEnd: Error {
        /// The run was cancelled (the reason).
        case stopped(String)
        /// Every attempt failed; the last error's message.
        case failed(String)
    }

    func runAttempts(of step: StepSpec, runner: StepRunner, progress: StepProgress,
                     makeContext: (CancellationToken) -> StepContext) -> Result<StepOutput, AttemptsEnd> {
        let total = step.retries + 1
        var lastError: Error?
        for number in 1...total {
            progress.beginAttempt(number, of: total, after: lastError)
            let token = CancellationToken()
            let link = cancellation.onCancel { [cancellation] in token.cancel(reason: cancellation.reason ?? "cancelled") }
            let timer = step.timeout.map { seconds in
                let item = DispatchWorkItem { token.cancel(reason: Self.timeoutReason) }
                DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds), execute: item)
                return item
            }
            defer { timer?.cancel(); cancellation.remove(link) }
            do {
                return .success(try runner.run(makeContext(token)))
            } catch {
                timer?.cancel()
                if cancellation.isCancelled { return .failure(.stopped(cancellation.reason ?? "cancelled")) }
                let timedOut = token.reason == Self.timeoutReason || Self.isTimeout(error)
                lastError = timedOut ? StepError.timedOut(step: step.name, seconds: step.timeout ?? 0) : error
            }
        }
        return .failure(.failed(lastError.map { "\($0)" } ?? "step '\(step.name)' failed"))
    }

    /// The cancellation reason of an attempt stopped by its `timeout:`.
    static let timeoutReason = "timeout"

    /// Whether `error` is a step's timeout (an executor may enforce the limit itself).
    static func isTimeout(_ error: Error) -> Bool {
        if case StepError.timedOut? = error as? StepError { return true }
        return false
    }
}
