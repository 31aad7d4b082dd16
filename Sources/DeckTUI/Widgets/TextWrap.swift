/// Word wrapping by display width.
public enum TextWrap {
    /// Splits `text` into lines of at most `width` columns, breaking at spaces when possible
    /// (long words are cut). Existing newlines are kept.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineW = 0
            for word in para.split(separator: " ", omittingEmptySubsequences: false) {
                var w = String(word)
                var ww = w.displayWidth
                if lineW > 0 && lineW + 1 + ww <= width {
                    line += " " + w; lineW += 1 + ww; continue
                }
                if lineW > 0 || (!line.isEmpty) { out.append(line); line = ""; lineW = 0 }
                while ww > width {
                    var head = ""
                    var hw = 0
                    var rest = Substring(w)
                    while let c = rest.first, hw + CharWidth.width(of: c) <= width {
                        head.append(c); hw += CharWidth.width(of: c); rest = rest.dropFirst()
                    }
                    if head.isEmpty { head = String(rest.prefix(1)); rest = rest.dropFirst() }
                    out.append(head)
                    w = String(rest); ww = w.displayWidth
                }
                line = w; lineW = ww
            }
            out.append(line)
        }
        return out
    }
}
