using BackendSidecar.Core.Configuration.Schema;

namespace BackendSidecar.Core.Configuration;

/// <summary>Checks <c>dependsOn</c> across backends: names exist, no backend depends on itself, no cycles.</summary>
internal static class DependencyChecks
{
    /// <summary>Reports each unknown or self dependency, then the first cycle when there is none of those.</summary>
    /// <exception cref="ConfigException">At the first bad <c>dependsOn</c> entry, in file order, unless <paramref name="errors"/> collects.</exception>
    public static void Check(IReadOnlyList<ReadBackend> backends, ConfigErrors errors)
    {
        var before = errors.All.Count;
        var byName = backends.ToDictionary(b => b.Options.Name, StringComparer.Ordinal);
        foreach (var backend in backends)
        {
            var i = 0;
            foreach (var dependency in backend.Options.DependsOn)
            {
                var path = JsonPath.Index(backend.DependsOnPath, i++);
                if (dependency == backend.Options.Name)
                    errors.Report(new ConfigException(path, "a backend cannot depend on itself"));
                else if (!byName.ContainsKey(dependency))
                {
                    var hint = Suggestions.DidYouMean(dependency, byName.Keys);
                    errors.Report(new ConfigException(path, $"unknown backend {JsonText.Quote(dependency)}{hint}; known: {string.Join(", ", byName.Keys)}"));
                }
            }
        }
        // The cycle search walks the dependencies, so only once they all name existing backends.
        if (errors.All.Count == before) FindCycle(backends, byName, errors);
    }

    private enum Mark { Unvisited, OnStack, Done }

    private static void FindCycle(IReadOnlyList<ReadBackend> backends, Dictionary<string, ReadBackend> byName, ConfigErrors errors)
    {
        var marks = backends.ToDictionary(b => b.Options.Name, _ => Mark.Unvisited, StringComparer.Ordinal);
        var stack = new List<string>();

        // Depth is bounded by the number of backends; each is visited once.
        void Visit(ReadBackend backend)
        {
            var name = backend.Options.Name;
            marks[name] = Mark.OnStack;
            stack.Add(name);
            var i = 0;
            foreach (var dependency in backend.Options.DependsOn)
            {
                var index = i++;
                switch (marks[dependency])
                {
                    case Mark.OnStack:
                        var cycle = stack.Skip(stack.IndexOf(dependency)).Append(dependency);
                        throw new ConfigException(JsonPath.Index(backend.DependsOnPath, index), $"dependency cycle: {string.Join(" -> ", cycle)}");
                    case Mark.Unvisited:
                        Visit(byName[dependency]);
                        break;
                }
            }
            stack.RemoveAt(stack.Count - 1);
            marks[name] = Mark.Done;
        }

        // One cycle is reported: the others usually share its edges, and the search would have to unwind past them.
        try
        {
            foreach (var backend in backends)
                if (marks[backend.Options.Name] == Mark.Unvisited) Visit(backend);
        }
        catch (ConfigException cycle)
        {
            errors.Report(cycle);
        }
    }
}
