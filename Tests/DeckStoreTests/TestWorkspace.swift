import DeckTestSupport

/// The shared temporary workspace (DeckTestSupport), under the name these tests use.
typealias TestWorkspace = TemporaryWorkspace
