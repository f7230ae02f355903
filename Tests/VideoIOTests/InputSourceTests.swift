import Testing

@testable import VideoIO

@Suite("InputSource")
struct InputSourceTests {
  @Test("a plain path is a file that may open only files")
  func plainPath() {
    let s = InputSource("clips/in.mp4")
    #expect(s.url == "clips/in.mp4")
    #expect(s.protocolWhitelist == "file")
    #expect(s.isFile && !s.isLive && s.format == nil)
  }

  @Test("'-' is standard input through the pipe protocol only")
  func stdin() {
    let s = InputSource("-")
    #expect(s.url == "pipe:0")
    #expect(s.protocolWhitelist == "pipe")
    #expect(!s.isFile)
  }

  @Test("/dev/video* is a live V4L2 camera")
  func camera() {
    let s = InputSource("/dev/video0")
    #expect(s.format == "v4l2" && s.isLive && s.protocolWhitelist == nil)
    #expect(InputSource("/dev/video2", format: "video4linux2").format == "video4linux2")
  }

  @Test("network schemes are live and restricted to their own protocols")
  func network() {
    #expect(InputSource("http://127.0.0.1:8080/a.m3u8").protocolWhitelist == "http,tcp")
    #expect(InputSource("https://example.org/a.mp4").protocolWhitelist == "https,tls,tcp")
    #expect(InputSource("udp://127.0.0.1:1234").protocolWhitelist == "udp")
    #expect(InputSource("rtsp://cam/stream").protocolWhitelist == "rtsp,rtp,udp,tcp")
    #expect(InputSource("tcp://127.0.0.1:9000").isLive)
    #expect(!InputSource("file:clip.mp4").isLive)
    #expect(InputSource("file:clip.mp4").protocolWhitelist == "file")
  }

  @Test("lavfi is a device without protocols and not live")
  func lavfi() {
    let s = InputSource("testsrc2=size=320x240:rate=25", format: "lavfi")
    #expect(s.protocolWhitelist == nil && !s.isLive)
  }

  @Test("colons inside file names do not make a scheme")
  func colonInName() {
    #expect(InputSource.scheme(of: "C:/x.mp4") == nil)
    #expect(InputSource.scheme(of: "clip 10:30.mp4") == nil)
    #expect(InputSource("clip 10:30.mp4").protocolWhitelist == "file")
  }
}
