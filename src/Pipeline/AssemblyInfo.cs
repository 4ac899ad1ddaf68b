[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("MlNetGraviton.Pipeline.Tests")]
