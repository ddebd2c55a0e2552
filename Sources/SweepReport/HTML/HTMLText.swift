import SweepCore

/// Text and numbers as `report.html` writes them: every string that came from a user, a
/// trainer or a worker escaped, every number at 4 significant digits.
enum HTMLText {
    /// The text with `& < > " '` as character references: safe in element content and in
    /// quoted attribute values alike. `controlsAsSpaces` (for SVG, whose XML allows no control
    /// characters) turns them into spaces; HTML keeps them (a log tail's newlines).
    static func escape(_ text: String, controlsAsSpaces: Bool = false) -> String {
        // Every character escaped is ASCII: bytes, not graphemes (reports escape a text per mark).
        let special = { (byte: UInt8) in
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
            default: controlsAsSpaces && byte < 0x20
            }
        }
        guard text.utf8.contains(where: special) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 32)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            defer { previous = byte }
            switch byte {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "\""): out += "&quot;".utf8
            case UInt8(ascii: "'"): out += "&#39;".utf8
            case UInt8(ascii: "\n") where controlsAsSpaces && previous == UInt8(ascii: "\r"): continue  // one character
            case _ where controlsAsSpaces && byte < 0x20: out.append(UInt8(ascii: " "))
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A number at 4 significant digits (see `Significant`).
    static func number(_ value: Double) -> String { Significant.format(value) }

    /// "0.9533 ± 0.01234"; the spread left out for one fold.
    static func meanStd(_ stats: MeanStd) -> String {
        number(stats.mean) + (stats.spread.map { " ± " + number($0) } ?? "")
    }

    /// Seconds as "15.14 s", "12.5 min" or "3.2 h".
    static func duration(_ seconds: Double) -> String {
        if seconds >= 7200 { return number(seconds / 3600) + " h" }
        if seconds >= 120 { return number(seconds / 60) + " min" }
        return number(seconds) + " s"
    }

    /// Time since the sweep started, to the millisecond below a minute: "+0.292 s", "+12.5 min".
    static func clock(_ seconds: Double) -> String {
        let since = max(0, seconds)
        return "+" + duration(since < 120 ? (since * 1000).rounded() / 1000 : since)
    }

    /// A parameter value: numbers at 4 significant digits, text escaped.
    static func param(_ value: ParamValue) -> String {
        switch value {
        case .double(let number): self.number(number)
        default: escape(value.description)
        }
    }

    /// `C=0.1 kernel=rbf`, each value as `param` shows it, in a `<code>`.
    static func params(_ params: Params) -> String {
        "<code>" + params.entries.map { escape($0.name) + "=" + param($0.value) }.joined(separator: " ") + "</code>"
    }

    /// "1 trial" / "3 trials".
    static func count(_ value: Int, _ noun: String, plural: String? = nil) -> String {
        "\(Significant.grouped(value)) \(value == 1 ? noun : plural ?? noun + "s")"
    }

    /// "14, 13 and 12".
    /// "3", "3 and 4", "3, 4 and 5"; past `limit` items, "3, 4, … and 2,990 more" (a sweep of
    /// ties can have thousands).
    static func list(_ items: [String], limit: Int = 12) -> String {
        if items.count > limit {
            return items.prefix(limit).joined(separator: ", ") + " and \(number(Double(items.count - limit))) more"
        }
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// A table: a header row and body rows of ready-made cells. `numeric` names the columns
    /// aligned right.
    static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = [], caption: String? = nil)
        -> String
    {
        func cell(_ tag: String, _ index: Int, _ text: String) -> String {
            numeric.contains(index) ? "<\(tag) class=\"num\">\(text)</\(tag)>" : "<\(tag)>\(text)</\(tag)>"
        }
        var out = "<div class=\"scroll\"><table>"
        if let caption { out += "<caption>\(caption)</caption>" }
        out += "<thead><tr>" + header.enumerated().map { cell("th", $0, $1) }.joined() + "</tr></thead><tbody>\n"
        for row in rows { out += "<tr>" + row.enumerated().map { cell("td", $0, $1) }.joined() + "</tr>\n" }
        return out + "</tbody></table></div>\n"
    }
}
