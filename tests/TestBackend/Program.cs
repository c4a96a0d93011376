// test-backend: a real child process for the tests (the idea of CliWrap's Dummy). Every flag combines with the others.
// It prints "pid <pid>" first so tests can synchronise on output lines, and then, as asked:
//   --print TEXT, --echo-env NAME (prints NAME=<value>), --stderr TEXT
//   --grandchildren N ("grandchild <pid>": same group, sleep forever), --escape-group ("escaped <pid>": setsid, sleeps)
//   --port N | --hold-port N ("port <n>"; 0 picks a free one), --ready-after-ms N, --health-json JSON
//   --lines N --line-bytes B (then "done" on stderr), --launch -- CMD... ("child <pid>", started as the sidecar does;
//   --no-pdeathsig before it: without the parent-death signal)
//   --exit-after-ms N, --exit-code C (without --exit-after-ms: exit once set up), --ignore-sigterm, --term-delay-ms N
// Without an exit flag it runs until signalled.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using TestBackend;

var options = TestBackendOptions.Parse(args);
var stdout = Console.Out;

if (options.SetsidSleep)
{
    // The escaped grandchild: leave the group and the session, then say so (the line comes after setsid succeeded).
    if (Native.setsid() < 0) return 4;
    stdout.WriteLine($"escaped {Environment.ProcessId}");
    Thread.Sleep(Timeout.Infinite);
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    Console.Error.WriteLine(options.IgnoreSigterm ? "sigterm ignored" : "sigterm received");
    if (options.IgnoreSigterm) return;
    _ = Task.Run(async () =>
    {
        if (options.TermDelayMs > 0) await Task.Delay(options.TermDelayMs);
        Environment.Exit(0);
    });
});
// Announced only once the handler is in place: a test that signals right after reading the pid must hit it.
stdout.WriteLine($"pid {Environment.ProcessId}");

foreach (var text in options.Print) stdout.WriteLine(text);
foreach (var name in options.EchoEnv) stdout.WriteLine($"{name}={Environment.GetEnvironmentVariable(name)}");
foreach (var text in options.Stderr) Console.Error.WriteLine(text);

for (var i = 0; i < options.Grandchildren; i++)
{
    using var sleeper = System.Diagnostics.Process.Start("sleep", "infinity");
    stdout.WriteLine($"grandchild {sleeper.Id}");
}
if (options.EscapeGroup)
{
    using var escapee = System.Diagnostics.Process.Start(Environment.ProcessPath!, "--setsid-sleep");
}

if (options.Port is { } port)
{
    var server = HealthServer.Start(port, TimeSpan.FromMilliseconds(options.ReadyAfterMs), options.HealthJson);
    stdout.WriteLine($"port {server.Port}");
}
if (options.HoldPort is { } holdPort)
{
    stdout.WriteLine($"port {PortHolder.Start(holdPort)}");
}

if (options.Lines > 0)
{
    Flood.Write(options.Lines, options.LineBytes);
    Console.Error.WriteLine("done");
}

if (options.Launch is { } command)
{
    var child = Launcher.Start(command, killOnParentDeath: !options.NoParentDeathSignal);
    stdout.WriteLine($"child {child.Pid}");
}

if (options.ExitAfterMs is { } exitAfter) await Task.Delay(exitAfter);
if (options.ExitAfterMs is not null || options.ExitCode is not null) return options.ExitCode ?? 0;
await Task.Delay(Timeout.Infinite);
return 0;

internal static partial class Native
{
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setsid();
}

/// <summary>--hold-port: listens and accepts, but never answers (a foreign process squatting on the port).</summary>
internal static class PortHolder
{
    private static readonly List<TcpClient> s_held = [];

    public static int Start(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (true) s_held.Add(await listener.AcceptTcpClientAsync());
        });
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
