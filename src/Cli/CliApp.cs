namespace MlNetGraviton.Cli;

using MlNetGraviton.Cli.Commands;

/// <summary>Dispatches `mlnetgraviton &lt;command&gt;` to its command; the commands stay thin over the libraries.</summary>
internal static class CliApp
{
    private const string Usage = """
        mlnetgraviton: transformer models in ML.NET, fast on CPUs (Graviton3 first, x86 too)

        usage: mlnetgraviton <command> [options]

        commands:
          demo                              build tiny models and run BERT embeddings -> ML.NET trainer, RoBERTa logits, GPT-2 next token
          cpu                               print the detected CPU features and the kernels in use
          models create <bert|roberta|gpt2> --size tiny|base|large --out FILE [--cased|--uncased] [--labels N] [--seed S]
          models list                       list the built-in model configurations
          infer --model M.onnx --input-dir D --output-dir O [--engine graviton|ort] [--precision fp32|bf16|int8|auto] [--threads N]
                                            read D/<input name>.npy, run the model, write O/<output name>.npy
          embed --model minilm|arctic-xs|FILE.onnx [--vocab FILE] --input texts.jsonl --output out.npy [--precision fp32|int8|bf16|auto]
                [--batch N] [--max-length N] [--threads N] [--pooling mean|cls] [--normalize] [--query] [--baseline-batches 1,8,32 [--rounds R]]
                                            one embedding per JSONL "text", in input order, into a float32 [rows, dim] .npy
          bench model [-m MODEL...] [--model-file F] [-p fp32|int8|bf16...] [-b N...] [-s N...] [-t RUNS] [--threads N]
                      [--engines graviton ort mlnet] [--csv PATH] [--quick] [--warmup N] [--no-chart] [--profile]
                                            ONNX Runtime's transformers benchmark for our engine, ORT and ML.NET side by side
          bench gemm [--m M --k K --n N] [--precision fp32|int8|bf16] [--threads T]... [--runs R] [--seconds S]
                                            one GEMM: our kernels vs ONNX Runtime's MatMul vs the measured FMA peak
          bench gemm --arm-model                   llvm-mca-19 Neoverse V1 model of each emitted Arm64 kernel's K loop (any host)
          bench tokenize [--tokenizer bert|roberta|gpt2]... [--input texts.jsonl] [--threads T]... [--seconds S]
                                            our Hugging Face-exact tokenizers vs Microsoft.ML.Tokenizers, tokens/s and ids that differ
          tokenize --tokenizer bert-base-uncased|bert-base-cased|roberta-base|gpt2|FILE.json|vocab.txt|FOLDER [--vocab DIR]
                   [--no-special-tokens] [--max-length N] [--truncation longest_first|only_first|only_second]
                   [--input FILE.jsonl|FILE|-] [--jsonl] [--output FILE]
                                            one JSON line per input line ("text", optional "text_pair" in .jsonl): ids, tokens,
                                            type_ids, attention_mask, offsets (Unicode code points)
          quantize IN.onnx OUT.onnx [--per-channel]
                                            dynamic int8 quantization in ONNX Runtime's format (s8 weights, u8 activations per run)
          conformance [--op NAME] [--data DIR] [--verbose] [--threads N]
                                            ONNX's backend node tests (Debian libonnx-testdata) on the graviton engine
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        string command = args[0];
        string[] rest = args[1..];
        try
        {
            return command switch
            {
                "demo" => DemoCommand.Run(rest, stdout),
                "cpu" => CpuCommand.Run(rest, stdout),
                "models" => ModelsCommand.Run(rest, stdout),
                "infer" => InferCommand.Run(rest, stdout),
                "tokenize" => TokenizeCommand.Run(rest, stdout, stderr),
                "embed" => EmbedCommand.Run(rest, stdout, stderr),
                "bench" => BenchCommand.Run(rest, stdout, stderr),
                "conformance" => ConformanceCommand.Run(rest, stdout),
                "quantize" => QuantizeCommand.Run(rest, stdout),
                _ => throw new UsageException($"unknown command '{command}'"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("run 'mlnetgraviton --help' for usage");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException
                                   or IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
