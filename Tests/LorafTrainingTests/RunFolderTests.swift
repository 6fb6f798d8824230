import Foundation
import XCTest
import LorafTestSupport
@testable import LorafTraining

final class RunFolderTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = scratchURL("loraf-runs")
    }

    func testMetricsLinesAreJSONInOrderAndAppended() throws {
        let run = try RunFolder(name: "sst2-lora", root: root)
        try run.metrics.append(.train(step: 10, epoch: 0.25, loss: 0.6931, learningRate: 1e-4, examplesPerSecond: 180.5))
        try run.metrics.append(.eval(step: 10, loss: 0.5, metrics: [EvalMetric("accuracy", 0.8125), EvalMetric("macro_f1", 0.8)]))
        try run.metrics.append(.train(step: 11, epoch: 0.3, loss: .nan, learningRate: 0, examplesPerSecond: 1))
        let reopened = try RunFolder(url: root.appendingPathComponent("sst2-lora"))
        try reopened.metrics.append(.eval(step: 12, loss: 0.25, metrics: [EvalMetric("accuracy", 1), EvalMetric("macro_f1", 1)]))

        let lines = try String(contentsOf: run.metrics.url, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, [
            #"{"step":10,"epoch":0.25,"loss":0.6931,"lr":0.0001,"examples_per_s":180.5}"#,
            #"{"step":10,"eval_loss":0.5,"eval_accuracy":0.8125,"eval_macro_f1":0.8}"#,
            #"{"step":11,"epoch":0.3,"loss":null,"lr":0.0,"examples_per_s":1.0}"#,
            #"{"step":12,"eval_loss":0.25,"eval_accuracy":1.0,"eval_macro_f1":1.0}"#,
        ])
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertNotNil(object?["step"], line)
        }
    }

    func testScriptAndPlotFilesAndCheckpointsLiveInTheRunFolder() throws {
        let run = try RunFolder(name: "trec", root: root)
        try run.saveScript("loraf.train{ model = 'x' }\n")
        XCTAssertEqual(try String(contentsOf: run.scriptURL, encoding: .utf8), "loraf.train{ model = 'x' }\n")
        try run.writePlot(TrainingPlot(title: "trec", loss: [MetricPoint(step: 1, value: 1.8)], evalMetric: [], evalMetricName: "eval accuracy"))
        XCTAssertTrue(try String(contentsOf: run.plotURL, encoding: .utf8).contains("<polyline"))
        XCTAssertEqual(try run.checkpointStore().directory, run.url)
    }

    func testBadRunNamesThrow() {
        for name in ["", "..", "a/b"] {
            XCTAssertThrowsMessage(try RunFolder(name: name, root: root),
                                   "checkpoint: run name '\(name)' must be a single folder name (no '/', not '.' or '..')")
        }
    }
}
