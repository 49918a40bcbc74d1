using System.Security.Claims;
using BlobStorage;
using Grains.Exports;
using Grains.Orders;
using Microsoft.Extensions.Options;
using WebFrontend.Auth;
using WebFrontend.Features.Orders;
using WebFrontend.Http;
using WebFrontend.Idempotency;
using WebFrontend.OpenApi;

namespace WebFrontend.Features.Exports;

/// <summary>
/// Export jobs (case C5): a request answers 202 with the job at once, the job runs in the cluster, and its status is
/// read until it is COMPLETED with a download link. A job is its owner's; <c>report:read</c> sees everyone's.
/// </summary>
public static class ExportEndpoints
{
    public static IServiceCollection AddExportLinks(this IServiceCollection services)
    {
        services.AddOptions<ExportLinkOptions>().BindConfiguration(ExportLinkOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static void MapExportEndpoints(this RouteGroupBuilder api)
    {
        var exports = api.MapGroup("/exports").WithTags("Exports");
        exports.MapPost("/orders", StartAsync).RequirePermission(Permissions.ReportExport).WithMetadata(new RequiresIdempotencyKey(recordedByResource: true))
            .Accepts<OrderExportRequest>("application/json").Produces<ExportJobResponse>(StatusCodes.Status202Accepted)
            .WithName("exportOrders").WithSummary("Export orders to CSV")
            .WithDescription("Starts a job that writes the orders matching the order list's filters (`created_from`, `created_to` exclusive, `status`, "
                + "`customer_id`; all optional) to a CSV file, oldest first, and answers 202 at once with the job `PENDING` and its `Location`. "
                + "The upper bound in time is fixed when the job leaves `PENDING` (takes a slot): orders placed while it waits are in the file, "
                + "orders placed once it runs are not. The job survives the front end and its silo (it carries on from its last "
                + "checkpoint). A retry with the same `Idempotency-Key` answers the same job with `Idempotent-Replayed: true`; the key with other "
                + "filters is 422 `idempotency-key-reused`.");
        exports.MapGet("/{id}", GetAsync).RequirePermission(Permissions.ReportExport, Permissions.ReportRead)
            .Produces<ExportJobResponse>().ProducesProblemTypes(ProblemTypes.NotFound)
            .WithName("getExport").WithSummary("Get an export job")
            .WithDescription("The job's status and progress: `PENDING` → `PROCESSING` (`rows_done` of `rows_total`) → `COMPLETED` with `download_url`, "
                + "a link that needs no token and works until `download_expires_at` (each read makes a new one), or `FAILED` with `error`, or "
                + "`CANCELLED`. A `FAILED` job's `error` is a fixed sentence (details are in the silo's log). Another user's job is a 404, like a missing one, unless the caller may read every export.");
        exports.MapPost("/{id}/cancel", CancelAsync).RequirePermission(Permissions.ReportExport)
            .Produces<ExportJobResponse>().ProducesProblemTypes(ProblemTypes.NotFound, ProblemTypes.InvalidState)
            .WithName("cancelExport").WithSummary("Cancel an export job")
            .WithDescription("Stops a `PENDING` or `PROCESSING` job and drops what it wrote: the job is `CANCELLED`. A job that has ended is 409 `invalid-state`.");
    }

    private static async Task<IResult> StartAsync(HttpContext context, ClaimsPrincipal user, IGrainFactory grains, IBlobStore blobs,
        IOptions<ExportLinkOptions> links, TimeProvider time)
    {
        var (request, problem) = await JsonBody.ReadAsync(context, ApiJson.Context.OrderExportRequest);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var status = OrderFilterFields.Status(request!.Status, errors);
        var customerId = OrderFilterFields.CustomerId(request.CustomerId, errors);
        var from = OrderFilterFields.Timestamp("created_from", request.CreatedFrom, errors);
        var to = OrderFilterFields.Timestamp("created_to", request.CreatedTo, errors);
        OrderFilterFields.Window(from, to, errors);
        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        var filter = new OrderExportFilter(status, customerId, from, to);
        var id = ExportIds.For(user.UserId(), context.Request.Headers[IdempotencyMiddleware.KeyHeader].ToString());
        var start = await grains.GetGrain<IExportJobGrain>(id).Start(new StartOrderExport(user.UserId(), filter));
        if (start.Status == ExportStartStatus.AlreadyExists)
        {
            if (start.Job.OwnerId != user.UserId() || start.Job.Filter != filter)
            {
                return Problem.Of(context, StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused, "Idempotency-Key reused.",
                    "This key already started an export with other filters.");
            }

            context.Response.Headers[IdempotencyMiddleware.ReplayedHeader] = "true";
        }

        context.Response.Headers.Location = $"/api/v1/exports/{id}";
        return TypedResults.Json(Response(start.Job, blobs, links.Value, time), ApiJson.Context.ExportJobResponse, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, ClaimsPrincipal user, IGrainFactory grains, IBlobStore blobs,
        IOptions<ExportLinkOptions> links, TimeProvider time)
    {
        var job = FieldErrors.IsIdentifier(id) ? await grains.GetGrain<IExportJobGrain>(id).Get() : null;

        // Another user's job is answered exactly like a missing one: its existence is not disclosed.
        if (job is null || !user.MayAccess(job.OwnerId, Permissions.ReportRead, Permissions.ReportExport))
        {
            return Problem.NotFound(context, $"No export {id}.");
        }

        return TypedResults.Json(Response(job, blobs, links.Value, time), ApiJson.Context.ExportJobResponse);
    }

    private static async Task<IResult> CancelAsync(string id, HttpContext context, ClaimsPrincipal user, IGrainFactory grains, IBlobStore blobs,
        IOptions<ExportLinkOptions> links, TimeProvider time)
    {
        var grain = FieldErrors.IsIdentifier(id) ? grains.GetGrain<IExportJobGrain>(id) : null;
        var job = grain is null ? null : await grain.Get();
        if (job is null || !user.MayAccess(job.OwnerId, Permissions.ReportRead, Permissions.ReportExport))
        {
            return Problem.NotFound(context, $"No export {id}.");
        }

        var cancel = await grain!.Cancel();
        return cancel.Status switch
        {
            ExportCancelStatus.NotFound => Problem.NotFound(context, $"No export {id}."),
            ExportCancelStatus.InvalidState => Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.InvalidState, "Export cannot be cancelled.",
                $"The export is {ExportJobStatusNames.Of(cancel.Job!.Status)}; only a PENDING or PROCESSING export can be cancelled."),
            _ => TypedResults.Json(Response(cancel.Job!, blobs, links.Value, time), ApiJson.Context.ExportJobResponse),
        };
    }

    /// <summary>The job as the API shows it; a COMPLETED one with a link made now, so it is always fresh.</summary>
    private static ExportJobResponse Response(ExportJobView job, IBlobStore blobs, ExportLinkOptions links, TimeProvider time)
    {
        DateTimeOffset? expiresAt = null;
        string? url = null;
        if (job.Status == ExportJobStatus.Completed && job.BlobKey is { } key)
        {
            expiresAt = time.GetUtcNow() + links.DownloadLinkLifetime;
            url = blobs.CreateDownloadLink(key, ExportFiles.FileName(job.Id), ExportFiles.ContentType, expiresAt.Value).ToString();
        }

        var progress = job.Status == ExportJobStatus.Completed ? 1
            : job.RowsTotal is > 0 and var total ? Math.Min(1, (double)job.RowsDone / total) : 0;
        return new ExportJobResponse(
            job.Id,
            ExportJobStatusNames.Of(job.Status),
            job.RowsDone,
            job.RowsTotal,
            Math.Round(progress, 4),
            new OrderExportFilterResponse(
                job.Filter.CreatedFrom?.UtcDateTime, job.Filter.CreatedTo?.UtcDateTime,
                job.Filter.Status is { } status ? OrderStatusNames.Of(status) : null, job.Filter.CustomerId),
            job.CreatedAt.UtcDateTime,
            job.CompletedAt?.UtcDateTime,
            job.Size,
            url,
            expiresAt?.UtcDateTime,
            job.Error);
    }
}
