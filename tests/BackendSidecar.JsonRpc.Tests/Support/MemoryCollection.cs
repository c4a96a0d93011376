namespace BackendSidecar.JsonRpc.Tests.Support;

/// <summary>Tests that measure allocations run alone, so other tests' allocations do not count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "Memory measurements";
}
