[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("MlNetGraviton.Kernels.Tests")]
