/// The semantic colour slots a theme assigns. Widgets ask for a slot (`theme[.selection]`), never
/// for a colour. The raw value is the key used in theme files; `themes/README.md` documents each.
public enum ThemeSlot: String, CaseIterable, Sendable, Hashable {
    case text = "text"
    case textDim = "text.dim"
    case title = "title"
    case header = "header"
    case footer = "footer"
    case footerKey = "footer.key"
    case breadcrumb = "breadcrumb"
    case border = "border"
    case borderFocused = "border.focused"
    case tabActive = "tab.active"
    case tabInactive = "tab.inactive"
    case tableHeader = "table.header"
    case selection = "selection"
    case marked = "marked"
    case match = "match"
    case matchCurrent = "match.current"
    case disabled = "disabled"
    case statusRunning = "status.running"
    case statusFinished = "status.finished"
    case statusFailed = "status.failed"
    case statusKilled = "status.killed"
    case statusQueued = "status.queued"
    case severityCritical = "severity.critical"
    case severityWarning = "severity.warning"
    case severityInfo = "severity.info"
    case chartSeries1 = "chart.series.1"
    case chartSeries2 = "chart.series.2"
    case chartSeries3 = "chart.series.3"
    case chartSeries4 = "chart.series.4"
    case chartSeries5 = "chart.series.5"
    case chartSeries6 = "chart.series.6"
    case chartAxis = "chart.axis"
    case bar = "bar"
    case progress = "progress"
    case progressTrack = "progress.track"
    case diffAdded = "diff.added"
    case diffRemoved = "diff.removed"
    case diffChanged = "diff.changed"
    case aliasProduction = "alias.production"
    case aliasStaging = "alias.staging"
    case badge = "badge"
    case success = "success"
    case warning = "warning"
    case error = "error"
    case dialog = "dialog"
    case dialogTitle = "dialog.title"
    case button = "button"
    case buttonFocused = "button.focused"
    case toastInfo = "toast.info"
    case toastError = "toast.error"
    case commandLine = "command.line"
    case completion = "completion"
    case completionSelected = "completion.selected"

    /// Position in `allCases`, for array-indexed lookup.
    public var index: Int { Self.indexByRaw[rawValue]! }
    private static let indexByRaw: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, s) in allCases.enumerated() { d[s.rawValue] = i }
        return d
    }()

    /// The chart series slot for series `n` (0-based, wraps after 6).
    public static func chartSeries(_ n: Int) -> ThemeSlot {
        [.chartSeries1, .chartSeries2, .chartSeries3, .chartSeries4, .chartSeries5, .chartSeries6][((n % 6) + 6) % 6]
    }

    /// Attributes that keep the slot distinguishable without colour (`NO_COLOR`, monochrome
    /// terminals). Added to the theme's own attributes when colours are dropped.
    public var monochromeAttributes: TextAttributes {
        switch self {
        case .selection, .tabActive, .buttonFocused, .completionSelected, .matchCurrent, .header, .badge,
             .commandLine, .toastError:
            return .reverse
        case .match: return [.underline, .bold]
        case .marked: return [.bold, .underline]
        case .title, .dialogTitle, .footerKey, .borderFocused, .tableHeader, .statusRunning, .statusFailed,
             .severityCritical, .error, .aliasProduction, .diffAdded:
            return .bold
        case .textDim, .disabled, .chartAxis, .statusQueued, .statusKilled, .diffRemoved, .progressTrack,
             .tabInactive, .breadcrumb:
            return .dim
        case .severityWarning, .warning, .diffChanged: return .underline
        default: return []
        }
    }
}
