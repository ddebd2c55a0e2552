import Foundation

/// Colours of the plots: a perceptual sequential scale (viridis, as interpolated stops) and
/// fixed colours for statuses.
enum Palette {
    /// Viridis from dark purple to yellow at nine even stops (matplotlib's values).
    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 45, 123), (59, 82, 139), (44, 114, 142), (33, 145, 140),
        (40, 174, 128), (94, 201, 98), (173, 220, 48), (253, 231, 37),
    ]

    /// A colour for t in [0, 1]: 0 light (yellow-green), 1 dark (purple), so the marks that
    /// matter most stand out on white. The palest yellow is left out: it vanishes on white.
    static func sequential(_ t: Double) -> String {
        let clamped = min(1, max(0, t.isFinite ? t : 0))
        let position = (1 - clamped) * 0.88 * Double(viridis.count - 1)
        let index = min(viridis.count - 2, Int(position))
        let f = position - Double(index)
        let (a, b) = (viridis[index], viridis[index + 1])
        let channel = { (x: Double, y: Double) -> String in
            let value = String(min(255, max(0, Int((x + (y - x) * f).rounded()))), radix: 16)
            return value.count == 1 ? "0" + value : value
        }
        return "#" + channel(a.0, b.0) + channel(a.1, b.1) + channel(a.2, b.2)
    }

    static let ok = "#2c728e"
    static let failed = "#c0392b"
    static let pruned = "#e69f00"
    static let lost = "#c0392b"
    static let best = "#d62728"
    static let neutral = "#9aa5b1"
    static let ink = "#333"
    static let grid = "#e6e6e6"
}
