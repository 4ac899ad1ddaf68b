using Microsoft.ML.OnnxRuntime;

namespace MlNetGraviton.Models.Tests;

/// <summary>Runs a model with ONNX Runtime and returns every output as float[] with its shape.</summary>
internal static class OrtRunner
{
    public static Dictionary<string, (float[] Values, long[] Shape)> Run(byte[] model, ModelInputs inputs, GraphOptimizationLevel level)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var (name, data) in inputs.ByName())
            {
                names.Add(name);
                values.Add(OrtValue.CreateTensorValueFromMemory(data, [inputs.Batch, inputs.Sequence]));
            }
            using var runOptions = new RunOptions();
            var outputNames = session.OutputNames.ToArray();
            using var results = session.Run(runOptions, names, values, outputNames);
            var outputs = new Dictionary<string, (float[], long[])>();
            for (int i = 0; i < outputNames.Length; i++)
                outputs[outputNames[i]] = (results[i].GetTensorDataAsSpan<float>().ToArray(), results[i].GetTensorTypeAndShape().Shape);
            return outputs;
        }
        finally
        {
            foreach (var value in values)
                value.Dispose();
        }
    }
}
