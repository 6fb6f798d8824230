import Foundation

/// Builds the SVG text of a ``TrainingPlot`` element by element.
struct SVGDocument {
    static let lossColour = "#1f77b4"
    static let evalColour = "#e6550d"
    private var body: [String] = []
    private let width: Double, height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
        body.append("<rect x=\"0\" y=\"0\" width=\"\(Self.format(width))\" height=\"\(Self.format(height))\" fill=\"white\"/>")
    }

    /// The complete document.
    func finish() -> String {
        let header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
            + "width=\"\(Self.format(width))\" height=\"\(Self.format(height))\" viewBox=\"0 0 \(Self.format(width)) \(Self.format(height))\" "
            + "font-family=\"Helvetica, Arial, sans-serif\">\n"
        return header + body.joined(separator: "\n") + "\n</svg>\n"
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
                       weight: String = "normal", fill: String = "#222", rotate: Bool = false) {
        let rotation = rotate ? " transform=\"rotate(-90 \(Self.format(x)) \(Self.format(y)))\"" : ""
        body.append("<text x=\"\(Self.format(x))\" y=\"\(Self.format(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Self.format(size))\" "
            + "font-weight=\"\(weight)\" fill=\"\(fill)\"\(rotation)>\(Self.escape(content))</text>")
    }

    mutating func line(from a: (x: Double, y: Double), to b: (x: Double, y: Double), stroke: String, width: Double = 1) {
        body.append("<line x1=\"\(Self.format(a.x))\" y1=\"\(Self.format(a.y))\" x2=\"\(Self.format(b.x))\" y2=\"\(Self.format(b.y))\" "
            + "stroke=\"\(stroke)\" stroke-width=\"\(Self.format(width))\"/>")
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double, dashed: Bool) {
        guard !points.isEmpty else { return }
        let coordinates = points.map { "\(Self.format($0.x)),\(Self.format($0.y))" }.joined(separator: " ")
        body.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.format(width))\" "
            + "stroke-linejoin=\"round\"\(dashed ? " stroke-dasharray=\"5 4\"" : "")/>")
    }

    mutating func marker(_ point: (x: Double, y: Double), fill: String) {
        body.append("<circle cx=\"\(Self.format(point.x))\" cy=\"\(Self.format(point.y))\" r=\"4\" fill=\"\(fill)\" stroke=\"white\" stroke-width=\"1\"/>")
    }

    /// Horizontal grid lines at the left axis' ticks, the frame, and tick labels on the bottom, left and right.
    mutating func gridAndAxes(frame: PlotFrame, x: AxisScale, left: AxisScale, right: AxisScale) {
        for tick in left.ticks {
            let y = frame.point(x: 0, y: left.fraction(tick)).y
            line(from: (frame.left, y), to: (frame.right, y), stroke: "#e5e5e5")
            line(from: (frame.left - 5, y), to: (frame.left, y), stroke: "#444")
            text(left.label(tick), x: frame.left - 8, y: y + 4, anchor: "end", size: 11, fill: Self.lossColour)
        }
        for tick in right.ticks {
            let y = frame.point(x: 0, y: right.fraction(tick)).y
            line(from: (frame.right, y), to: (frame.right + 5, y), stroke: "#444")
            text(right.label(tick), x: frame.right + 8, y: y + 4, size: 11, fill: Self.evalColour)
        }
        for tick in x.ticks {
            let px = frame.point(x: x.fraction(tick), y: 0).x
            line(from: (px, frame.bottom), to: (px, frame.bottom + 5), stroke: "#444")
            text(x.label(tick), x: px, y: frame.bottom + 18, anchor: "middle", size: 11)
        }
        body.append("<rect x=\"\(Self.format(frame.left))\" y=\"\(Self.format(frame.top))\" width=\"\(Self.format(frame.plotWidth))\" "
            + "height=\"\(Self.format(frame.plotHeight))\" fill=\"none\" stroke=\"#444\"/>")
    }

    mutating func axisTitles(frame: PlotFrame, x: String, left: String, right: String) {
        text(x, x: frame.left + frame.plotWidth / 2, y: frame.bottom + 40, anchor: "middle", size: 13)
        text(left, x: 20, y: frame.top + frame.plotHeight / 2, anchor: "middle", size: 13, fill: Self.lossColour, rotate: true)
        text(right, x: frame.right + 64, y: frame.top + frame.plotHeight / 2, anchor: "middle", size: 13, fill: Self.evalColour, rotate: true)
    }

    /// A legend row centred above the plot area: a line sample (with a marker when `marker`) and a label per entry.
    mutating func legend(frame: PlotFrame, entries: [(label: String, colour: String, marker: Bool)]) {
        let widths = entries.map { 36 + 7 * Double($0.label.count) }
        let gap = 24.0
        var x = frame.left + (frame.plotWidth - widths.reduce(0, +) - gap * Double(entries.count - 1)) / 2
        let y = frame.top - 14
        for (entry, width) in zip(entries, widths) {
            line(from: (x, y), to: (x + 24, y), stroke: entry.colour, width: entry.marker ? 1 : 1.6)
            if entry.marker { marker((x + 12, y), fill: entry.colour) }
            text(entry.label, x: x + 30, y: y + 4, size: 12)
            x += width + gap
        }
    }

    /// A coordinate with at most two decimals, without trailing zeros.
    static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// `text` with XML's special characters escaped, for element content and attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
