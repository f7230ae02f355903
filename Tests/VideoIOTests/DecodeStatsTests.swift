import Testing

@testable import VideoIO

@Suite("DecodeStats")
struct DecodeStatsTests {
  @Test("no damage, no warning")
  func clean() {
    var s = DecodeStats()
    s.framesDecoded = 10
    #expect(!s.isDamaged && s.warning == nil)
  }

  @Test("the warning names what went wrong and how much was decoded")
  func damaged() {
    var s = DecodeStats()
    s.framesDecoded = 12
    s.decodeErrors = 3
    s.readErrors = 1
    s.lastError = "Invalid data found when processing input"
    let w = s.warning ?? ""
    #expect(w.contains("3 damaged packets skipped"))
    #expect(w.contains("ends early"))
    #expect(w.contains("12 frames decoded"))
    #expect(w.contains("Invalid data"))
  }
}
