extension AppModel {
    /// The content area (screen coordinates): inside the frame, between the header and the
    /// breadcrumb separator.
    public var contentRect: Rect {
        Rect(x: 1, y: 1, width: max(0, size.width - 2), height: max(0, size.height - 4))
    }

    /// Draws the whole screen. Returns where to show the cursor (the command line), or nil.
    @discardableResult
    public func render(into canvas: Canvas) -> Point? {
        if canvas.size != size { canvas.resize(to: size) }
        let t = theme
        canvas.clear(style: t[.text])
        let screen = canvas.region
        if isTooSmall {
            renderTooSmall(screen)
            return nil
        }
        let w = size.width, h = size.height
        let box = BoxStyle.single
        let border = t[.border]
        // Header (the frame's top edge).
        let header = Header(workspace: workspace, tabs: Tabs(titles: panes.map(\.tabTitle), active: activePane),
                            badges: badges)
        headerHits = header.render(into: screen.rows(0..<1), theme: t)
        // Side edges.
        screen.verticalLine(x: 0, y: 1, length: h - 2, box.vertical, style: border)
        screen.verticalLine(x: w - 1, y: 1, length: h - 2, box.vertical, style: border)
        // Separator with breadcrumb.
        let sepY = h - 3
        screen.horizontalLine(y: sepY, x: 1, length: w - 2, box.horizontal, style: border)
        screen.set(box.teeLeft, x: 0, y: sepY, style: border)
        screen.set(box.teeRight, x: w - 1, y: sepY, style: border)
        let crumbs = " " + breadcrumb.joined(separator: " › ") + " "
        screen.put(crumbs, at: Point(x: 2, y: sepY), style: t[.breadcrumb], maxWidth: w - 4)
        // Bottom edge.
        screen.horizontalLine(y: h - 1, x: 1, length: w - 2, box.horizontal, style: border)
        screen.set(box.bottomLeft, x: 0, y: h - 1, style: border)
        screen.set(box.bottomRight, x: w - 1, y: h - 1, style: border)
        // Content.
        let content = screen.sub(contentRect)
        topView.render(into: content, theme: t)
        // Footer.
        let footerRegion = screen.sub(Rect(x: 1, y: h - 2, width: w - 2, height: 1))
        Footer(bindings: allBindings, readOnly: readOnly,
               status: [busyStatus, readOnly ? "READ-ONLY" : nil].compactMap { $0 }.joined(separator: "  ").nilIfEmpty)
            .render(into: footerRegion, theme: t)
        // Toast above the separator.
        if let toast = currentToast { toast.render(into: content, theme: t) }
        // Overlays.
        switch overlay {
        case .none: return nil
        case .help(var help):
            help.render(into: screen, theme: t)
            overlay = .help(help)
            return nil
        case .dialog(let d, _):
            d.render(into: screen, theme: t)
            return nil
        case .commandLine(let line):
            let region = screen.sub(Rect(x: 1, y: 1, width: w - 2, height: h - 2))
            let cursor = line.render(into: region, theme: t)
            return Point(x: cursor.x + 1, y: cursor.y + 1)
        }
    }

    private func renderTooSmall(_ screen: Region) {
        let t = theme
        let need = "MLDeck needs \(minimumSize.width)×\(minimumSize.height)"
        let have = "(have \(size.width)×\(size.height))"
        let mid = screen.height / 2
        if screen.width >= need.displayWidth + have.displayWidth + 1 || screen.height < 3 {
            screen.putCentered(need + " " + have, y: mid, style: t[.warning])
        } else {
            screen.putCentered(need, y: mid - 1, style: t[.warning])
            screen.putCentered(have, y: mid, style: t[.warning])
        }
        if mid + 1 < screen.height { screen.putCentered("enlarge the terminal, or q to quit", y: mid + 1, style: t[.textDim]) }
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
