using System.Text.Json.Nodes;
using BackendSidecar.Core.Configuration;
using static BackendSidecar.Core.Tests.Configuration.ConfigTestSupport;

namespace BackendSidecar.Core.Tests.Configuration;

/// <summary>No input crashes the loader: every failure is a one-line ConfigException.</summary>
public sealed partial class ConfigLoaderTests
{
    private static readonly string[] Replacements =
        ["null", "true", "-1", "0", "1.5", "1e400", "\"\"", "\"x\"", "\"${\"", "\"${port}\"", "[]", "[1]", "{}", "{\"zz\": 1}"];

    [Fact]
    public void Parse_EveryValueOfTheSampleReplacedByEveryKindOfJunk_FailsOnlyWithConfigException()
    {
        var sample = JsonNode.Parse(File.ReadAllText(SampleConfigPath))!;
        var paths = new List<string>();
        CollectPaths(sample, "", paths);
        var attempts = 0;

        foreach (var path in paths)
        {
            foreach (var replacement in Replacements)
            {
                var mutated = JsonNode.Parse(File.ReadAllText(SampleConfigPath))!;
                Replace(mutated, path, JsonNode.Parse(replacement));
                attempts++;
                try
                {
                    ConfigLoader.Parse(mutated.ToJsonString(), ConfigDir, "production", sourcePath: null, NoEnv);
                }
                catch (ConfigException e)
                {
                    AssertOneLine(e);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{path} = {replacement}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
        Assert.True(attempts > 300, $"only {attempts} mutations");
    }

    private static void CollectPaths(JsonNode node, string path, List<string> paths)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    var childPath = $"{path}/{key}";
                    paths.Add(childPath);
                    if (child is not null) CollectPaths(child, childPath, paths);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    paths.Add($"{path}/{i}");
                    if (a[i] is { } item) CollectPaths(item, $"{path}/{i}", paths);
                }
                break;
        }
    }

    private static void Replace(JsonNode root, string path, JsonNode? value)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = root;
        foreach (var part in parts[..^1])
            parent = parent is JsonArray arr ? arr[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]! : parent[part]!;
        if (parent is JsonArray array) array[int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture)] = value;
        else parent[parts[^1]] = value;
    }
}
