extension AppModel {
    /// Adds `:theme NAME` (with completion over the catalog's themes). Loading problems are shown
    /// as an error toast naming file and line; the theme still applies with the good lines.
    public func installThemeCommand(catalog: ThemeCatalog) {
        commands.append(AppCommand("theme", summary: "Switch theme (:theme NAME)",
                                   completeArguments: { partial in
                                       catalog.availableThemes().filter { $0.hasPrefix(partial) }
                                   },
                                   run: { [weak self] args in
            guard let self else { return nil }
            guard let name = args.first else {
                return .info("theme: \(self.baseTheme.name) (available: \(catalog.availableThemes().joined(separator: ", ")))")
            }
            return self.loadTheme(name, catalog: catalog)
        }))
    }

    /// Loads and applies a theme; returns a toast describing errors or the switch.
    @discardableResult
    public func loadTheme(_ name: String, catalog: ThemeCatalog) -> Effect {
        let result = catalog.load(name)
        if result.errors.contains(where: { if case .notFound = $0.kind { return true }; return false }) {
            return .error(result.errors[0].description)
        }
        setTheme(result.theme)
        if let first = result.errors.first {
            let more = result.errors.count > 1 ? " (+\(result.errors.count - 1) more)" : ""
            return .error(first.description + more)
        }
        return .info("theme: \(result.theme.name)")
    }
}
