[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("MlNetGraviton.Kernels.Tests")]
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("MlNetGraviton.Arm64.Tests")]
