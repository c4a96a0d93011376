using BackendSidecar.Commands;
using Microsoft.Extensions.Time.Testing;

namespace BackendSidecar.Tests.Commands;

/// <summary>
/// Ctrl+C for <c>run</c>: a launcher in front of the sidecar (<c>dotnet run</c>, <c>timeout</c>, an npm script) passes on
/// the terminal's SIGINT, which the sidecar got from the terminal too: one press arrives twice, milliseconds apart.
/// </summary>
public sealed class RunSignalsTests
{
    [Fact]
    public void OnePressDeliveredTwice_StopsGracefully_DoesNotForce()
    {
        var time = new FakeTimeProvider();
        using var signals = new RunSignals(time, register: false);

        signals.Receive();
        time.Advance(TimeSpan.FromMilliseconds(5));
        signals.Receive();

        Assert.True(signals.Stopping.IsCancellationRequested);
        Assert.False(signals.Forced.IsCompleted);
    }

    [Fact]
    public void ASecondPress_Forces()
    {
        var time = new FakeTimeProvider();
        using var signals = new RunSignals(time, register: false);

        signals.Receive();
        time.Advance(TimeSpan.FromMilliseconds(600));
        signals.Receive();

        Assert.True(signals.Forced.IsCompleted);
    }
}
