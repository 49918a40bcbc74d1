using System.Collections.Frozen;

namespace WebFrontend.Auth;

/// <summary>The built-in users the development token endpoint signs in (password = user name).</summary>
public static class DevelopmentUsers
{
    public sealed record User(string Id, string Name, string Role);

    public static FrozenDictionary<string, User> All { get; } = new User[]
    {
        new("admin", "Admin", Roles.Admin),
        new("manager", "Manager", Roles.Manager),
        new("staff", "Staff", Roles.Staff),
        new("alice", "Alice", Roles.Customer),
        new("bob", "Bob", Roles.Customer),
    }.ToFrozenDictionary(user => user.Id, StringComparer.Ordinal);
}
