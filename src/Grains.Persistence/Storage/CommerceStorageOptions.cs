using Microsoft.Extensions.Options;

namespace Grains.Persistence.Storage;

/// <summary>How a silo writes the commerce states to PostgreSQL, bound from the "CommerceStorage" section.</summary>
public sealed class CommerceStorageOptions
{
    public const string SectionName = "CommerceStorage";

    /// <summary>Whether concurrent writes of different grains share a transaction (see <see cref="SharedTransactionWriter"/>).</summary>
    public bool ShareTransactions { get; set; } = true;

    /// <summary>How many of the silo's write transactions may be in flight at once (1–64); writes arriving meanwhile wait for the next.</summary>
    public int MaxConcurrentTransactions { get; set; } = 4;

    /// <summary>How many grains' writes one transaction carries at most (1–1000).</summary>
    public int MaxWritesPerTransaction { get; set; } = 64;
}

public sealed class CommerceStorageOptionsValidator : IValidateOptions<CommerceStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, CommerceStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxConcurrentTransactions is < 1 or > 64 || options.MaxWritesPerTransaction is < 1 or > 1000
            ? ValidateOptionsResult.Fail("CommerceStorage: MaxConcurrentTransactions is 1 to 64 and MaxWritesPerTransaction 1 to 1000.")
            : ValidateOptionsResult.Success;
    }
}
