/// Where finished frames go: the real terminal (``CursesBackend``) or memory (``MemoryBackend``).
@MainActor
public protocol RenderBackend: AnyObject {
    /// The current screen size.
    var size: Size { get }
    /// The colour depth frames should be drawn for.
    var colorDepth: ColorDepth { get }
    /// Shows a frame. `cursor` is where to put a visible cursor (e.g. the command line), or nil.
    func present(_ canvas: Canvas, cursor: Point?)
    /// Forgets the previous frame so the next one is drawn completely.
    func invalidate()
}

/// An in-memory backend for tests: keeps the last frame presented.
@MainActor
public final class MemoryBackend: RenderBackend {
    public var size: Size
    public var colorDepth: ColorDepth
    /// A copy of the last frame presented.
    public private(set) var lastFrame: Canvas?
    public private(set) var lastCursor: Point?
    /// How many frames were presented.
    public private(set) var frameCount = 0

    public init(size: Size, colorDepth: ColorDepth = .trueColor) {
        self.size = size; self.colorDepth = colorDepth
    }

    public func present(_ canvas: Canvas, cursor: Point?) {
        lastFrame = canvas.copy()
        lastCursor = cursor
        frameCount += 1
    }

    public func invalidate() {}

    /// Text of the last frame, trailing spaces trimmed.
    public func lines() -> [String] { lastFrame?.trimmedLines() ?? [] }
}

extension Canvas {
    /// An independent copy.
    public func copy() -> Canvas {
        let c = Canvas(size: size)
        c.replaceCells(with: cells)
        return c
    }
}
