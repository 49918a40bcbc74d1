using System.Text.RegularExpressions;
using Commerce.Testing;
using YamlDotNet.RepresentationModel;

namespace Deploy.Tests;

/// <summary>deploy/compose.yaml, as Compose reads it (merge keys resolved), without a container engine.</summary>
public sealed partial class ComposeTests
{
    /// <summary>
    /// Processes the Dockerfile may be asked to build that are being written beside it. None now (src/Notifications
    /// exists): every PROJECT must be a project of src/.
    /// </summary>
    private static readonly HashSet<string> PendingProjects = [];

    private static readonly Lazy<YamlMappingNode> Compose = new(() => Assert.Single(DeployFiles.Load("compose.yaml")));

    private static IEnumerable<KeyValuePair<string, YamlNode>> Services => Compose.Value.Child("services").Entries();

    /// <summary>Our processes: the services built from this repository.</summary>
    private static IEnumerable<KeyValuePair<string, YamlNode>> OurServices => Services.Where(service => service.Value.Child("build") is not null);

    [Fact]
    public void The_whole_system_is_there()
    {
        var services = Services.Select(service => service.Key).ToHashSet();
        Assert.Superset(services, new HashSet<string>
        {
            "postgres", "rabbitmq", "maildev", "silo-1", "silo-2", "frontend-1", "frontend-2", "notifications", "payment-gateway",
        });
        Assert.StartsWith("postgres:15", Service("postgres").Text("image"), StringComparison.Ordinal);
        Assert.StartsWith("rabbitmq:3-management", Service("rabbitmq").Text("image"), StringComparison.Ordinal);
        Assert.True(Service("postgres").Child("volumes").Items().Any(), "PostgreSQL's data must be on a volume");
    }

    [Fact]
    public void Each_process_is_built_by_the_one_dockerfile_from_a_project_of_this_repository()
    {
        Assert.NotEmpty(OurServices);
        foreach (var (name, service) in OurServices)
        {
            var context = Path.GetFullPath(Path.Combine(DeployFiles.DeployFolder, service.Text("build", "context") ?? "."));
            Assert.Equal(BuiltProject.RepositoryRoot, context.TrimEnd(Path.DirectorySeparatorChar));
            Assert.True(File.Exists(Path.Combine(context, service.Text("build", "dockerfile") ?? "Dockerfile")), $"{name}: no such Dockerfile");
            var project = service.Text("build", "args", "PROJECT");
            Assert.False(string.IsNullOrEmpty(project), $"{name}: no PROJECT build argument");
            Assert.True(
                File.Exists(Path.Combine(context, "src", project, project + ".csproj")) || PendingProjects.Contains(project),
                $"{name}: src/{project}/{project}.csproj does not exist");
            Assert.StartsWith("commerce/", service.Text("image"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Secrets_come_from_required_variables_never_from_the_file()
    {
        var checkedSecrets = 0;
        foreach (var (service, name, value) in Environment(Services))
        {
            var where = $"compose.yaml: {service}: {name}";

            // Connection strings and AMQP URIs carry their password from a required variable.
            if (value.Contains("Password=", StringComparison.OrdinalIgnoreCase))
            {
                Assert.True(PasswordFromRequiredVariable().IsMatch(value), $"{where}: the password must be ${{NAME:?…}}");
                checkedSecrets++;
            }

            if (UriWithCredentials().Match(value) is { Success: true } uri)
            {
                Assert.True(RequiredVariable().IsMatch(uri.Groups["password"].Value), $"{where}: the URI's password must be ${{NAME:?…}}");
                checkedSecrets++;
            }

            if (KubernetesManifestTests.SecretLooking(name) && !name.StartsWith("ConnectionStrings__", StringComparison.Ordinal) && name != "RabbitMq__Uri")
            {
                Assert.True(WholeRequiredVariable().IsMatch(value), $"{where}: a secret must be ${{NAME:?…}}, required and never written here");
                checkedSecrets++;
            }
        }

        // The database, the broker, the signing key and the merchant secret, in every service that uses them.
        Assert.True(checkedSecrets >= 12, $"only {checkedSecrets} secrets found");
        var required = Environment(Services)
            .SelectMany(entry => RequiredVariable().Matches(entry.Value))
            .Select(match => match.Groups["name"].Value)
            .ToHashSet();
        Assert.Superset(required, new HashSet<string> { "POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "AUTH_SIGNING_KEY", "VNPAY_HASH_SECRET" });

        // The template of the env file names each of them, with no value.
        var template = File.ReadAllLines(Path.Combine(DeployFiles.DeployFolder, ".env.example"));
        foreach (var variable in required)
        {
            Assert.Contains(variable + "=", template);
        }
    }

    [Fact]
    public void Services_using_the_database_or_the_broker_wait_until_it_is_healthy()
    {
        foreach (var dependency in new[] { "postgres", "rabbitmq" })
        {
            Assert.True(Service(dependency).Child("healthcheck").Child("test") is not null, $"{dependency} needs a health check");
        }

        var users = 0;
        foreach (var (name, service) in OurServices)
        {
            var values = service.Child("environment").Entries().Select(e => e.Value.Text() ?? "").ToList();
            foreach (var (dependency, marker) in new[] { ("postgres", "Host=postgres;"), ("rabbitmq", "@rabbitmq:") })
            {
                if (values.Any(value => value.Contains(marker, StringComparison.Ordinal)))
                {
                    users++;
                    Assert.Equal("service_healthy", service.Text("depends_on", dependency, "condition"));
                }
            }
        }

        Assert.True(users >= 7, $"only {users} uses of the database or the broker found");
    }

    [Fact]
    public void Silos_advertise_their_container_address_and_listen_on_it()
    {
        foreach (var silo in new[] { "silo-1", "silo-2" })
        {
            var service = Service(silo);
            Assert.Equal("true", service.Text("environment", "Endpoints__ListenOnAnyHostAddress"));
            var entrypoint = string.Join(" ", service.Child("entrypoint").Items().Select(item => item.Text()));
            Assert.Contains("export Endpoints__AdvertisedIPAddress=", entrypoint, StringComparison.Ordinal);
            Assert.Contains("exec /app/start", entrypoint, StringComparison.Ordinal);
            Assert.Equal(silo, service.Text("hostname"));

            // The silo and gateway ports are for the compose network only (README, "Network model").
            Assert.Null(service.Child("ports"));
        }
    }

    [Fact]
    public void Every_variable_set_for_our_processes_is_a_setting_they_read()
    {
        var unknown = Environment(OurServices)
            .Where(entry => !SettingNames.IsKnown(entry.Name))
            .Select(entry => $"compose.yaml: {entry.Service}: {entry.Name}")
            .ToList();
        Assert.True(unknown.Count == 0, "Not a setting our processes read (README, Configuration):\n" + string.Join("\n", unknown));
        Assert.NotEmpty(Environment(OurServices));
    }

    private static YamlNode Service(string name) => Compose.Value.Path("services", name) ?? throw new KeyNotFoundException($"no service {name}");

    /// <summary>Every (service, variable, value) set by an environment mapping or list.</summary>
    private static IEnumerable<(string Service, string Name, string Value)> Environment(IEnumerable<KeyValuePair<string, YamlNode>> services)
    {
        foreach (var (service, node) in services)
        {
            var environment = node.Child("environment");
            foreach (var (name, value) in environment.Entries())
            {
                yield return (service, name, value.Text() ?? "");
            }

            foreach (var item in environment.Items())
            {
                var text = item.Text() ?? "";
                var equals = text.IndexOf('=', StringComparison.Ordinal);
                yield return equals < 0 ? (service, text, "") : (service, text[..equals], text[(equals + 1)..]);
            }
        }
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Z0-9_]+):\?[^}]*\}")]
    private static partial Regex RequiredVariable();

    [GeneratedRegex(@"^\$\{[A-Z0-9_]+:\?[^}]*\}$")]
    private static partial Regex WholeRequiredVariable();

    [GeneratedRegex(@"Password=\$\{[A-Z0-9_]+:\?[^}]*\}(;|$)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordFromRequiredVariable();

    [GeneratedRegex(@"^[a-z]+://[^:/@]+:(?<password>.+)@[^@]+$")]
    private static partial Regex UriWithCredentials();
}
