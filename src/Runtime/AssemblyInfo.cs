[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("MlNetGraviton.Runtime.Tests")]
