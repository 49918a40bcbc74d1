using Commerce.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BlobStorage.Tests;

/// <summary>
/// The real front end (the embedded mode: its own silo on free ports, in memory) with its filesystem blob store in a
/// temporary folder and a test clock that link expiry is checked against.
/// </summary>
public sealed class BlobFrontEnd : WebApplicationFactory<Program>
{
    public const string SigningKey = "blob-storage-tests-signing-key-0123456789abcdef";

    public BlobFrontEnd() => System.IO.Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"blob-tests-{Guid.NewGuid():N}");

    /// <summary>Starts at the real time, so links made for an hour from now are good until a test moves it on.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Auth:Issuer", "blob-tests");
        builder.UseSetting("Auth:Audience", "blob-tests");
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Endpoints:SiloPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Endpoints:GatewayPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("VnPay:TmnCode", "BLOBTEST");
        builder.UseSetting("VnPay:HashSecret", "blob-tests-hash-secret-0123456789");
        builder.UseSetting("BlobStorage:Provider", "FileSystem");
        builder.UseSetting("BlobStorage:Path", Folder);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureServices(services => services.UseGrainClock(Clock));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (System.IO.Directory.Exists(Folder))
        {
            System.IO.Directory.Delete(Folder, recursive: true);
        }
    }
}
