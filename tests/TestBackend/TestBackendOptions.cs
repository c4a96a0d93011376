using System.Globalization;

namespace TestBackend;

/// <summary>The command line of test-backend; every flag combines with the others.</summary>
internal sealed class TestBackendOptions
{
    public int? Port { get; private set; }
    public int ReadyAfterMs { get; private set; }
    public string HealthJson { get; private set; } = """{"status":"ok"}""";
    public int? ExitAfterMs { get; private set; }
    public int? ExitCode { get; private set; }
    public bool IgnoreSigterm { get; private set; }
    public int TermDelayMs { get; private set; }
    public int Grandchildren { get; private set; }
    public bool EscapeGroup { get; private set; }
    public int Lines { get; private set; }
    public int LineBytes { get; private set; } = 80;
    public List<string> Print { get; } = [];
    public List<string> EchoEnv { get; } = [];
    public List<string> Stderr { get; } = [];
    public int? HoldPort { get; private set; }
    public List<string>? Launch { get; private set; }
    public bool NoParentDeathSignal { get; private set; }

    /// <summary>Internal: the re-executed grandchild of --escape-group.</summary>
    public bool SetsidSleep { get; private set; }

    public static TestBackendOptions Parse(string[] args)
    {
        var options = new TestBackendOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--port": options.Port = NextInt(); break;
                case "--ready-after-ms": options.ReadyAfterMs = NextInt(); break;
                case "--health-json": options.HealthJson = Next(); break;
                case "--exit-after-ms": options.ExitAfterMs = NextInt(); break;
                case "--exit-code": options.ExitCode = NextInt(); break;
                case "--ignore-sigterm": options.IgnoreSigterm = true; break;
                case "--term-delay-ms": options.TermDelayMs = NextInt(); break;
                case "--grandchildren": options.Grandchildren = NextInt(); break;
                case "--escape-group": options.EscapeGroup = true; break;
                case "--lines": options.Lines = NextInt(); break;
                case "--line-bytes": options.LineBytes = NextInt(); break;
                case "--print": options.Print.Add(Next()); break;
                case "--echo-env": options.EchoEnv.Add(Next()); break;
                case "--stderr": options.Stderr.Add(Next()); break;
                case "--hold-port": options.HoldPort = NextInt(); break;
                case "--no-pdeathsig": options.NoParentDeathSignal = true; break;
                case "--setsid-sleep": options.SetsidSleep = true; break;
                case "--launch":
                    if (i + 1 < args.Length && args[i + 1] == "--") i++;
                    options.Launch = [.. args[(i + 1)..]];
                    if (options.Launch.Count == 0) throw new ArgumentException("--launch needs a command");
                    i = args.Length;
                    break;
                default: throw new ArgumentException($"unknown flag {args[i]}");
            }
        }
        return options;
    }
}
