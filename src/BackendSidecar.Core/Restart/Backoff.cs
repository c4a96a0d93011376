using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Restart;

/// <summary>
/// The contract's backoff: <c>initialMs · factor^n</c>, capped at <c>maxMs</c>, then varied by up to ± <c>jitter</c> of itself.
/// Pure; randomness comes in as a number in [0, 1) so tests can pin it.
/// </summary>
/// <remarks>Polly's exponential mode fixes the factor at 2 and uses decorrelated jitter, neither of which is the contract's.</remarks>
public static class Backoff
{
    /// <param name="attempt">0 for the first restart of a streak.</param>
    /// <param name="random01">A uniform random number in [0, 1).</param>
    public static TimeSpan Delay(BackoffOptions options, int attempt, double random01)
    {
        if (options.Initial <= TimeSpan.Zero) return TimeSpan.Zero;

        var maxMs = options.Max.TotalMilliseconds;
        // Math.Pow overflows to infinity for long streaks; Min keeps that harmless.
        var baseMs = Math.Min(options.Initial.TotalMilliseconds * Math.Pow(options.Factor, Math.Max(0, attempt)), maxMs);
        var spread = options.Jitter * baseMs * (2 * random01 - 1);
        var ms = Math.Clamp(baseMs + spread, 0, maxMs);
        return TimeSpan.FromMilliseconds(Math.Round(ms));
    }
}
