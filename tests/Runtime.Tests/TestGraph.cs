using Google.Protobuf;
using Onnx;

namespace MlNetGraviton.Runtime.Tests;

/// <summary>
/// A small ONNX graph built here (opset 17) and its plain C# reference:
/// y = x·W + b (x: float [batch_size, 3]), head/logits:0 = Relu(y),
/// ids_doubled = ids + ids (ids: int64 [batch_size, sequence_length]), not_flags = Not(flags) (flags: bool [batch_size]).
/// </summary>
internal sealed class TestGraph
{
    public const int In = 3;
    public const int Out = 4;
    public const string LogitsName = "head/logits:0";

    public TestGraph(int seed = 7)
    {
        W = RandomTensors.Floats(In * Out, seed);
        B = RandomTensors.Floats(Out, seed + 1);
    }

    public float[] W { get; }

    public float[] B { get; }

    public void Save(string path)
    {
        var graph = new GraphProto { Name = "matmul_add" };
        graph.Input.Add(Value("x", TensorProto.Types.DataType.Float, "batch_size", In));
        graph.Input.Add(Value("ids", TensorProto.Types.DataType.Int64, "batch_size", "sequence_length"));
        graph.Input.Add(Value("flags", TensorProto.Types.DataType.Bool, "batch_size"));
        graph.Output.Add(Value("y", TensorProto.Types.DataType.Float, "batch_size", Out));
        graph.Output.Add(Value(LogitsName, TensorProto.Types.DataType.Float, "batch_size", Out));
        graph.Output.Add(Value("ids_doubled", TensorProto.Types.DataType.Int64, "batch_size", "sequence_length"));
        graph.Output.Add(Value("not_flags", TensorProto.Types.DataType.Bool, "batch_size"));
        graph.Initializer.Add(Floats("W", W, In, Out));
        graph.Initializer.Add(Floats("b", B, Out));
        graph.Node.Add(Node("MatMul", ["x", "W"], ["xw"]));
        graph.Node.Add(Node("Add", ["xw", "b"], ["y"]));
        graph.Node.Add(Node("Relu", ["y"], [LogitsName]));
        graph.Node.Add(Node("Add", ["ids", "ids"], ["ids_doubled"]));
        graph.Node.Add(Node("Not", ["flags"], ["not_flags"]));

        var model = new ModelProto { IrVersion = 8, ProducerName = "MlNetGraviton.Runtime.Tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        using var stream = File.Create(path);
        model.WriteTo(stream);
    }

    /// <summary>x·W + b computed in double, the reference for ONNX Runtime's float result.</summary>
    public float[] Reference(float[] x)
    {
        int batch = x.Length / In;
        var y = new float[batch * Out];
        for (int r = 0; r < batch; r++)
            for (int c = 0; c < Out; c++)
            {
                double sum = B[c];
                for (int k = 0; k < In; k++)
                    sum += (double)x[r * In + k] * W[k * Out + c];
                y[r * Out + c] = (float)sum;
            }
        return y;
    }

    /// <summary>A full set of inputs for <paramref name="batch"/> rows and <paramref name="sequence"/> ids per row.</summary>
    public static Dictionary<string, Tensor> Inputs(int batch, int sequence, int seed)
    {
        var rng = new Random(seed);
        var ids = new long[batch * sequence];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = rng.NextInt64(-1_000_000_000_000, 1_000_000_000_000);
        var flags = new bool[batch];
        for (int i = 0; i < batch; i++)
            flags[i] = rng.Next(2) == 0;
        return new Dictionary<string, Tensor>
        {
            ["x"] = Tensor.Create(RandomTensors.Floats(batch * In, seed, scale: 3), batch, In),
            ["ids"] = Tensor.Create(ids, batch, sequence),
            ["flags"] = Tensor.Create(flags, batch),
        };
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object d in dims)
            shape.Dim.Add(d is string s
                ? new TensorShapeProto.Types.Dimension { DimParam = s }
                : new TensorShapeProto.Types.Dimension { DimValue = (int)d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static TensorProto Floats(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        return t;
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }
}
