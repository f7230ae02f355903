import ArgumentParser
internal import Foundation
internal import Pipeline

/// `camvideo batch-report REPORT.json... [--csv]`: the reports of a batch's shards (or of a
/// batch and its reruns) as one.
struct BatchReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "batch-report",
    abstract: "Merge batch --report files (one per shard) into one report on standard output.",
    discussion: """
      A clip listed more than once keeps its best entry (ok, else skipped, else the last \
      failure); the totals are recounted.
      """)

  @Argument(help: "Reports written by `camvideo batch --report`.")
  var reports: [String]

  @Flag(help: "Print CSV instead of JSON.")
  var csv = false

  func validate() throws {
    if reports.isEmpty { throw ValidationError("name at least one report") }
  }

  func run() throws {
    try reportingErrors {
      var loaded: [BatchReport] = []
      for path in reports { loaded.append(try BatchReport(contentsOf: path)) }
      let merged = BatchReport.merged(loaded)
      if csv {
        print(merged.csv(), terminator: "")
      } else {
        print(String(decoding: try merged.json(), as: UTF8.self))
      }
    }
  }
}
