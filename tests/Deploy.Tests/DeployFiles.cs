using Commerce.Testing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Deploy.Tests;

/// <summary>The YAML files under deploy/, each read as the YAML documents it holds (anchors and merge keys resolved).</summary>
public static class DeployFiles
{
    public static string DeployFolder { get; } = Path.Combine(BuiltProject.RepositoryRoot, "deploy");

    public static string KubernetesFolder { get; } = Path.Combine(DeployFolder, "k8s");

    /// <summary>Every *.yaml and *.yml file under deploy/, as paths relative to deploy/ (stable test case names).</summary>
    public static IReadOnlyList<string> AllYaml { get; } = Directory
        .EnumerateFiles(DeployFolder, "*.*", SearchOption.AllDirectories)
        .Where(path => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal))
        .Select(path => Path.GetRelativePath(DeployFolder, path))
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The Kubernetes manifests: every YAML file under deploy/k8s/ except the kustomizations themselves.</summary>
    public static IReadOnlyList<string> KubernetesManifests { get; } = AllYaml
        .Where(path => path.StartsWith("k8s" + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !IsKustomization(path))
        .ToList();

    public static IReadOnlyList<string> Kustomizations { get; } = AllYaml.Where(IsKustomization).ToList();

    public static string FullPath(string relativePath) => Path.Combine(DeployFolder, relativePath);

    /// <summary>Loads every document of a file; duplicate keys and syntax errors throw.</summary>
    public static IReadOnlyList<YamlMappingNode> Load(string relativePath)
    {
        using var reader = new StreamReader(FullPath(relativePath));
        var stream = new YamlStream();
        // Merge keys (<<: *anchor) are resolved as Compose resolves them, so a service reads as Compose sees it.
        stream.Load(new MergingParser(new Parser(reader)));
        return stream.Documents
            .Select(document => document.RootNode as YamlMappingNode
                ?? throw new InvalidDataException($"{relativePath}: a document is not a mapping."))
            .ToList();
    }

    /// <summary>Every document of every Kubernetes manifest, with the file it came from.</summary>
    public static IEnumerable<(string File, YamlMappingNode Document)> KubernetesDocuments() =>
        KubernetesManifests.SelectMany(file => Load(file).Select(document => (file, document)));

    private static bool IsKustomization(string path) => Path.GetFileName(path) is "kustomization.yaml" or "kustomization.yml";
}

/// <summary>Reading the representation model without casts at every step.</summary>
public static class Yaml
{
    public static YamlNode? Child(this YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static YamlNode? Path(this YamlNode? node, params string[] keys) => keys.Aggregate(node, (current, key) => current.Child(key));

    public static string? Text(this YamlNode? node) => node is YamlScalarNode scalar ? scalar.Value : null;

    public static string? Text(this YamlNode? node, params string[] keys) => node.Path(keys).Text();

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => node is YamlSequenceNode sequence ? sequence.Children : [];

    public static IEnumerable<KeyValuePair<string, YamlNode>> Entries(this YamlNode? node) => node is YamlMappingNode mapping
        ? mapping.Children.Select(entry => new KeyValuePair<string, YamlNode>(entry.Key.Text() ?? "", entry.Value))
        : [];
}
