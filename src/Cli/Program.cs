using MlNetGraviton.Cli;
using MlNetGraviton.Cli.Commands;

return CliApp.Run(args, Console.Out, Console.Error);
