[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("MlNetGraviton.Tokenization.Tests")]
