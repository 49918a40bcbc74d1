using System.Text.Json.Nodes;

namespace LoadTest.Scenarios;

/// <summary>The body of <c>POST /api/v1/orders</c> for one unit of one product.</summary>
public static class OrderBody
{
    public static string OneUnitOf(string productId) => new JsonObject
    {
        ["items"] = new JsonArray(new JsonObject { ["product_id"] = productId, ["quantity"] = 1 }),
    }.ToJsonString();
}
