#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNCurses

/// Display width of characters, from the C library's `wcwidth` so that it agrees with what
/// ncurses itself assumes when it moves the cursor.
///
/// `wcwidth` depends on `LC_CTYPE`; the first use makes sure the C locale is a UTF-8 one
/// (falling back to `C.UTF-8`), since in the plain "C" locale every non-ASCII character would be
/// unprintable.
public enum CharWidth {
    /// Makes `LC_CTYPE` a UTF-8 locale. Returns whether it succeeded.
    @discardableResult
    public static func ensureUTF8Locale() -> Bool { localeReady }

    private static let localeReady: Bool = {
        if isUTF8Codeset() { return true }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil {
            if isUTF8Codeset() { return true }
        }
        return false
    }()

    static func isUTF8Codeset() -> Bool {
        guard let cs = nc_codeset() else { return false }
        let s = String(cString: cs).lowercased()
        return s == "utf-8" || s == "utf8"
    }

    /// Columns taken by one Unicode scalar: 0 (combining), 1 or 2; -1 when not printable.
    @inline(__always)
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }
        if v < 0x20 || v == 0x7F { return -1 }
        _ = localeReady
        return Int(nc_wcwidth(wchar_t(bitPattern: v)))
    }

    /// Columns taken by a grapheme when drawn in one cell: 1 or 2. Unprintable characters
    /// count as 1 (they are drawn as `�`); emoji with the presentation selector U+FE0F count as 2.
    @inline(__always)
    public static func width(of character: Character) -> Int {
        let w = cellWidth(character)
        return w < 1 ? 1 : w
    }

    /// Whether a grapheme can be put into a cell as is (false for control characters and
    /// lone combining marks, which ``Region`` replaces with `�`).
    @inline(__always)
    public static func isPrintable(_ character: Character) -> Bool { cellWidth(character) >= 1 }

    /// 1 or 2 for a printable grapheme, -1 for one that cannot be drawn by itself.
    @inline(__always)
    public static func cellWidth(_ character: Character) -> Int {
        if let a = character.asciiValue { return a >= 0x20 && a < 0x7F ? 1 : -1 }
        return slowCellWidth(character)
    }

    @inline(never)
    static func slowCellWidth(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return -1 }
        var w = width(of: first)
        if w < 1 { return -1 }
        if w == 1 && scalars.contains(where: { $0.value == 0xFE0F }) { w = 2 }
        return min(w, 2)
    }

    /// Display width of a whole string.
    public static func width(of text: some StringProtocol) -> Int {
        var total = 0
        for ch in text { total += width(of: ch) }
        return total
    }
}

extension String {
    /// Display width in terminal columns (wide characters count 2).
    public var displayWidth: Int { CharWidth.width(of: self) }

    /// The string cut to at most `width` columns, ending in `…` when something was cut.
    public func truncated(toWidth width: Int) -> String {
        guard width > 0 else { return "" }
        var used = 0
        var end = startIndex
        var cutIndex: String.Index? = nil  // where the last char fitting in width-1 ends
        for i in indices {
            let w = CharWidth.width(of: self[i])
            if used + w > width {
                let keep = cutIndex ?? startIndex
                return String(self[startIndex..<keep]) + "…"
            }
            used += w
            end = index(after: i)
            if used <= width - 1 { cutIndex = end }
        }
        _ = end
        return self
    }

    /// The string padded with spaces (or cut with `…`) to exactly `width` columns.
    public func padded(toWidth width: Int, alignRight: Bool = false) -> String {
        let t = truncated(toWidth: width)
        let pad = max(0, width - t.displayWidth)
        let spaces = String(repeating: " ", count: pad)
        return alignRight ? spaces + t : t + spaces
    }
}
