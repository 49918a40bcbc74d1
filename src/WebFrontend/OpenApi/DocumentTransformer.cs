using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace WebFrontend.OpenApi;

/// <summary>What the document says as a whole: who and what it is for, its tags, the bearer scheme and the problem schema.</summary>
public sealed class DocumentTransformer : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "bearer";

    private static readonly (string Name, string Description)[] s_tags =
    [
        ("Auth", "Development tokens for the built-in users (the Development environment only)."),
        ("Products", "The catalog and its stock: everyone reads, managers change. Prices are whole đồng."),
        ("Orders", "Placing orders (stock, coupon and payment held together or not at all), reading and cancelling them."),
        ("Wallets", "Balances in whole đồng; each movement is applied once per reference and never takes a balance below zero."),
        ("Uploads", "Files sent through signed, expiring links: streamed to storage, then checked against their declared size and type."),
        ("Customer dashboard", "The signed-in customer's overview, gathered from several sources at once; parts that failed show defaults."),
        ("Exports", "Orders exported to CSV by a job that runs in the cluster: started at once (202), read for its progress, downloaded by a signed link."),
        ("Payments", "What VNPay calls: its payment notification (IPN) and the customer's return from its pay page."),
        ("Operations", "The state of the silo cluster, for operators."),
        ("Files", "Stored files (exports, uploads) downloaded through signed, expiring links, without a bearer token."),
    ];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Commerce API";
        document.Info.Description =
            "Products and stock, orders and their payments (VNPay), wallets, order exports. Amounts are whole đồng (VND has no minor unit): a price of "
            + "25990000 is 25,990,000 ₫. Bodies are JSON in snake_case; errors are RFC 9457 problem details with a stable `type`. "
            + "Changes that must not happen twice take an `Idempotency-Key`. See docs/api.md.";
        document.Info.Contact = new OpenApiContact { Name = "Commerce API maintainers" };

        // The framework lists the address the document was asked at; a trailing slash would double the paths' own.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
            server.Description ??= "This front end, as the document was asked of it.";
        }

        var used = document.Tags?.Select(t => t.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        document.Tags = new HashSet<OpenApiTag>(s_tags.Where(t => used.Contains(t.Name)).Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        var undescribed = used.Except(s_tags.Select(t => t.Name)).ToList();
        if (undescribed.Count > 0)
        {
            throw new InvalidOperationException($"Tags without a description in {nameof(DocumentTransformer)}: {string.Join(", ", undescribed)}.");
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT signed with the API's key (HMAC-SHA256) with claims `sub`, `role` and `name`. Missing or invalid: 401; a role without the permission: 403.",
        };

        // Every error response now refers to the one problem schema; the framework's generic ones are left unused.
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.Remove("ProblemDetails");
        document.Components.Schemas.Remove("HttpValidationProblemDetails");
        document.Components.Schemas[ProblemSchema.Id] = ProblemSchema.Create();
        return Task.CompletedTask;
    }
}
