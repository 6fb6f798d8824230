import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import LorafTraining

final class TrainingPlotTests: XCTestCase {
    /// Collects element names and the `points` of polylines while parsing.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var polylinePoints: [String] = []
        var texts: [String] = []
        private var inText = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append(name)
            if name == "polyline", let points = attributes["points"] { polylinePoints.append(points) }
            inText = name == "text"
            if inText { texts.append("") }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText { texts[texts.count - 1] += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            inText = false
        }
    }

    func parse(_ svg: String) throws -> Collector {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        return collector
    }

    func testSVGParsesAndHoldsLossLineEvalMarkersTicksAndLegend() throws {
        let loss = (1...120).map { MetricPoint(step: $0, value: 0.7 * exp(-Double($0) / 40) + 0.1) }
        let eval = [40, 80, 120].map { MetricPoint(step: $0, value: 0.6 + Double($0) / 500) }
        let svg = TrainingPlot(title: "SST-2 & LoRA <r=8>", loss: loss, evalMetric: eval, evalMetricName: "eval accuracy").svg()
        let parsed = try parse(svg)
        XCTAssertEqual(parsed.elements.first, "svg")
        XCTAssertEqual(parsed.polylinePoints.count, 2, "loss line and the dashed eval line")
        XCTAssertEqual(parsed.polylinePoints[0].split(separator: " ").count, 120)
        XCTAssertEqual(parsed.elements.filter { $0 == "circle" }.count, 3 + 1, "three eval markers and one in the legend")
        XCTAssertTrue(parsed.texts.contains("SST-2 & LoRA <r=8>"))
        XCTAssertTrue(parsed.texts.contains("step"))
        XCTAssertEqual(parsed.texts.filter { $0 == "eval accuracy" }.count, 2, "right axis title and legend")
        XCTAssertTrue(parsed.texts.contains("120"), "x tick labels reach the last step")
        XCTAssertTrue(parsed.texts.contains("1.0"), "right axis spans 0...1 for fractions")
    }

    func testNonFiniteValuesAreLeftOutAndEmptyPlotStillRenders() throws {
        let loss = [MetricPoint(step: 1, value: 1), MetricPoint(step: 2, value: .nan), MetricPoint(step: 3, value: .infinity)]
        let parsed = try parse(TrainingPlot(title: "t", loss: loss, evalMetric: [], evalMetricName: "f1").svg())
        XCTAssertEqual(parsed.polylinePoints.map { $0.split(separator: " ").count }, [1])
        XCTAssertFalse(parsed.polylinePoints[0].contains("nan"))
        let empty = try parse(TrainingPlot(title: "t", loss: [], evalMetric: [], evalMetricName: "f1").svg())
        XCTAssertTrue(empty.texts.contains("no data yet"))
    }

    func testAxisScaleUsesNiceTicks() {
        let scale = AxisScale(covering: 0, 650)
        XCTAssertEqual(scale.ticks, [0, 100, 200, 300, 400, 500, 600, 700])
        XCTAssertEqual(scale.label(200), "200")
        let loss = AxisScale(covering: 0.12, 0.71)
        XCTAssertEqual(loss.tickStep, 0.1, accuracy: 1e-12)
        XCTAssertEqual(loss.lower, 0.1, accuracy: 1e-12)
        XCTAssertEqual(loss.upper, 0.8, accuracy: 1e-12)
        XCTAssertEqual(loss.label(0.30000000000000004), "0.3")
        XCTAssertEqual(AxisScale(covering: 0, 3, minimumTickStep: 1).ticks, [0, 1, 2, 3])
        let flat = AxisScale(covering: 5, 5)
        XCTAssertLessThan(flat.lower, 5)
        XCTAssertGreaterThan(flat.upper, 5)
    }
}
