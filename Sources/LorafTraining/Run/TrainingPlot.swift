import Foundation

/// A self-contained SVG chart of a run: the training loss per step as a line (left axis) and an evaluation metric
/// per step as markers joined by a dashed line (right axis), with tick labels, axis titles, a title and a legend.
/// Non-finite values are left out.
public struct TrainingPlot: Equatable, Sendable {
    public var title: String
    /// Training loss per step.
    public var loss: [MetricPoint]
    /// The evaluation metric per evaluation step.
    public var evalMetric: [MetricPoint]
    /// The evaluation metric's name, shown on the right axis and in the legend (e.g. "eval accuracy").
    public var evalMetricName: String

    public init(title: String, loss: [MetricPoint], evalMetric: [MetricPoint], evalMetricName: String) {
        self.title = title
        self.loss = loss
        self.evalMetric = evalMetric
        self.evalMetricName = evalMetricName
    }

    /// The chart as SVG text, `width` × `height` user units (pixels).
    public func svg(width: Double = 800, height: Double = 450) -> String {
        let loss = self.loss.filter { $0.value.isFinite }, eval = evalMetric.filter { $0.value.isFinite }
        let frame = PlotFrame(width: width, height: height)
        let steps = (loss + eval).map { Double($0.step) }
        let x = AxisScale(covering: min(steps.min() ?? 0, 0), steps.max() ?? 1, minimumTickStep: 1)
        let lossValues = loss.map(\.value)
        let left = AxisScale(covering: min(lossValues.min() ?? 0, 0), lossValues.max() ?? 1)
        let evalValues = eval.map(\.value)
        let inUnitRange = evalValues.allSatisfy { (0...1).contains($0) }
        let right = inUnitRange ? AxisScale(covering: 0, 1) : AxisScale(covering: evalValues.min() ?? 0, evalValues.max() ?? 1)

        var svg = SVGDocument(width: width, height: height)
        svg.text(title, x: width / 2, y: 26, anchor: "middle", size: 17, weight: "bold")
        svg.gridAndAxes(frame: frame, x: x, left: left, right: right)
        svg.axisTitles(frame: frame, x: "step", left: "training loss", right: evalMetricName)
        let lossPoints = loss.map { frame.point(x: x.fraction(Double($0.step)), y: left.fraction($0.value)) }
        svg.polyline(lossPoints, stroke: SVGDocument.lossColour, width: 1.6, dashed: false)
        let evalPoints = eval.map { frame.point(x: x.fraction(Double($0.step)), y: right.fraction($0.value)) }
        if evalPoints.count > 1 { svg.polyline(evalPoints, stroke: SVGDocument.evalColour, width: 1, dashed: true) }
        for point in evalPoints { svg.marker(point, fill: SVGDocument.evalColour) }
        svg.legend(frame: frame, entries: [("training loss", SVGDocument.lossColour, false),
                                           (evalMetricName, SVGDocument.evalColour, true)])
        if loss.isEmpty && eval.isEmpty {
            svg.text("no data yet", x: frame.left + frame.plotWidth / 2, y: frame.top + frame.plotHeight / 2,
                     anchor: "middle", size: 14, fill: "#888")
        }
        return svg.finish()
    }
}

/// The plot area inside the margins, and the mapping from axis fractions to SVG coordinates (y grows downwards).
struct PlotFrame {
    let left = 72.0, top = 64.0
    let plotWidth: Double, plotHeight: Double

    init(width: Double, height: Double) {
        plotWidth = max(width - 72 - 78, 10)
        plotHeight = max(height - 64 - 56, 10)
    }

    var right: Double { left + plotWidth }
    var bottom: Double { top + plotHeight }

    func point(x: Double, y: Double) -> (x: Double, y: Double) {
        (left + x * plotWidth, bottom - y * plotHeight)
    }
}
