using System.Globalization;
using System.Text.RegularExpressions;
using BlobStorage;
using CustomerNotifications;
using CustomerNotifications.Mail;
using Grains.Outbox;
using MailKit.Security;
using Messaging.RabbitMq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace Deploy.Tests;

/// <summary>
/// The settings the deploy files give the notifications worker, the silos and (their files) the front ends, resolved as Compose and Kubernetes
/// resolve them (required variables and the Secret's keys replaced by stand-ins), then bound and validated by the
/// processes' own options classes: a setting the process would refuse at start, or one it requires and is not given,
/// fails here rather than in a container.
/// </summary>
public sealed class DeployedSettingsTests
{
    public static TheoryData<string, string> Workers() => new()
    {
        { "compose", "notifications" },
        { "k8s", "notifications" },
        { "k8s/trial", "notifications" },
    };

    public static TheoryData<string, string> Silos() => new()
    {
        { "compose", "silo-1" },
        { "compose", "silo-2" },
        { "k8s", "silo" },
        { "k8s/trial", "silo" },
    };

    /// <summary>Each deployment's silos and front ends: the processes that share the blob store.</summary>
    public static TheoryData<string> Deployments() => new() { "compose", "k8s", "k8s/trial" };

    [Theory]
    [MemberData(nameof(Workers))]
    public void The_notifications_worker_is_given_every_setting_it_requires_each_one_valid(string deployment, string workload)
    {
        var where = $"{deployment}: {workload}";
        var settings = DeployedEnvironment.Of(deployment, workload);

        // What the worker checks before anything else (src/Notifications/Hosting/WorkerSettings.cs).
        Assert.True(
            Uri.TryCreate(settings.GetValueOrDefault("RabbitMq__Uri"), UriKind.Absolute, out var broker) && broker.Scheme is "amqp" or "amqps",
            $"{where}: RabbitMq__Uri must be an amqp:// URI");
        Assert.False(string.IsNullOrWhiteSpace(settings.GetValueOrDefault("ConnectionStrings__Notifications")), $"{where}: no ConnectionStrings__Notifications");

        var configuration = Configuration(settings);
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddCustomerNotifications(configuration);
        services.AddRabbitMqEventConsumer();
        using var provider = services.BuildServiceProvider();
        Valid<NotificationOptions>(provider, where);
        Valid<RabbitMqConsumerOptions>(provider, where);
        var smtp = Valid<SmtpOptions>(provider, where);
        var rabbitMq = Valid<RabbitMqOptions>(provider, where);

        // Mails are sent, not only logged; MailDev takes plain SMTP only, a real relay is reached over TLS.
        Assert.False(string.IsNullOrWhiteSpace(smtp.Host), $"{where}: without Smtp__Host mails are only logged");
        var security = smtp.Host == "maildev" ? SecureSocketOptions.None : SecureSocketOptions.StartTls;
        Assert.True(security == smtp.SecureSocketOptions, $"{where}: Smtp__SecureSocketOptions is {smtp.SecureSocketOptions} for {smtp.Host}, should be {security}");
        if (deployment == "k8s/trial")
        {
            Assert.Null(smtp.User);
        }

        // It consumes from the exchange the silos publish to.
        var silo = deployment == "compose" ? "silo-1" : "silo";
        Assert.Equal(Valid<RabbitMqOptions>(SiloServices(DeployedEnvironment.Of(deployment, silo)), where).Exchange, rabbitMq.Exchange);

        // Its probes ask the port it listens on: a standard host, on ASPNETCORE_URLS.
        var urls = settings.GetValueOrDefault("ASPNETCORE_URLS") ?? "";
        var port = Regex.Match(urls, @":(\d+)/?$");
        Assert.True(port.Success, $"{where}: ASPNETCORE_URLS '{urls}' names no port");
        Assert.All(DeployedEnvironment.ProbePorts(deployment, workload), probe => Assert.Equal(port.Groups[1].Value, probe));
    }

    [Theory]
    [MemberData(nameof(Silos))]
    public void Silos_publish_to_the_broker_and_are_probed_on_their_http_port(string deployment, string workload)
    {
        var where = $"{deployment}: {workload}";
        var settings = DeployedEnvironment.Of(deployment, workload);

        // A silo serves HTTP only on Silo__HttpPort (ASPNETCORE_URLS is ignored there), at the address its silo port
        // listens on: every address of the container, so the probes reach it whichever address they ask.
        Assert.False(settings.ContainsKey("ASPNETCORE_URLS"), $"{where}: a silo ignores ASPNETCORE_URLS; its HTTP port is Silo__HttpPort");
        Assert.True(
            int.TryParse(settings.GetValueOrDefault("Silo__HttpPort"), NumberStyles.None, CultureInfo.InvariantCulture, out var httpPort) && httpPort is >= 1 and <= 65535,
            $"{where}: Silo__HttpPort must be set to a port, or the silo serves no /health/* for its probes");
        Assert.Equal("true", settings.GetValueOrDefault("Endpoints__ListenOnAnyHostAddress"));
        var probes = DeployedEnvironment.ProbePorts(deployment, workload);
        Assert.NotEmpty(probes);
        Assert.All(probes, probe => Assert.Equal(httpPort.ToString(CultureInfo.InvariantCulture), probe));

        // With a broker the outbox relays publish there and the silo runs no notifications: their settings would be
        // read by nothing.
        Assert.True(Uri.TryCreate(settings.GetValueOrDefault("RabbitMq__Uri"), UriKind.Absolute, out var broker) && broker.Scheme == "amqp", $"{where}: RabbitMq__Uri");
        var unused = settings.Keys.Where(name => name.StartsWith("Notifications__", StringComparison.Ordinal)
            || name.StartsWith("Smtp__", StringComparison.Ordinal) || name == "ConnectionStrings__Notifications").ToList();
        Assert.True(unused.Count == 0, $"{where}: with RabbitMq__Uri a silo reads none of {string.Join(", ", unused)}");

        // Every silo must have the same number of outbox shards: set once for all of them, not left to each image.
        Assert.True(settings.ContainsKey("Outbox__Shards"), $"{where}: Outbox__Shards must be set where every silo reads it");
        using var provider = SiloServices(settings);
        Valid<RabbitMqOptions>(provider, where);
        Valid<OutboxOptions>(provider, where);
        Valid<BlobStorageOptions>(provider, where);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Silos_and_front_ends_share_one_blob_store_that_each_accepts(string deployment)
    {
        // Silos write export files (C5) and read uploads (C9); front ends stream uploads in and serve the filesystem
        // store's downloads: one store for all of them, or a file written by one is missing for another.
        var workloads = deployment == "compose" ? new[] { "silo-1", "silo-2", "frontend-1", "frontend-2" } : new[] { "silo", "frontend" };
        var stores = workloads.Select(workload =>
        {
            var where = $"{deployment}: {workload}";
            using var provider = BlobServices(DeployedEnvironment.Of(deployment, workload));
            return (Where: where, Workload: workload, Options: Valid<BlobStorageOptions>(provider, where));
        }).ToList();

        var first = stores[0].Options;
        var shared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (where, workload, options) in stores)
        {
            Assert.True(first.Provider == options.Provider, $"{where}: BlobStorage__Provider {options.Provider}, {stores[0].Where} has {first.Provider}");
            if (options.Provider == BlobStorageProvider.FileSystem)
            {
                // The default is the container's own temporary folder: set, absolute, on a volume every replica mounts.
                Assert.True(options.Path == first.Path, $"{where}: BlobStorage__Path {options.Path}, {stores[0].Where} has {first.Path}");
                Assert.True(options.Path.StartsWith('/'), $"{where}: BlobStorage__Path '{options.Path}' must be an absolute folder");
                var volume = DeployedEnvironment.SharedVolumeAt(deployment, workload, options.Path);
                Assert.True(volume is not null, $"{where}: nothing every replica shares is mounted at BlobStorage__Path {options.Path}");
                shared.Add(volume);
            }
            else
            {
                Assert.Equal((first.S3.ServiceUrl, first.S3.Region, first.S3.Bucket), (options.S3.ServiceUrl, options.S3.Region, options.S3.Bucket));
            }
        }

        Assert.True(shared.Count <= 1, $"{deployment}: the processes mount different volumes: {string.Join(", ", shared)}");

        // Pods of the base may run on different nodes, which share no folder.
        if (deployment == "k8s")
        {
            Assert.Equal(BlobStorageProvider.S3, first.Provider);
        }
    }

    /// <summary>The silo's "RabbitMq", "Outbox" and "BlobStorage" sections, registered as the silo registers them (AddCommerce).</summary>
    private static ServiceProvider SiloServices(IReadOnlyDictionary<string, string> settings)
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(Configuration(settings));
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations();
        services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.SectionName).ValidateDataAnnotations();
        services.AddBlobStorage();
        return services.BuildServiceProvider();
    }

    /// <summary>The "BlobStorage" section, registered as silos (AddCommerce) and front ends (AddBlobAccess) register it.</summary>
    private static ServiceProvider BlobServices(IReadOnlyDictionary<string, string> settings) =>
        new ServiceCollection().AddSingleton<IConfiguration>(Configuration(settings)).AddBlobStorage().BuildServiceProvider();

    /// <summary>Environment variables as the host reads them: <c>A__B</c> is the key <c>A:B</c>.</summary>
    private static IConfiguration Configuration(IReadOnlyDictionary<string, string> settings) => new ConfigurationBuilder()
        .AddInMemoryCollection(settings.Select(entry => new KeyValuePair<string, string?>(entry.Key.Replace("__", ":", StringComparison.Ordinal), entry.Value)))
        .Build();

    /// <summary>The options as the process gets them: bound and validated as they are created.</summary>
    private static T Valid<T>(IServiceProvider provider, string where)
        where T : class
    {
        try
        {
            return provider.GetRequiredService<IOptions<T>>().Value;
        }
        catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException)
        {
            Assert.Fail($"{where}: the process would refuse its {typeof(T).Name}: {exception.Message}");
            throw;
        }
    }
}

/// <summary>A workload's environment as its container would see it, from the deploy files alone.</summary>
public static partial class DeployedEnvironment
{
    /// <summary>A value of the form <c>openssl rand -hex 32</c> gives, standing in for every secret.</summary>
    private const string StandIn = "0123456789abcdef0123456789abcdef";

    /// <summary>
    /// <paramref name="workload"/>'s variables in <paramref name="deployment"/> ("compose": a service of compose.yaml;
    /// "k8s", "k8s/trial": a Deployment's container of that name, with the overlay's settings): required variables
    /// and the Secret's keys (secret.example.yaml's placeholders) replaced by a stand-in, optional ones at their
    /// defaults, variables passed through from the shell left out. The trial's Secret has no SMTP account (README).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Of(string deployment, string workload) =>
        deployment == "compose" ? Compose(workload) : Kubernetes(deployment == "k8s/trial", workload);

    /// <summary>The ports a workload's health checks or probes ask, as numbers.</summary>
    public static IReadOnlyList<string> ProbePorts(string deployment, string workload)
    {
        if (deployment == "compose")
        {
            var test = string.Join(" ", ComposeService(workload).Path("healthcheck", "test").Items().Select(item => item.Text()));
            return TcpProbe().Matches(test).Select(match => match.Groups[1].Value).ToList();
        }

        var container = Container(workload);
        return new[] { "startupProbe", "readinessProbe", "livenessProbe" }
            .Select(probe => container.Text(probe, "httpGet", "port"))
            .OfType<string>()
            .Select(port => int.TryParse(port, CultureInfo.InvariantCulture, out _)
                ? port
                : container.Child("ports").Items().Single(p => p.Text("name") == port).Text("containerPort")!)
            .ToList();
    }

    /// <summary>
    /// What is mounted at <paramref name="path"/> in <paramref name="workload"/>'s container that every replica and
    /// every other process can mount too: a named volume of compose.yaml, or a ReadWriteMany claim (the base's
    /// Deployment with, in trial/, the overlay's patches of it); null if nothing, or only the container's own.
    /// </summary>
    public static string? SharedVolumeAt(string deployment, string workload, string path)
    {
        if (deployment == "compose")
        {
            var named = Assert.Single(DeployFiles.Load("compose.yaml")).Child("volumes").Entries().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
            return ComposeService(workload).Child("volumes").Items()
                .Select(item => (item.Text() ?? "").Split(':'))
                .Where(parts => parts.Length >= 2 && parts[1] == path && named.Contains(parts[0]))
                .Select(parts => $"volume {parts[0]}")
                .SingleOrDefault();
        }

        var trialFolder = Path.Combine("k8s", "trial") + Path.DirectorySeparatorChar;
        var documents = DeployFiles.KubernetesDocuments()
            .Where(entry => deployment == "k8s/trial" || !entry.File.StartsWith(trialFolder, StringComparison.Ordinal))
            .Select(entry => entry.Document)
            .ToList();
        var specs = documents
            .Where(document => document.Text("kind") == "Deployment" && document.Text("metadata", "name") == workload)
            .Select(document => document.Path("spec", "template", "spec"))
            .ToList();
        var mount = specs.SelectMany(spec => spec.Child("containers").Items())
            .Where(container => container.Text("name") == workload)
            .SelectMany(container => container.Child("volumeMounts").Items())
            .SingleOrDefault(m => m.Text("mountPath") == path);
        var claim = specs.SelectMany(spec => spec.Child("volumes").Items())
            .SingleOrDefault(volume => mount is not null && volume.Text("name") == mount.Text("name"))
            .Text("persistentVolumeClaim", "claimName");
        var claimed = documents.SingleOrDefault(d => claim is not null && d.Text("kind") == "PersistentVolumeClaim" && d.Text("metadata", "name") == claim);
        return claimed.Path("spec", "accessModes").Items().Any(mode => mode.Text() == "ReadWriteMany") ? $"claim {claim}" : null;
    }

    private static Dictionary<string, string> Compose(string service)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in ComposeService(service).Child("environment").Entries())
        {
            // An empty value passes the shell's variable through, and sets nothing when the shell has none.
            if (value.Text() is { Length: > 0 } text)
            {
                settings[name] = Interpolation().Replace(text.Replace("$$", "\0", StringComparison.Ordinal), match => match.Groups["op"].Value switch
                {
                    ":?" or "?" => StandIn,
                    ":-" or "-" => match.Groups["arg"].Value,
                    _ => "",
                }).Replace("\0", "$", StringComparison.Ordinal);
            }
        }

        return settings;
    }

    private static YamlNode ComposeService(string name) =>
        Assert.Single(DeployFiles.Load("compose.yaml")).Path("services", name) ?? throw new KeyNotFoundException($"compose.yaml: no service {name}");

    private static Dictionary<string, string> Kubernetes(bool trial, string workload)
    {
        var configMap = Data("settings.yaml", "data");
        if (trial)
        {
            foreach (var (key, value) in Data(Path.Combine("trial", "settings-patch.yaml"), "data"))
            {
                configMap[key] = value;
            }
        }

        var secret = Data("secret.example.yaml", "stringData").ToDictionary(entry => entry.Key, entry => Placeholder().Replace(entry.Value, StandIn));
        if (trial)
        {
            secret.Remove("smtp-user");
            secret.Remove("smtp-password");
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in Container(workload).Child("env").Items())
        {
            var name = variable.Text("name")!;
            string? value;
            if (variable.Text("value") is { } literal)
            {
                // $(NAME) expands a variable defined above; $$ escapes.
                value = Reference().Replace(literal, match => match.Value == "$$" ? "$" : settings.GetValueOrDefault(match.Groups[1].Value, match.Value));
            }
            else if (variable.Path("valueFrom", "configMapKeyRef") is { } setting)
            {
                value = Lookup(configMap, setting, "settings.yaml");
            }
            else if (variable.Path("valueFrom", "secretKeyRef") is { } secretKey)
            {
                value = Lookup(secret, secretKey, "the Secret");
            }
            else
            {
                value = variable.Text("valueFrom", "fieldRef", "fieldPath") is { } field ? $"<{field}>" : throw new InvalidDataException($"{name}: no value");
            }

            if (value is not null)
            {
                settings[name] = value;
            }
        }

        return settings;
    }

    private static string? Lookup(Dictionary<string, string> values, YamlNode reference, string source)
    {
        var key = reference.Text("key")!;
        return values.TryGetValue(key, out var value) ? value
            : reference.Text("optional") == "true" ? null
            : throw new KeyNotFoundException($"{source} has no {key}, which is not optional");
    }

    private static Dictionary<string, string> Data(string file, string field) =>
        Assert.Single(DeployFiles.Load(Path.Combine("k8s", file))).Child(field).Entries()
            .ToDictionary(entry => entry.Key, entry => entry.Value.Text() ?? "", StringComparer.Ordinal);

    private static YamlNode Container(string workload) =>
        DeployFiles.KubernetesDocuments()
            .Where(entry => !KubernetesManifestTests.IsPatch(entry.File) && entry.Document.Text("kind") == "Deployment" && entry.Document.Text("metadata", "name") == workload)
            .Select(entry => entry.Document.Path("spec", "template", "spec", "containers").Items().Single(c => c.Text("name") == workload))
            .Single();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z0-9_]+)(?:(?<op>:\?|\?|:-|-)(?<arg>[^}]*))?\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();

    [GeneratedRegex("<[^<>]+>")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(\d+)")]
    private static partial Regex TcpProbe();
}
