[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("MlNetGraviton.Cli.Tests")]
