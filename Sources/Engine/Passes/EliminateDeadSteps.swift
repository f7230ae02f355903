/// Removes the steps whose outputs nothing reads and that produce no graph output.
enum EliminateDeadSteps {
  static func run(_ g: inout CompiledGraph) {
    var live = Set(g.outputs)
    var keep = [Bool](repeating: false, count: g.steps.count)
    for i in stride(from: g.steps.count - 1, through: 0, by: -1)
    where g.steps[i].outputs.contains(where: live.contains) {
      keep[i] = true
      live.formUnion(g.steps[i].inputs)
    }
    g.steps = g.steps.enumerated().filter { keep[$0.offset] }.map(\.element)
    g.constants = g.constants.filter { live.contains($0.key) }
  }
}
