namespace MlNetGraviton.Models;

/// <summary>Preset sizes: Tiny (2 layers, hidden 64) for tests, Base and Large matching the Hugging Face checkpoints.</summary>
public enum ModelSize
{
    Tiny,
    Base,
    Large,
}
