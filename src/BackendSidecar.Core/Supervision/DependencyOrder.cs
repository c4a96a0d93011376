using BackendSidecar.Core.Configuration;

namespace BackendSidecar.Core.Supervision;

/// <summary>Orders backends so that each comes after everything it depends on, keeping the file's order otherwise.</summary>
public static class DependencyOrder
{
    /// <remarks>The configuration loader already rejected unknown names and cycles; a cycle here still ends, in file order.</remarks>
    public static IReadOnlyList<BackendOptions> Sort(IReadOnlyList<BackendOptions> backends)
    {
        var byName = backends.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var result = new List<BackendOptions>(backends.Count);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);

        void Visit(BackendOptions b)
        {
            if (done.Contains(b.Name) || !visiting.Add(b.Name)) return;
            foreach (var d in b.DependsOn)
                if (byName.TryGetValue(d, out var dep)) Visit(dep);
            visiting.Remove(b.Name);
            done.Add(b.Name);
            result.Add(b);
        }

        foreach (var b in backends) Visit(b);
        return result;
    }
}
