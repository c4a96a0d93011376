using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Tests.Processes;
using BackendSidecar.Testing;

namespace BackendSidecar.Core.Tests.Insights;

/// <summary>Real processes: a shell leading its own group with a busy child and a sleeping one.</summary>
public sealed class ProcessGroupSamplerTests
{
    private const string BusyGroup = "sleep 60 & (while :; do :; done) & echo ready; wait";

    private static TestBackendRun StartShell(string script) =>
        TestBackendRun.Start([], r => r with { FileName = "/bin/bash", Args = ["-c", script] });

    [Fact(Timeout = 30_000)]
    public async Task Sample_ShellWithTwoChildren_CountsTheGroupAndItsMemory()
    {
        using var run = StartShell(BusyGroup);
        await run.Stdout.WaitForLineAsync(l => l == "ready", TestTimeouts.Unexpected);

        var sample = await SampleUntil(run.Child.Pid, s => s.Processes == 3);

        Assert.Equal(3, sample.Processes);
        // bash, a bash subshell and sleep: each has at least a few hundred KiB resident.
        Assert.InRange(sample.RssBytes, 1L << 20, 1L << 30);
    }

    [Fact(Timeout = 30_000)]
    public async Task CpuPercent_BusyLoopInTheGroup_IsAboveZero()
    {
        using var run = StartShell(BusyGroup);
        await run.Stdout.WaitForLineAsync(l => l == "ready", TestTimeouts.Unexpected);
        var first = await SampleUntil(run.Child.Pid, s => s.Processes == 3);

        // Real time has to pass for CPU time to accumulate; wait until the group has used some (bounded).
        var second = await SampleUntil(run.Child.Pid, s => s.CpuTime - first.CpuTime >= TimeSpan.FromMilliseconds(100));
        var percent = ProcessGroupSampler.CpuPercent(first, second, TimeProvider.System);

        // One busy loop on a shared two-core machine: well above idle, at most a little over one core.
        Assert.InRange(percent, 5, 210);
    }

    [Fact]
    public void Sample_GroupWithoutMembers_IsNull()
    {
        Assert.Null(ProcessGroupSampler.Sample(int.MaxValue - 1, TimeProvider.System));
    }

    [Fact]
    public void ParseCpuTicks_CommWithSpacesAndParentheses_CountsFromTheLastParenthesis()
    {
        const string stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 1 0 12345 1000000 200 18446744073709551615";

        Assert.Equal(325, ProcessGroupSampler.ParseCpuTicks(stat));
    }

    [Fact]
    public void ParseResidentPages_Statm_IsTheSecondField()
    {
        Assert.Equal(1234, ProcessGroupSampler.ParseResidentPages("5000 1234 300 10 0 900 0\n"));
    }

    private static async Task<GroupSample> SampleUntil(int group, Func<GroupSample, bool> done)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Unexpected;
        while (true)
        {
            var sample = ProcessGroupSampler.Sample(group, TimeProvider.System);
            if (sample is not null && done(sample)) return sample;
            Assert.True(DateTime.UtcNow < deadline, $"the group never got there; last sample {sample}");
            await Task.Delay(50);
        }
    }
}
