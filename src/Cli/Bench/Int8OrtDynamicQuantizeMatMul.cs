using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// ONNX Runtime's int8 baseline: a one-node com.microsoft DynamicQuantizeMatMul (A float, B s8 initializer with
/// per-column scales and zero points 0), built in memory, all graph optimizations, the same intra-op thread count;
/// it quantizes A on every run, like ours.
/// </summary>
internal sealed class Int8OrtDynamicQuantizeMatMul : OrtGemmSession
{
    public Int8OrtDynamicQuantizeMatMul(GemmShape shape, int threads, float[] a, sbyte[] b, float[] bScales)
        : base(shape, threads, a, BuildModel(shape, b, bScales))
    {
    }

    public override string Detail => $"DynamicQuantizeMatMul, ONNX Runtime {OrtEnv.Instance().GetVersionString()}";

    /// <summary>The model bytes: input A [M, K] float, initializers B [K, N] s8, b_scale [N], b_zero_point [N], output C.</summary>
    public static byte[] BuildModel(GemmShape shape, sbyte[] b, float[] bScales)
    {
        var graph = new GraphProto { Name = "dynamic_quantize_matmul" };
        graph.Input.Add(Value("A", shape.M, shape.K));
        graph.Output.Add(Value("C", shape.M, shape.N));
        graph.Initializer.Add(Tensor("B", TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(b.AsSpan(0, shape.K * shape.N)), shape.K, shape.N));
        graph.Initializer.Add(Tensor("b_scale", TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(bScales.AsSpan(0, shape.N)), shape.N));
        graph.Initializer.Add(Tensor("b_zero_point", TensorProto.Types.DataType.Int8, new byte[shape.N], shape.N));
        var node = new NodeProto { Name = "DynamicQuantizeMatMul", OpType = "DynamicQuantizeMatMul", Domain = "com.microsoft" };
        node.Input.Add("A");
        node.Input.Add("B");
        node.Input.Add("b_scale");
        node.Input.Add("b_zero_point");
        node.Output.Add("C");
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "mlnetgraviton bench gemm" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return model.ToByteArray();
    }
}
