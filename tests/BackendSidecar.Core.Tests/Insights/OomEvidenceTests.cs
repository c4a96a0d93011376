using BackendSidecar.Core.Insights;
using BackendSidecar.Core.Tests.Configuration;

namespace BackendSidecar.Core.Tests.Insights;

public sealed class OomEvidenceTests
{
    [Fact]
    public void Locate_CgroupV2_ReadsMemoryEvents()
    {
        using var root = new TempFolder();
        root.Write("app.slice/api.service/memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\noom_group_kill 0\n");

        var counter = CgroupOomCounter.Locate("0::/app.slice/api.service\n", root.Path);

        Assert.NotNull(counter);
        Assert.Equal(2, counter.Read());
    }

    [Fact]
    public void Locate_CgroupV1_ReadsTheMemoryControllersOomControl()
    {
        using var root = new TempFolder();
        root.Write("memory/process_api/abc/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n");
        const string procCgroup = "9:name=systemd:/\n4:memory:/process_api/abc\n1:cpu:/\n0::/\n";

        Assert.Equal(5, CgroupOomCounter.Locate(procCgroup, root.Path)?.Read());
    }

    [Fact]
    public void Locate_HybridWithUnifiedMount_FindsIt()
    {
        using var root = new TempFolder();
        root.Write("unified/user.slice/memory.events", "oom_kill 0\n");

        Assert.Equal(0, CgroupOomCounter.Locate("0::/user.slice\n", root.Path)?.Read());
    }

    [Fact]
    public void Locate_NoFileWithAnOomKillLine_IsNull()
    {
        using var root = new TempFolder();
        root.Write("memory.events", "low 0\n");

        Assert.Null(CgroupOomCounter.Locate("0::/\n", root.Path));
        Assert.Null(CgroupOomCounter.Locate("garbage", root.Path));
    }

    [Fact]
    public void ForCurrentProcess_OnThisMachine_ReadsACountWhenTheControllerIsThere()
    {
        var counter = CgroupOomCounter.ForCurrentProcess();
        if (counter is null) return; // no memory controller visible here: nothing to read, which is the point of null.

        Assert.True(counter.Read() >= 0, counter.FilePath);
    }

    [Fact]
    public void Watch_CounterRoseDuringTheRun_IsSeen()
    {
        using var root = new TempFolder();
        var file = root.Write("memory.events", "oom_kill 1\n");
        var watch = OomWatch.Begin(CgroupOomCounter.Locate("0::/\n", root.Path), _ => throw new InvalidOperationException("the counter answers"));

        File.WriteAllText(file, "oom_kill 2\n");

        Assert.Equal(OomIndication.Seen, watch.Conclude(1234));
    }

    [Fact]
    public void Watch_CounterUnchanged_IsNotSeen()
    {
        using var root = new TempFolder();
        root.Write("memory.events", "oom_kill 1\n");
        var watch = OomWatch.Begin(CgroupOomCounter.Locate("0::/\n", root.Path));

        Assert.Equal(OomIndication.NotSeen, watch.Conclude(1234));
    }

    [Theory]
    [InlineData(true, OomIndication.Seen)]
    [InlineData(false, OomIndication.NotSeen)]
    [InlineData(null, OomIndication.Unknown)]
    public void Watch_NoCounter_AsksTheKernelLog(bool? logSays, OomIndication expected)
    {
        var asked = new List<int>();
        var watch = OomWatch.Begin(null, pid => { asked.Add(pid); return logSays; });

        Assert.Equal(expected, watch.Conclude(1234));
        Assert.Equal([1234], asked);
    }

    [Theory]
    [InlineData("Out of memory: Killed process 1234 (python3) total-vm:9000000kB, anon-rss:8000000kB, file-rss:0kB", true)]
    [InlineData("Memory cgroup out of memory: Killed process 1234 (python3) total-vm:100kB", true)]
    [InlineData("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/x,task_memcg=/x,task=python3,pid=1234,uid=0", true)]
    [InlineData("Out of memory: Killed process 12345 (python3)", false)]
    [InlineData("python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0", false)]
    public void KernelLog_NamesKill_OnlyForThatPid(string record, bool expected)
    {
        Assert.Equal(expected, KernelLogOom.NamesKill(record, 1234));
    }

    [Fact]
    public void KernelLog_ReadableHere_AnswersWithoutBlocking()
    {
        // /dev/kmsg blocks at its end unless opened non-blocking; this must come back (null where it is not readable).
        var answer = KernelLogOom.TryFindKill(int.MaxValue - 1);

        if (CanOpen("/dev/kmsg")) Assert.False(answer);
        else Assert.Null(answer);
    }

    [Fact]
    public void KernelLog_MissingDevice_IsNull()
    {
        Assert.Null(KernelLogOom.TryFindKill(1234, "/nonexistent/kmsg"));
    }

    private static bool CanOpen(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
