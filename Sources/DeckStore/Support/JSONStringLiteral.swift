/// A JSON string literal for a Swift string, written by hand for the hot paths that build JSON
/// text directly (the endpoint's answers, the prediction log's rows): quotes, backslashes and
/// control characters escaped, everything else kept as is.
public enum JSONStringLiteral {
    /// True when `s` needs no escape inside a JSON string (no control character, `"` or `\\`).
    public static func isPlain(_ s: String) -> Bool {
        // Native strings hand out their bytes directly: a plain loop over them is several times
        // faster than the UTF-8 view's iterator (a search answer checks ~30,000 strings).
        if let plain = s.utf8.withContiguousStorageIfAvailable({ bytes in !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }) {
            return plain
        }
        return !s.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
    }

    /// `s` as a quoted JSON string (`"a\"b"`).
    public static func quoted(_ s: String) -> String {
        if isPlain(s) { return "\"" + s + "\"" }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
