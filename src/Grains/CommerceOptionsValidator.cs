using Microsoft.Extensions.Options;

namespace Grains;

public sealed class CommerceOptionsValidator : IValidateOptions<CommerceOptions>
{
    public ValidateOptionsResult Validate(string? name, CommerceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
