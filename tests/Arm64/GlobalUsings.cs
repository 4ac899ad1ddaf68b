global using MlNetGraviton.Kernels;
