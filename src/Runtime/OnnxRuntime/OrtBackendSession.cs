using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using MlNetGraviton.Kernels;

namespace MlNetGraviton.Runtime;

/// <summary>
/// A model running on ONNX Runtime's CPU execution provider. Inputs are validated against the graph first, then
/// passed to ONNX Runtime as pinned views of the tensors' arrays (no element copies). Run is safe to call concurrently.
/// </summary>
public sealed class OrtBackendSession : IInferenceSession
{
    private readonly InferenceSession _session;
    private readonly OrtBackendOptions _options;
    private readonly string _precisionNote;
    private readonly bool _fastMathActive;
    private volatile bool _disposed;

    public OrtBackendSession(string modelPath, OrtBackendOptions? options = null)
        : this(modelPath, options, precisionNote: "", CpuFeatures.Detected)
    {
    }

    /// <param name="cpu">The CPU ONNX Runtime runs on; its bf16 fast-math only acts on Arm64 with BF16.</param>
    internal OrtBackendSession(string modelPath, OrtBackendOptions? options, string precisionNote, CpuFeatures cpu)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"ONNX model file not found: {modelPath}", modelPath);
        _options = (options ?? new OrtBackendOptions()).Clone();
        _precisionNote = precisionNote;
        _fastMathActive = _options.RequestsBf16FastMath && cpu.IsArm64 && cpu.Bf16;
        if (_options.RequestsBf16FastMath && !_fastMathActive && _precisionNote.Length == 0)
            _precisionNote = "bf16 fast-math requested, but ONNX Runtime applies it only on Arm64 CPUs with BF16";
        ModelPath = modelPath;

        using (SessionOptions sessionOptions = _options.ToSessionOptions())
        {
            try
            {
                _session = new InferenceSession(modelPath, sessionOptions);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException($"ONNX Runtime cannot load the model {modelPath}: {e.Message}", e);
            }
        }
        try
        {
            Inputs = Describe(_session.InputNames, _session.InputMetadata, "input");
            Outputs = Describe(_session.OutputNames, _session.OutputMetadata, "output");
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public string ModelPath { get; }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    public Precision ChosenPrecision => _fastMathActive ? Precision.BFloat16 : Precision.Float32;

    public string Description
    {
        get
        {
            string threads = _options.IntraOpThreads > 0 ? _options.IntraOpThreads.ToString(System.Globalization.CultureInfo.InvariantCulture) : "default";
            string precision = ChosenPrecision == Precision.BFloat16 ? "bf16 fast-math" : "fp32";
            string note = _precisionNote.Length > 0 ? $" ({_precisionNote})" : "";
            return $"onnxruntime {OrtEnv.Instance().GetVersionString()} on {RuntimeInformation.ProcessArchitecture}: " +
                   $"precision {precision}{note}, intra-op threads {threads}, graph optimization {_options.GraphOptimizationLevel}";
        }
    }

    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyCollection<string>? outputNames = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SessionInputValidator.Validate(Inputs, inputs);
        string[] outputs = SessionInputValidator.ResolveOutputs(Outputs, outputNames);

        int n = Inputs.Count;
        var names = new string[n];
        var values = new OrtValue[n];
        var pins = new GCHandle[n];
        try
        {
            for (int i = 0; i < n; i++)
            {
                Tensor tensor = inputs[Inputs[i].Name];
                names[i] = Inputs[i].Name;
                pins[i] = tensor.Pin();
                values[i] = OrtValue.CreateTensorValueWithData(
                    OrtMemoryInfo.DefaultInstance, OrtElementTypes.ToOrt(tensor.ElementType), tensor.Shape,
                    pins[i].AddrOfPinnedObject(), tensor.SizeInBytes);
            }

            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = _session.Run(runOptions, names, values, outputs);
            var byName = new Dictionary<string, Tensor>(outputs.Length, StringComparer.Ordinal);
            int k = 0;
            foreach (OrtValue result in results)
            {
                string name = outputs[k++];
                byName.Add(name, CopyOut(result, name));
            }
            return byName;
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"ONNX Runtime failed to run {ModelPath}: {e.Message}", e);
        }
        finally
        {
            foreach (OrtValue? value in values)
                value?.Dispose();
            foreach (GCHandle pin in pins)
                if (pin.IsAllocated)
                    pin.Free();
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _session.Dispose();
    }

    private Tensor CopyOut(OrtValue value, string name)
    {
        if (!value.IsTensor)
            throw new NotSupportedException($"output '{name}' of {ModelPath} is a {value.OnnxType}, not a tensor");
        OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
        TensorElementType type = OrtElementTypes.FromOrt(info.ElementDataType)
            ?? throw new NotSupportedException($"output '{name}' of {ModelPath} has element type {info.ElementDataType}, which tensors do not hold");
        Tensor tensor = Tensor.Zeros(type, info.Shape);
        if (tensor.SizeInBytes > 0)
            value.GetTensorMutableRawData().CopyTo(tensor.AsBytes());
        return tensor;
    }

    private IReadOnlyList<TensorInfo> Describe(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata, string kind)
    {
        var infos = new List<TensorInfo>(names.Count);
        foreach (string name in names)
        {
            NodeMetadata m = metadata[name];
            if (!m.IsTensor)
                throw new NotSupportedException($"{kind} '{name}' of {ModelPath} is a {m.OnnxValueType}; only tensor {kind}s are supported");
            TensorElementType type = OrtElementTypes.FromOrt(m.ElementDataType)
                ?? throw new NotSupportedException(
                    $"{kind} '{name}' of {ModelPath} has element type {m.ElementDataType}; supported: float32, float16, int64, int32, int8, uint8, bool");
            long[] dims = m.Dimensions.Select(d => (long)d).ToArray();
            string?[] symbolic = new string?[dims.Length];
            for (int i = 0; i < dims.Length; i++)
            {
                if (dims[i] < 0)
                    dims[i] = -1;
                if (dims[i] < 0 && i < m.SymbolicDimensions.Length && m.SymbolicDimensions[i].Length > 0)
                    symbolic[i] = m.SymbolicDimensions[i];
            }
            infos.Add(new TensorInfo(name, type, dims, symbolic));
        }
        return infos;
    }
}
