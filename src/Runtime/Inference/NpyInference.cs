namespace MlNetGraviton.Runtime;

/// <summary>
/// The `infer` command's logic: reads <c>inputDir/&lt;input name&gt;.npy</c> for every graph input, runs the model,
/// and writes <c>outputDir/&lt;output name&gt;.npy</c>. In file names '/', '\' and ':' become '_'.
/// </summary>
public static class NpyInference
{
    /// <summary>Runs <paramref name="modelPath"/> once and returns the paths of the written outputs, in graph order.</summary>
    public static IReadOnlyList<string> Run(string modelPath, string inputDir, string outputDir, InferenceOptions options, TextWriter? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(inputDir);
        ArgumentException.ThrowIfNullOrEmpty(outputDir);
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(inputDir))
            throw new DirectoryNotFoundException($"input directory not found: {inputDir}");

        using IInferenceSession session = InferenceSessionFactory.Create(modelPath, options);
        log?.WriteLine($"session: {session.Description}");

        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var inputFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (TensorInfo info in session.Inputs)
        {
            string path = Path.Combine(inputDir, FileNameFor(info.Name));
            if (!File.Exists(path))
                throw new FileNotFoundException($"missing input file for graph input '{info.Name}' ({info}): expected {path}", path);
            Tensor tensor = NpyFile.Read(path);
            inputs.Add(info.Name, tensor);
            inputFiles.Add(info.Name, path);
            log?.WriteLine($"input {info.Name}: {tensor} from {path}");
        }

        IReadOnlyDictionary<string, Tensor> outputs;
        try
        {
            outputs = session.Run(inputs);
        }
        catch (InputMismatchException e) when (inputFiles.ContainsKey(e.InputName))
        {
            // Validation names the input; the user also needs the file it came from.
            throw new InvalidDataException($"{inputFiles[e.InputName]}: {e.Message}", e);
        }

        Directory.CreateDirectory(outputDir);
        var written = new List<string>(session.Outputs.Count);
        var byFileName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (TensorInfo info in session.Outputs)
        {
            string fileName = FileNameFor(info.Name);
            if (!byFileName.TryAdd(fileName, info.Name))
                throw new InvalidOperationException(
                    $"outputs '{byFileName[fileName]}' and '{info.Name}' would both be written to {fileName}");
            string path = Path.Combine(outputDir, fileName);
            Tensor tensor = outputs[info.Name];
            NpyFile.Write(path, tensor);
            written.Add(path);
            log?.WriteLine($"output {info.Name}: {tensor} to {path}");
        }
        return written;
    }

    /// <summary>The .npy file name for a tensor name: '/', '\' and ':' (not allowed or meaningful in file names) become '_'.</summary>
    public static string FileNameFor(string tensorName)
    {
        ArgumentException.ThrowIfNullOrEmpty(tensorName);
        return tensorName.Replace('/', '_').Replace('\\', '_').Replace(':', '_') + ".npy";
    }
}
