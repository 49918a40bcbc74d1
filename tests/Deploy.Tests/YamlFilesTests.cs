namespace Deploy.Tests;

/// <summary>Every YAML file under deploy/, whatever reads it (Compose, kubectl, kustomize).</summary>
public sealed class YamlFilesTests
{
    public static TheoryData<string> YamlFiles() => new(DeployFiles.AllYaml);

    [Fact]
    public void The_deploy_folder_has_the_compose_file_and_both_kustomizations()
    {
        Assert.Contains("compose.yaml", DeployFiles.AllYaml);
        Assert.Contains(Path.Combine("k8s", "kustomization.yaml"), DeployFiles.Kustomizations);
        Assert.Contains(Path.Combine("k8s", "trial", "kustomization.yaml"), DeployFiles.Kustomizations);
    }

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Every_yaml_file_under_deploy_parses_without_duplicate_keys(string file)
    {
        Assert.NotEmpty(DeployFiles.Load(file));
    }
}
