using System.Net;
using System.Net.Sockets;
using System.Text;

// The Windows smoke suite's backend: a TCP listener on 127.0.0.1:PORT that answers "ok" to a connection (the health
// check), exits with code 3 when a client sends "crash", and on CTRL_BREAK (the sidecar's graceful step) writes
// "graceful stop" and exits with 0. Optional: "spawn" starts a second copy of itself as a grandchild that only sleeps,
// to show the job takes it down too.
if (args.Length < 1 || !int.TryParse(args[0], out var port))
{
    Console.Error.WriteLine("usage: smoke-backend PORT [spawn]");
    return 2;
}
if (args.Length > 1 && args[1] == "sleep")
{
    Console.WriteLine("grandchild sleeping");
    Thread.Sleep(Timeout.Infinite);
}

var exitCode = new TaskCompletionSource<int>();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    Console.WriteLine($"graceful stop ({e.SpecialKey})");
    exitCode.TrySetResult(0);
};

if (args.Length > 1 && args[1] == "spawn")
{
    var grandchild = System.Diagnostics.Process.Start(Environment.ProcessPath!, [args[0], "sleep"]);
    Console.WriteLine($"grandchild {grandchild.Id}");
}

var listener = new TcpListener(IPAddress.Loopback, port);
listener.Start();
Console.WriteLine($"listening on 127.0.0.1:{port} as pid {Environment.ProcessId}");
_ = Task.Run(async () =>
{
    while (true)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        client.ReceiveTimeout = 200;
        var buffer = new byte[16];
        var read = 0;
        try { read = stream.Read(buffer); }
        catch (IOException) { } // the health check connects and says nothing
        if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("crash", StringComparison.Ordinal))
        {
            Console.WriteLine("crashing on request");
            exitCode.TrySetResult(3);
            return;
        }
        try { stream.Write("ok\n"u8); }
        catch (IOException) { }
    }
});
var code = await exitCode.Task;
listener.Stop();
return code;
