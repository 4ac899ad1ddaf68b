namespace MlNetGraviton.Models;

/// <summary>The transformer families the builders can write, named after their Hugging Face classes.</summary>
public enum TransformerArchitecture
{
    Bert,
    Roberta,
    Gpt2,
}
