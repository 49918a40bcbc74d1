using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BlobStorage;

public static class BlobStorageServiceCollectionExtensions
{
    /// <summary>The store the "BlobStorage" section names (checked at start), and its link signature when a key is set.</summary>
    public static IServiceCollection AddBlobStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BlobStorageOptions>().BindConfiguration(BlobStorageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlobStorageOptions>, BlobStorageOptionsValidator>());
        services.TryAddSingleton(provider => new LinkSignature(
            provider.GetRequiredService<IOptions<BlobStorageOptions>>().Value.SigningKey
            ?? throw new InvalidOperationException("Signed links need BlobStorage:SigningKey.")));
        services.TryAddSingleton<IBlobStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<BlobStorageOptions>>().Value;
            return options.Provider switch
            {
                BlobStorageProvider.FileSystem => new FileSystemBlobStore(options.Path, options.SigningKey is null ? null : new SignedBlobLinks(provider.GetRequiredService<LinkSignature>())),
                _ => throw new InvalidOperationException($"BlobStorage:Provider {options.Provider} is not available in this build."),
            };
        });
        return services;
    }
}
