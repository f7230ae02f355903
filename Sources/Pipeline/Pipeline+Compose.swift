import Foundation
import VideoIO

extension RenderPipeline {
  /// Smooths each map over time, places it over the full frame, blends and labels it, writes
  /// the frame's `--frames-json` line and makes its `--maps-out` picture.
  func composeStage(
    from input: BoundedQueue<Explained>, into output: BoundedQueue<Composed>,
    records: LineFile?
  ) {
    defer { output.close() }
    var smoother = TemporalSmoother(weight: options.smooth)
    var placement: HeatmapPlacement?
    var placementKey: [Int] = []
    let composer = options.composer
    let mapWidth = explainer.inputWidth
    let mapHeight = explainer.inputHeight
    let encoder = FrameRecord.makeEncoder()
    do {
      while let item = input.pop() {
        switch item {
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
          let image = composer.compose(
            frame.image, indices: placement.colormapIndices(map),
            label: FrameComposer.labelText(e.target.label, probability: e.target.prob))
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
          let composed = Composed.frame(
            index: frame.index, image: image, pts: frame.pts, duration: frame.duration,
            map: mapPicture, decodedAt: frame.decodedAt)
          guard output.push(composed) else { return }
        }
      }
    } catch {
      control.fail(error)
    }
  }

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
