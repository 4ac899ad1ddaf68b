using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// ONNX Runtime baseline: a one-node MatMul model with B as an initializer, built in memory.
/// </summary>
internal sealed class OrtMatMul : OrtGemmSession
{
    public OrtMatMul(GemmShape shape, int threads, float[] a, float[] b)
        : base(shape, threads, a, BuildModel(shape, b))
    {
    }

    public override string Detail => $"MatMul, ONNX Runtime {OrtEnv.Instance().GetVersionString()}";

    /// <summary>The model bytes: graph input A [M, K], initializer B [K, N], output C [M, N], opset 17.</summary>
    public static byte[] BuildModel(GemmShape shape, float[] b)
    {
        var graph = new GraphProto { Name = "matmul" };
        graph.Input.Add(Value("A", shape.M, shape.K));
        graph.Output.Add(Value("C", shape.M, shape.N));
        graph.Initializer.Add(Tensor("B", TensorProto.Types.DataType.Float, System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan(0, shape.K * shape.N)), shape.K, shape.N));
        var node = new NodeProto { Name = "MatMul", OpType = "MatMul" };
        node.Input.Add("A");
        node.Input.Add("B");
        node.Output.Add("C");
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "mlnetgraviton bench gemm" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }
}
