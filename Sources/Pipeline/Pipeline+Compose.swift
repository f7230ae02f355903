import Foundation
import VideoIO

extension RenderPipeline {
  /// Smooths each map over time, places it over the full frame, blends and labels it, writes
  /// the frame's `--frames-json` line and makes its `--maps-out` picture.
  func composeStage(
    from input: BoundedQueue<Explained>, into output: BoundedQueue<Composed>,
    records: LineFile?, pool: PixelBufferPool?
  ) {
    defer { output.close() }
    // Working memory of the overlay, reused from frame to frame (see `PixelBufferPool` for why).
    var indices: [UInt8] = []
    var across: [Float] = []
    var table: [UInt8] = []
    var smoother = TemporalSmoother(weight: options.smooth)
    var placement: HeatmapPlacement?
    var placementKey: [Int] = []
    let composer = options.composer
    let mapWidth = explainer.inputWidth
    let mapHeight = explainer.inputHeight
    let encoder = FrameRecord.makeEncoder()
    do {
      while let item = input.pop() {
        // Consumed, so that the frame's pixels are referenced once and blended in place.
        switch consume item {
        case .audio(let packet):
          guard output.push(.audio(packet)) else { return }
        case .frame(let frame, let e):
          let map = smoother.smooth(e.map, classID: e.target.id)
          let content = frame.scaled.content
          let key = [
            frame.image.width, frame.image.height, content.x, content.y, content.width,
            content.height,
          ]
          if key != placementKey {
            placement = HeatmapPlacement(
              map: mapWidth, mapHeight, frame: frame.image, scaled: frame.scaled)
            placementKey = key
          }
          guard let placement else { continue }
          if let records {
            let stats = MapStatistics(
              map: placement.place(map), width: frame.image.width, height: frame.image.height)
            let offset = composer.sideBySide ? frame.image.width : 0
            try records.append(
              FrameRecord(frame: frame, explanation: e, statistics: stats, xOffset: offset).json(
                encoder))
          }
          let mapPicture =
            options.mapsOutput == nil
            ? nil : Self.grayPicture(map, width: mapWidth, height: mapHeight)
          let (index, pts, duration, decodedAt) =
            (frame.index, frame.pts, frame.duration, frame.decodedAt)
          placement.colormapIndices(map, into: &indices, across: &across)
          let image = composer.compose(
            Self.takeImage(frame), indices: indices,
            label: FrameComposer.labelText(e.target.label, probability: e.target.prob),
            table: &table, pool: pool)
          let composed = Composed.frame(
            index: index, image: image, pts: pts, duration: duration, map: mapPicture,
            decodedAt: decodedAt)
          guard output.push(composed) else { return }
        }
      }
    } catch {
      control.fail(error)
    }
  }

  /// The frame's picture, leaving no other reference to its pixels behind.
  private static func takeImage(_ frame: consuming DecodedFrame) -> RGBImage { frame.image }

  /// A map in [0, 1] as an 8-bit gray picture (`⌊255·v⌋`, as the colormaps index it).
  static func grayPicture(_ map: [Float], width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      let v = UInt8(Colormap.index(map[i]))
      pixels[3 * i] = v
      pixels[3 * i + 1] = v
      pixels[3 * i + 2] = v
    }
    return RGBImage(width: width, height: height, pixels: pixels)
  }
}
