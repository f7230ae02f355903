/// The one explicit table of the ONNX operators the engine understands (default domain).
///
/// - compute operators run at inference (each in its own file, named after its `op_type`);
/// - pass-through operators are the identity at inference and are removed at load;
/// - load-time operators only ever produce shape arithmetic or constants and must fold.
enum OperatorTable {
  typealias Builder = (inout NodeContext) throws(NodeError) -> BuiltOperator

  enum Entry {
    case compute(Builder)
    case passThrough
    case loadTime
  }

  static func entry(_ opType: String) -> Entry? {
    switch opType {
    case "Add": return .compute(Add.make)
    case "AveragePool": return .compute(AveragePool.make)
    case "BatchNormalization": return .compute(BatchNormalization.make)
    case "Clip": return .compute(Clip.make)
    case "Concat": return .compute(Concat.make)
    case "Conv": return .compute(Conv.make)
    case "Div": return .compute(Div.make)
    case "Flatten": return .compute(Flatten.make)
    case "Gather": return .compute(Gather.make)
    case "Gemm": return .compute(Gemm.make)
    case "GlobalAveragePool": return .compute(GlobalAveragePool.make)
    case "HardSigmoid": return .compute(HardSigmoid.make)
    case "HardSwish": return .compute(HardSwish.make)
    case "LeakyRelu": return .compute(LeakyRelu.make)
    case "MatMul": return .compute(MatMul.make)
    case "MaxPool": return .compute(MaxPool.make)
    case "Mul": return .compute(Mul.make)
    case "Pad": return .compute(Pad.make)
    case "ReduceMean": return .compute(ReduceMean.make)
    case "Relu": return .compute(Relu.make)
    case "Reshape": return .compute(Reshape.make)
    case "Sigmoid": return .compute(Sigmoid.make)
    case "Slice": return .compute(Slice.make)
    case "Softmax": return .compute(Softmax.make)
    case "Split": return .compute(Split.make)
    case "Squeeze": return .compute(Squeeze.make)
    case "Sub": return .compute(Sub.make)
    case "Transpose": return .compute(Transpose.make)
    case "Unsqueeze": return .compute(Unsqueeze.make)
    case "Identity", "Dropout": return .passThrough
    case "Cast", "Constant", "ConstantOfShape", "Shape", "Size": return .loadTime
    default: return nil
    }
  }

  /// Every op type in the table, for messages and `camvideo layers`.
  static let supported: [String] = [
    "Add", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant",
    "ConstantOfShape", "Conv",
    "Div", "Dropout", "Flatten", "Gather", "Gemm", "GlobalAveragePool", "HardSigmoid", "HardSwish",
    "Identity",
    "LeakyRelu", "MatMul", "MaxPool", "Mul", "Pad", "ReduceMean", "Relu", "Reshape", "Shape",
    "Sigmoid", "Size",
    "Slice", "Softmax", "Split", "Squeeze", "Sub", "Transpose", "Unsqueeze",
  ]
}
