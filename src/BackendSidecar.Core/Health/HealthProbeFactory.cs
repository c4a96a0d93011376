using System.Globalization;
using System.Text.RegularExpressions;
using BackendSidecar.Core.Configuration;
using BackendSidecar.Core.Logging;

namespace BackendSidecar.Core.Health;

/// <summary>Makes the real probes: <see cref="HttpHealthProbe"/>, <see cref="TcpHealthProbe"/>, <see cref="StdoutPatternProbe"/>.</summary>
public sealed class HealthProbeFactory : IHealthProbeFactory
{
    /// <summary>How long a backtracking pattern may spend on one line before the line counts as not matching.</summary>
    public static readonly TimeSpan PatternMatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc/>
    public IHealthProbe Create(HealthOptions options, LogRingBuffer logs, long fromSeq)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logs);
        switch (options.Kind)
        {
            case HealthKind.Http:
                if (!Uri.TryCreate(options.Target, UriKind.Absolute, out var url))
                {
                    throw new ArgumentException($"health.http is not an absolute URL: {options.Target}", nameof(options));
                }

                return new HttpHealthProbe(url, options.ExpectStatus, options.ExpectJson, options.Timeout);
            case HealthKind.Tcp:
                if (!TryParseHostPort(options.Target, out var host, out var port))
                {
                    throw new ArgumentException($"health.tcp is not \"host:port\": {options.Target}", nameof(options));
                }

                return new TcpHealthProbe(host, port, options.Timeout);
            case HealthKind.StdoutPattern:
                return new StdoutPatternProbe(CreatePattern(options.Target), logs, fromSeq);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "unknown health kind");
        }
    }

    /// <summary>
    /// Compiles a <c>stdoutPattern</c>: linear-time (non-backtracking) when the pattern allows it, else backtracking
    /// with <see cref="PatternMatchTimeout"/>, because it runs on every output line.
    /// </summary>
    /// <exception cref="ArgumentException">Not a valid regular expression.</exception>
    public static Regex CreatePattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            // Backreferences and lookarounds need the backtracking engine.
            return new Regex(pattern, RegexOptions.CultureInvariant, PatternMatchTimeout);
        }
    }

    /// <summary>Parses <c>host:port</c>, <c>[ipv6]:port</c> included.</summary>
    public static bool TryParseHostPort(string? target, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = target?.LastIndexOf(':') ?? -1;
        if (target is null || colon <= 0
            || !int.TryParse(target.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65535)
        {
            port = 0;
            return false;
        }

        host = target[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            // A bare IPv6 address must be bracketed, or its last group would be read as the port.
            host = "";
            port = 0;
            return false;
        }

        return host.Length > 0;
    }
}
