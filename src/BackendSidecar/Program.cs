using System.Reflection;
using BackendSidecar.Cli;
using BackendSidecar.Commands;

namespace BackendSidecar;

internal static class Program
{
    public static string Version { get; } =
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<int> Main(string[] args)
    {
        // Hidden: the POSIX platform's guard process, started by the sidecar itself (see PosixGuard).
        if (args is [Core.Platform.Posix.PosixGuard.Argument])
        {
            await using var input = Console.OpenStandardInput();
            return Core.Platform.Posix.PosixGuard.Run(input);
        }

        CommandLine options;
        try
        {
            options = CommandLine.Parse(args);
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"backend-sidecar: {ex.Message}. See backend-sidecar --help.");
            return 2;
        }

        if (options.Command is not (CommandKind.Help or CommandKind.Version))
        {
            try
            {
                _ = Hosting.SidecarServices.Platform;
            }
            catch (Core.Platform.PlatformSelectionException ex)
            {
                await Console.Error.WriteLineAsync($"backend-sidecar: {ex.Message}");
                return 2;
            }
        }

        // stdout belongs to the protocol in serve mode; only the other commands write to it.
        var code = options.Command switch
        {
            CommandKind.Help => await WriteAsync(CommandLine.Usage),
            CommandKind.Version => await WriteAsync($"backend-sidecar {Version}"),
            CommandKind.Run => await RunCommand.RunAsync(options, Console.Out, Console.Error),
            CommandKind.Check => await CheckCommand.RunAsync(options, Console.Out, Console.Error, TerminalColors.ForStdout(options.NoColor)),
            CommandKind.Status or CommandKind.Logs or CommandKind.Start or CommandKind.Stop or CommandKind.Restart or CommandKind.Diagnose =>
                await ClientCommands.RunAsync(options, Console.Out, Console.Error),
            _ => await ServeCommand.RunAsync(options),
        };
        await Hosting.SidecarServices.StopGuardAsync();
        return code;
    }

    private static async Task<int> WriteAsync(string text)
    {
        await Console.Out.WriteLineAsync(text);
        return 0;
    }
}
