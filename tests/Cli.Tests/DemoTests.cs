namespace MlNetGraviton.Cli.Tests;

/// <summary>The demo end to end on a balanced subset of the UCI sentences (the real MiniLM model, then the tiny random ones).</summary>
public sealed class DemoTests
{
    [Fact]
    public void DemoRunsEndToEndOnASubset()
    {
        (int code, string stdout, string stderr) = CliRunner.Run("demo", "--rows", "300");
        Assert.True(code == 0, stderr);
        Assert.Contains("train: amazon + yelp (200 sentences); test: imdb (100 sentences)", stdout);
        Assert.Matches(@"fp32  accuracy \d+\.\d %  F1 \d\.\d{3}  AUC \d\.\d{3}  embedded 300 sentences in [\d.]+ s \(\d+ rows/s\)", stdout);
        Assert.Contains("kernels: ", stdout);

        // A real model, not a hashed bag of words: trained on amazon + yelp only, imdb is well above chance (79 % here).
        var accuracy = System.Text.RegularExpressions.Regex.Match(stdout, @"fp32  accuracy (\d+\.\d) %");
        Assert.True(double.Parse(accuracy.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 65, stdout);
        Assert.Contains("PredictionEngine: \"This was a wonderful, delightful movie.\" -> ", stdout);
        // What this CPU cannot serve is said, never faked.
        Assert.Matches(@"int8  (accuracy|not available: )", stdout);
        Assert.Matches(@"bf16  (accuracy|not available: )", stdout);
        Assert.Contains("== semantic search: top 3 of the 300 sentences", stdout);
        Assert.Contains("query \"the waiter was rude\"", stdout);
        Assert.Contains("logits [", stdout);
        Assert.Contains("top 5 next tokens: ", stdout);
        Assert.Contains("demo: done", stdout);
    }

    [Fact]
    public void TooFewRowsIsAUsageError()
    {
        (int code, _, string stderr) = CliRunner.Run("demo", "--rows", "2");
        Assert.Equal(2, code);
        Assert.Contains("--rows must be at least 6", stderr);
    }
}
