extension Theme {
    /// The built-in dark theme (Tokyo Night colours). Every other theme falls back to it slot by
    /// slot. `themes/default.theme` spells out the same values (a test keeps them equal).
    public static let defaultTheme: Theme = {
        func c(_ s: String) -> Color { Color.parse(s)! }
        let fg = c("#c0caf5"), dim = c("#565f89"), blue = c("#7aa2f7"), green = c("#9ece6a")
        let red = c("#f7768e"), orange = c("#ff9e64"), yellow = c("#e0af68"), cyan = c("#7dcfff")
        let magenta = c("#bb9af7"), teal = c("#73daca"), selBg = c("#3b4261"), panel = c("#1f2335")
        let border = c("#3b4261"), dark = c("#1a1b26")
        let s: [ThemeSlot: Style] = [
            .text: Style(fg: fg),
            .textDim: Style(fg: dim),
            .title: Style(fg: blue, attributes: .bold),
            .header: Style(fg: fg),
            .footer: Style(fg: dim),
            .footerKey: Style(fg: blue, attributes: .bold),
            .breadcrumb: Style(fg: cyan),
            .border: Style(fg: border),
            .borderFocused: Style(fg: blue),
            .tabActive: Style(fg: dark, bg: blue, attributes: .bold),
            .tabInactive: Style(fg: dim),
            .tableHeader: Style(fg: blue, attributes: .bold),
            .selection: Style(fg: fg, bg: selBg),
            .marked: Style(fg: yellow, attributes: .bold),
            .match: Style(fg: dark, bg: yellow),
            .matchCurrent: Style(fg: dark, bg: orange, attributes: .bold),
            .disabled: Style(fg: dim),
            .statusRunning: Style(fg: blue),
            .statusFinished: Style(fg: green),
            .statusFailed: Style(fg: red, attributes: .bold),
            .statusKilled: Style(fg: orange),
            .statusQueued: Style(fg: dim),
            .severityCritical: Style(fg: red, attributes: .bold),
            .severityWarning: Style(fg: yellow),
            .severityInfo: Style(fg: cyan),
            .chartSeries1: Style(fg: blue),
            .chartSeries2: Style(fg: green),
            .chartSeries3: Style(fg: orange),
            .chartSeries4: Style(fg: magenta),
            .chartSeries5: Style(fg: cyan),
            .chartSeries6: Style(fg: red),
            .chartAxis: Style(fg: dim),
            .bar: Style(fg: teal),
            .progress: Style(fg: blue),
            .progressTrack: Style(fg: border),
            .diffAdded: Style(fg: green),
            .diffRemoved: Style(fg: red),
            .diffChanged: Style(fg: yellow),
            .aliasProduction: Style(fg: green, attributes: .bold),
            .aliasStaging: Style(fg: yellow),
            .badge: Style(fg: dark, bg: magenta),
            .success: Style(fg: green),
            .warning: Style(fg: yellow),
            .error: Style(fg: red, attributes: .bold),
            .dialog: Style(fg: fg, bg: panel),
            .dialogTitle: Style(fg: blue, bg: panel, attributes: .bold),
            .button: Style(fg: fg, bg: selBg),
            .buttonFocused: Style(fg: dark, bg: blue, attributes: .bold),
            .toastInfo: Style(fg: fg, bg: selBg),
            .toastError: Style(fg: dark, bg: red, attributes: .bold),
            .commandLine: Style(fg: fg),
            .completion: Style(fg: fg, bg: panel),
            .completionSelected: Style(fg: dark, bg: blue),
        ]
        return Theme(name: "default", styles: s)
    }()
}
