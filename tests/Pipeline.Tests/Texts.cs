namespace MlNetGraviton.Pipeline.Tests;

/// <summary>Short labelled sentences of varied length, so batches need padding.</summary>
internal static class Texts
{
    public static readonly TextRow[] Labelled =
    [
        new() { Text = "Great phone, works perfectly.", Label = true },
        new() { Text = "Terrible battery life.", Label = false },
        new() { Text = "I love it", Label = true },
        new() { Text = "Broke after two days and support never answered my emails.", Label = false },
        new() { Text = "Excellent value for the money!", Label = true },
        new() { Text = "Do not buy.", Label = false },
        new() { Text = "The sound quality is superb and the case feels solid.", Label = true },
        new() { Text = "Worst purchase ever", Label = false },
        new() { Text = "Very happy", Label = true },
        new() { Text = "It stopped charging within a week; a complete waste.", Label = false },
        new() { Text = "Fast shipping and it works as described.", Label = true },
        new() { Text = "Cheap plastic, feels flimsy.", Label = false },
        new() { Text = "Five stars.", Label = true },
        new() { Text = "The screen cracked on the first drop.", Label = false },
        new() { Text = "Highly recommended to anyone who needs a reliable headset.", Label = true },
        new() { Text = "Disappointing.", Label = false },
        new() { Text = "Comfortable to wear all day", Label = true },
        new() { Text = "Static noise on every call, unusable.", Label = false },
        new() { Text = "Does exactly what I wanted", Label = true },
        new() { Text = "Returned it.", Label = false },
    ];
}
