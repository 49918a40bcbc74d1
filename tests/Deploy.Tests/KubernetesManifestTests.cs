using System.Text.RegularExpressions;
using k8s;
using YamlDotNet.RepresentationModel;

namespace Deploy.Tests;

/// <summary>deploy/k8s/: what can be known about the manifests without a cluster.</summary>
public sealed partial class KubernetesManifestTests
{
    private const string OurImagePrefix = "commerce/";

    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet", "DaemonSet"];

    public static TheoryData<string> Manifests() => new(DeployFiles.KubernetesManifests);

    public static TheoryData<string> Kustomizations() => new(DeployFiles.Kustomizations);

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_document_has_an_api_version_a_kind_and_a_name(string file)
    {
        var documents = DeployFiles.Load(file);
        Assert.NotEmpty(documents);
        foreach (var document in documents)
        {
            Assert.False(string.IsNullOrWhiteSpace(document.Text("apiVersion")), $"{file}: a document without apiVersion");
            Assert.False(string.IsNullOrWhiteSpace(document.Text("kind")), $"{file}: a document without kind");
            Assert.False(string.IsNullOrWhiteSpace(document.Text("metadata", "name")), $"{file}: a {document.Text("kind")} without metadata.name");
        }
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_document_reads_strictly_into_the_kubernetes_model_of_its_kind(string file)
    {
        // The client library's models are generated from Kubernetes' OpenAPI document: a field that is misspelt or
        // at the wrong level, or given twice, throws here, where kubectl would refuse it (or, worse, drop it).
        var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(DeployFiles.FullPath(file)), strict: true);
        Assert.Equal(DeployFiles.Load(file).Count, objects.Count);
    }

    [Fact]
    public void Every_container_of_a_workload_has_readiness_and_liveness_probes_and_resources()
    {
        var containers = WorkloadContainers().ToList();
        foreach (var process in new[] { "silo", "frontend", "notifications", "payment-gateway" })
        {
            Assert.Contains(containers, c => c.Container.Text("name") == process && IsOurs(c.Container));
        }

        foreach (var (file, workload, container) in containers)
        {
            var where = $"{file}: {workload}, container {container.Text("name")}";
            Assert.True(container.Child("readinessProbe") is YamlMappingNode, $"{where} has no readiness probe");
            Assert.True(container.Child("livenessProbe") is YamlMappingNode, $"{where} has no liveness probe");
            Assert.False(string.IsNullOrWhiteSpace(container.Text("resources", "requests", "cpu")), $"{where} requests no CPU");
            Assert.False(string.IsNullOrWhiteSpace(container.Text("resources", "requests", "memory")), $"{where} requests no memory");
            Assert.False(string.IsNullOrWhiteSpace(container.Text("resources", "limits", "memory")), $"{where} has no memory limit");
            if (!IsOurs(container))
            {
                continue;
            }

            // Our processes answer /health/ready and /health/live on a port the container declares.
            Assert.Equal("/health/ready", container.Text("readinessProbe", "httpGet", "path"));
            Assert.Equal("/health/live", container.Text("livenessProbe", "httpGet", "path"));
            var ports = container.Child("ports").Items()
                .SelectMany(port => new[] { port.Text("name"), port.Text("containerPort") })
                .OfType<string>()
                .ToHashSet(StringComparer.Ordinal);
            Assert.Contains(container.Text("readinessProbe", "httpGet", "port") ?? "", ports);
            Assert.Contains(container.Text("livenessProbe", "httpGet", "port") ?? "", ports);
            Assert.True(container.Text("securityContext", "allowPrivilegeEscalation") == "false", $"{where} may gain privileges");
        }
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public void Every_file_a_kustomization_lists_exists_and_every_manifest_beside_it_is_listed(string kustomization)
    {
        var document = Assert.Single(DeployFiles.Load(kustomization));
        Assert.Equal("Kustomization", document.Text("kind"));
        Assert.StartsWith("kustomize.config.k8s.io/", document.Text("apiVersion"), StringComparison.Ordinal);
        var folder = Path.GetDirectoryName(DeployFiles.FullPath(kustomization))!;

        var resources = document.Child("resources").Items().Select(item => item.Text() ?? "").ToList();
        var patches = document.Child("patches").Items().Select(item => item.Text("path")).OfType<string>()
            .Concat(document.Child("patchesStrategicMerge").Items().Select(item => item.Text() ?? ""))
            .ToList();
        Assert.NotEmpty(resources);
        foreach (var listed in resources)
        {
            var path = Path.GetFullPath(Path.Combine(folder, listed));
            Assert.True(
                File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")),
                $"{kustomization} lists {listed}, which is neither a file nor a folder with a kustomization.yaml");
        }

        foreach (var listed in patches)
        {
            Assert.True(File.Exists(Path.Combine(folder, listed)), $"{kustomization} patches with {listed}, which does not exist");
        }

        // A manifest that no kustomization lists would never be applied. The Secret's example is deliberately left
        // out: the real Secret is made in the cluster, never from this repository.
        var listedFiles = resources.Concat(patches).Select(listed => Path.GetFullPath(Path.Combine(folder, listed))).ToHashSet(StringComparer.Ordinal);
        foreach (var manifest in Directory.EnumerateFiles(folder, "*.yaml").Where(path => Path.GetFileName(path) != "kustomization.yaml"))
        {
            if (Path.GetFileName(manifest) == "secret.example.yaml")
            {
                Assert.DoesNotContain(manifest, listedFiles);
                continue;
            }

            Assert.True(listedFiles.Contains(manifest), $"{kustomization} does not list {Path.GetFileName(manifest)}");
        }
    }

    [Fact]
    public void The_silo_pods_have_what_orleans_kubernetes_hosting_needs()
    {
        var (file, silo) = Document("Deployment", "silo");
        var template = silo.Path("spec", "template")!;
        var settings = Document("ConfigMap", "commerce-settings").Document.Child("data");

        // Microsoft.Orleans.Hosting.Kubernetes lists the cluster's pods by these labels, which must say what the silos'
        // Cluster settings say.
        Assert.Equal(settings.Text("Cluster__ServiceId"), template.Text("metadata", "labels", "orleans/serviceId"));
        Assert.Equal(settings.Text("Cluster__ClusterId"), template.Text("metadata", "labels", "orleans/clusterId"));

        var container = Assert.Single(template.Path("spec", "containers").Items());
        var environment = container.Child("env").Items().ToList();
        var names = environment.Select(variable => variable.Text("name")).ToList();
        Assert.Equal("metadata.name", FieldPath(environment, "POD_NAME"));
        Assert.Equal("metadata.namespace", FieldPath(environment, "POD_NAMESPACE"));
        Assert.Equal("status.podIP", FieldPath(environment, "POD_IP"));

        // Each silo advertises its pod's address and is named after its pod; $(VAR) only expands a variable defined above.
        Assert.Equal("$(POD_IP)", Value(environment, "Endpoints__AdvertisedIPAddress"));
        Assert.Equal("true", Value(environment, "Endpoints__ListenOnAnyHostAddress"));
        Assert.Equal("$(POD_NAME)", Value(environment, "Silo__Name"));
        Assert.True(names.IndexOf("POD_IP") < names.IndexOf("Endpoints__AdvertisedIPAddress"), $"{file}: POD_IP must come before its use");
        Assert.True(names.IndexOf("POD_NAME") < names.IndexOf("Silo__Name"), $"{file}: POD_NAME must come before its use");

        // Its service account may read, list, watch and label pods in the namespace.
        var account = template.Text("spec", "serviceAccountName");
        Assert.False(string.IsNullOrEmpty(account), $"{file}: the silos need a service account of their own");
        Assert.NotEqual("false", template.Text("spec", "automountServiceAccountToken"));
        var binding = KubernetesDocumentsOf("RoleBinding").Single(b => b.Child("subjects").Items()
            .Any(s => s.Text("kind") == "ServiceAccount" && s.Text("name") == account));
        var role = Document("Role", binding.Text("roleRef", "name")!).Document;
        var podRule = Assert.Single(role.Child("rules").Items(), rule => rule.Child("resources").Items().Any(r => r.Text() == "pods"));
        var verbs = podRule.Child("verbs").Items().Select(verb => verb.Text()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "get", "list", "watch", "patch" }, verbs);

        // Drains take one silo at a time.
        var budget = KubernetesDocumentsOf("PodDisruptionBudget")
            .Single(pdb => pdb.Text("spec", "selector", "matchLabels", "app.kubernetes.io/name") == "silo");
        Assert.Equal("silo", template.Text("metadata", "labels", "app.kubernetes.io/name"));
        Assert.True(budget.Path("spec", "maxUnavailable") is not null || budget.Path("spec", "minAvailable") is not null);
    }

    [Fact]
    public void Settings_and_secrets_are_read_by_keys_that_exist_and_the_secret_example_holds_placeholders_only()
    {
        var settings = Document("ConfigMap", "commerce-settings").Document.Child("data").Entries().Select(e => e.Key).ToHashSet();
        var (secretFile, secret) = Document("Secret", "commerce-secrets");
        Assert.Equal("k8s" + Path.DirectorySeparatorChar + "secret.example.yaml", secretFile);
        var secretValues = secret.Child("stringData").Entries().ToList();
        Assert.Null(secret.Child("data"));
        Assert.NotEmpty(secretValues);
        foreach (var (key, value) in secretValues)
        {
            Assert.True(Placeholder().IsMatch(value.Text() ?? ""), $"secret.example.yaml: {key} must hold a <placeholder>, never a value");
        }

        // An overlay changes settings the base has; a key only a patch has would be a misspelt one.
        foreach (var (file, patch) in DeployFiles.KubernetesDocuments().Where(e => IsPatch(e.File) && e.Document.Text("kind") == "ConfigMap"))
        {
            Assert.Equal("commerce-settings", patch.Text("metadata", "name"));
            Assert.All(patch.Child("data").Entries(), entry => Assert.True(settings.Contains(entry.Key), $"{file}: {entry.Key} is not in settings.yaml"));
        }

        var secretKeys = secretValues.Select(e => e.Key).ToHashSet();
        var references = WorkloadContainers().SelectMany(c => c.Container.Child("env").Items()).ToList();
        Assert.NotEmpty(references);
        foreach (var variable in references)
        {
            if (variable.Path("valueFrom", "configMapKeyRef") is { } setting)
            {
                Assert.Equal("commerce-settings", setting.Text("name"));
                Assert.True(settings.Contains(setting.Text("key")!), $"{variable.Text("name")} reads the missing setting {setting.Text("key")}");
            }

            if (variable.Path("valueFrom", "secretKeyRef") is { } secretKey)
            {
                Assert.Equal("commerce-secrets", secretKey.Text("name"));
                Assert.True(secretKeys.Contains(secretKey.Text("key")!), $"{variable.Text("name")} reads {secretKey.Text("key")}, which secret.example.yaml does not document");
            }

            // A secret is never written into a manifest: variables that carry one read it from the Secret.
            var name = variable.Text("name") ?? "";
            if (SecretLooking(name))
            {
                Assert.True(variable.Path("valueFrom", "secretKeyRef") is not null, $"{name} must come from the Secret");
            }
        }
    }

    [Fact]
    public void A_workload_patch_changes_a_container_the_base_has_and_mounts_only_volumes_it_declares()
    {
        // Strategic merge patches of an overlay (trial/'s shared files volume): a container name the base lacks would
        // add a container without an image, a mount of an undeclared volume is refused by the API server.
        var patches = DeployFiles.KubernetesDocuments().Where(e => IsPatch(e.File) && WorkloadKinds.Contains(e.Document.Text("kind"))).ToList();
        foreach (var (file, patch) in patches)
        {
            var (_, workload) = Document(patch.Text("kind")!, patch.Text("metadata", "name")!);
            var baseContainers = workload.Path("spec", "template", "spec", "containers").Items().Select(c => c.Text("name")).ToHashSet();
            var volumes = patch.Path("spec", "template", "spec", "volumes").Items()
                .Concat(workload.Path("spec", "template", "spec", "volumes").Items())
                .Select(v => v.Text("name"))
                .ToHashSet();
            foreach (var container in patch.Path("spec", "template", "spec", "containers").Items())
            {
                Assert.True(baseContainers.Contains(container.Text("name")), $"{file}: the base {patch.Text("kind")} has no container {container.Text("name")}");
                Assert.All(container.Child("volumeMounts").Items(), mount => Assert.True(volumes.Contains(mount.Text("name")), $"{file}: no volume {mount.Text("name")}"));
            }
        }
    }

    [Fact]
    public void Every_variable_set_for_our_processes_is_a_setting_they_read()
    {
        var unknown = (
                from c in WorkloadContainers()
                where IsOurs(c.Container)
                from variable in c.Container.Child("env").Items()
                let name = variable.Text("name") ?? ""
                where !SettingNames.IsKnown(name)
                select $"{c.File}: {c.Container.Text("name")}: {name}")
            .ToList();
        Assert.True(unknown.Count == 0, "Not a setting our processes read (README, Configuration):\n" + string.Join("\n", unknown));
    }

    internal static bool SecretLooking(string name) =>
        name.Contains("Password", StringComparison.OrdinalIgnoreCase) || name.Contains("_PASS", StringComparison.Ordinal)
        || name.Contains("Secret", StringComparison.OrdinalIgnoreCase) || name.Contains("SigningKey", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || name == "RabbitMq__Uri";

    [GeneratedRegex("<[^<>]+>")]
    private static partial Regex Placeholder();

    private static bool IsOurs(YamlNode container) => container.Text("image")?.StartsWith(OurImagePrefix, StringComparison.Ordinal) == true;

    /// <summary>An overlay's patch (<c>*-patch.yaml</c>): part of an object the base declares, not an object.</summary>
    internal static bool IsPatch(string file) => file.EndsWith("-patch.yaml", StringComparison.Ordinal);

    /// <summary>The workloads' containers, as the base and the overlays' own manifests declare them (not their patches).</summary>
    private static IEnumerable<(string File, string Workload, YamlNode Container)> WorkloadContainers() =>
        from entry in DeployFiles.KubernetesDocuments()
        where WorkloadKinds.Contains(entry.Document.Text("kind")) && !IsPatch(entry.File)
        from container in entry.Document.Path("spec", "template", "spec", "containers").Items()
            .Concat(entry.Document.Path("spec", "template", "spec", "initContainers").Items())
        select (entry.File, $"{entry.Document.Text("kind")} {entry.Document.Text("metadata", "name")}", container);

    /// <summary>The one object of that kind and name, as the base declares it (an overlay's patch is not the object).</summary>
    private static (string File, YamlMappingNode Document) Document(string kind, string name) =>
        DeployFiles.KubernetesDocuments().Single(entry => !IsPatch(entry.File)
            && entry.Document.Text("kind") == kind && entry.Document.Text("metadata", "name") == name);

    private static IEnumerable<YamlMappingNode> KubernetesDocumentsOf(string kind) =>
        DeployFiles.KubernetesDocuments().Where(entry => entry.Document.Text("kind") == kind && !IsPatch(entry.File)).Select(entry => entry.Document);

    private static string? FieldPath(List<YamlNode> environment, string name) =>
        environment.Single(variable => variable.Text("name") == name).Text("valueFrom", "fieldRef", "fieldPath");

    private static string? Value(List<YamlNode> environment, string name) =>
        environment.Single(variable => variable.Text("name") == name).Text("value");
}
