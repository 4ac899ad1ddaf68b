[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("MlNetGraviton.Models.Tests")]
