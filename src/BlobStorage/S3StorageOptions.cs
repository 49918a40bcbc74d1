using System.Text.RegularExpressions;

namespace BlobStorage;

/// <summary>
/// "BlobStorage:S3": the bucket and how to reach it, on AWS or on any S3-compatible service (MinIO, Ceph, an emulator).
/// Without AccessKey and SecretKey the SDK's default credential chain applies (environment, profile, instance role).
/// </summary>
public sealed partial class S3StorageOptions
{
    /// <summary>An S3-compatible service's endpoint (<c>http://minio:9000</c>); unset for AWS itself, found from <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The AWS region, or the region an S3-compatible service signs requests for.</summary>
    public string Region { get; set; } = "us-east-1";

    public string Bucket { get; set; } = "";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Requests to <c>{ServiceUrl}/{bucket}/{key}</c> rather than <c>{bucket}.{host}</c>: what most S3-compatible services and emulators need.</summary>
    public bool ForcePathStyle { get; set; }

    internal static IEnumerable<string> Check(S3StorageOptions? options)
    {
        if (options is null)
        {
            yield return "BlobStorage:S3 must be configured when BlobStorage:Provider is S3.";
            yield break;
        }

        if (!BucketName().IsMatch(options.Bucket))
        {
            yield return "BlobStorage:S3:Bucket must be a bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit.";
        }

        if (string.IsNullOrWhiteSpace(options.Region))
        {
            yield return "BlobStorage:S3:Region must name a region (us-east-1 for most S3-compatible services).";
        }

        if (options.ServiceUrl is not null
            && !(Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && url.Query.Length == 0))
        {
            yield return "BlobStorage:S3:ServiceUrl must be an absolute http or https URL without a query.";
        }

        if (string.IsNullOrEmpty(options.AccessKey) != string.IsNullOrEmpty(options.SecretKey))
        {
            yield return "BlobStorage:S3:AccessKey and BlobStorage:S3:SecretKey go together: set both, or neither for the SDK's default credentials.";
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
