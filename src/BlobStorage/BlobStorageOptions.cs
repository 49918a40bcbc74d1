using Microsoft.Extensions.Options;

namespace BlobStorage;

/// <summary>The "BlobStorage" section: which store, and where.</summary>
public sealed class BlobStorageOptions
{
    public const string SectionName = "BlobStorage";

    /// <summary><see cref="BlobStorageProvider.FileSystem"/> (the default) or <see cref="BlobStorageProvider.S3"/>.</summary>
    public BlobStorageProvider Provider { get; set; } = BlobStorageProvider.FileSystem;

    /// <summary>The filesystem store's folder, an absolute path; every process of a single-machine deployment must name the same one.</summary>
    public string Path { get; set; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "commerce-blobs");

    /// <summary>The S3 store's settings ("BlobStorage:S3"), read when <see cref="Provider"/> is S3.</summary>
    public S3StorageOptions S3 { get; set; } = new();
}

public enum BlobStorageProvider
{
    FileSystem,
    S3,
}

public sealed class BlobStorageOptionsValidator : IValidateOptions<BlobStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, BlobStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add("BlobStorage:Provider must be FileSystem or S3.");
        }

        if (options.Provider == BlobStorageProvider.FileSystem && string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add("BlobStorage:Path must name a folder for the filesystem store.");
        }
        else if (options.Provider == BlobStorageProvider.FileSystem && !System.IO.Path.IsPathFullyQualified(options.Path))
        {
            // A relative path resolves against each process's own working folder: a silo and a front end started
            // from different folders would each keep blobs the other cannot find.
            failures.Add($"BlobStorage:Path must be an absolute path, as every process resolves a relative one ('{options.Path}') from its own folder.");
        }

        if (options.Provider == BlobStorageProvider.S3)
        {
            failures.AddRange(S3StorageOptions.Check(options.S3));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
