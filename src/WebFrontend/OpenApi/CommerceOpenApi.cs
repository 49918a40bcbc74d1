namespace WebFrontend.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, written for client generators: every operation has an id, a summary
/// and a description, every parameter and error is declared, and errors are RFC 9457 problem details. Spectral's
/// <c>spectral:oas</c> ruleset (<c>.spectral.yaml</c>) passes it without a warning; a test holds it there.
/// </summary>
public static class CommerceOpenApi
{
    public static IServiceCollection AddCommerceOpenApi(this IServiceCollection services)
        => services.AddOpenApi(options =>
        {
            options.AddSchemaTransformer<RequestSchemaTransformer>();
            options.AddOperationTransformer<OperationTransformer>();
            options.AddDocumentTransformer<DocumentTransformer>();
        });
}
