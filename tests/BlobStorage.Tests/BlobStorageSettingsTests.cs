using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlobStorage.Tests;

/// <summary>The "BlobStorage" section picks the store, and settings that cannot work stop the process at start.</summary>
public sealed class BlobStorageSettingsTests
{
    private static readonly Dictionary<string, string?> s_s3 = new()
    {
        ["BlobStorage:Provider"] = "S3",
        ["BlobStorage:S3:ServiceUrl"] = "http://127.0.0.1:9000",
        ["BlobStorage:S3:Bucket"] = "commerce-files",
        ["BlobStorage:S3:AccessKey"] = "key",
        ["BlobStorage:S3:SecretKey"] = "secret",
        ["BlobStorage:S3:ForcePathStyle"] = "true",
    };

    [Fact]
    public void The_filesystem_store_is_the_default()
    {
        using var services = Services(new() { ["BlobStorage:Path"] = Path.Combine(Path.GetTempPath(), $"blob-settings-{Guid.NewGuid():N}") });

        Assert.IsType<FileSystemBlobStore>(services.GetRequiredService<IBlobStore>());
    }

    [Fact]
    public void Provider_s3_is_the_s3_store()
    {
        using var services = Services(s_s3);

        Assert.IsType<S3BlobStore>(services.GetRequiredService<IBlobStore>());
    }

    [Fact]
    public void Provider_s3_without_keys_takes_the_default_credential_chain()
    {
        var settings = new Dictionary<string, string?>(s_s3) { ["BlobStorage:S3:AccessKey"] = null, ["BlobStorage:S3:SecretKey"] = null };
        using var services = Services(settings);

        Assert.IsType<S3BlobStore>(services.GetRequiredService<IBlobStore>());
    }

    [Theory]
    [InlineData("BlobStorage:S3:Bucket", "", "BlobStorage:S3:Bucket")]
    [InlineData("BlobStorage:S3:Bucket", "Upper_Case", "BlobStorage:S3:Bucket")]
    [InlineData("BlobStorage:S3:Region", " ", "BlobStorage:S3:Region")]
    [InlineData("BlobStorage:S3:ServiceUrl", "minio:9000", "BlobStorage:S3:ServiceUrl")]
    [InlineData("BlobStorage:S3:ServiceUrl", "ftp://minio:9000", "BlobStorage:S3:ServiceUrl")]
    [InlineData("BlobStorage:S3:SecretKey", "", "BlobStorage:S3:AccessKey and BlobStorage:S3:SecretKey")]
    [InlineData("BlobStorage:Provider", "Azure", "BlobStorage:Provider")]
    public void Settings_that_cannot_work_fail_at_start_naming_the_setting(string setting, string value, string named)
    {
        var settings = new Dictionary<string, string?>(s_s3) { [setting] = value };
        using var services = Services(settings);

        var failure = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IOptions<BlobStorageOptions>>().Value);

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("blobs")]
    [InlineData("./var/blobs")]
    [InlineData("../blobs")]
    public void A_relative_filesystem_path_fails_at_start_naming_the_setting(string path)
    {
        using var services = Services(new() { ["BlobStorage:Path"] = path });

        var failure = Assert.ThrowsAny<OptionsValidationException>(() => services.GetRequiredService<IOptions<BlobStorageOptions>>().Value);

        Assert.Equal($"BlobStorage:Path must be an absolute path, as every process resolves a relative one ('{path}') from its own folder.", failure.Message);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddBlobStorage().BuildServiceProvider();
    }
}
