using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlobStorage;

public static class BlobStorageServiceCollectionExtensions
{
    /// <summary>
    /// The store the "BlobStorage" section names (checked at start). A process that hands out filesystem download links
    /// (a front end) registers <see cref="SignedBlobLinks"/> first; one that does not (a silo) cannot make them.
    /// </summary>
    public static IServiceCollection AddBlobStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<BlobStorageOptions>().BindConfiguration(BlobStorageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlobStorageOptions>, BlobStorageOptionsValidator>());
        services.TryAddSingleton<IBlobStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<BlobStorageOptions>>().Value;
            return options.Provider switch
            {
                BlobStorageProvider.FileSystem => new FileSystemBlobStore(options.Path, provider.GetService<SignedBlobLinks>()),
                BlobStorageProvider.S3 => S3BlobStore.Create(options.S3, provider.GetService<TimeProvider>(), provider.GetService<ILogger<S3BlobStore>>()),
                _ => throw new InvalidOperationException($"BlobStorage:Provider {options.Provider} is not a store."),
            };
        });
        return services;
    }
}
