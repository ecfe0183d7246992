import TongxinService

/// Permissions the membership service's handlers consult themselves. Which permission a
/// method needs is declared in the schema and checked by the kit before the handler runs;
/// what remains here changes what a handler shows, not whether it runs.
enum MembershipPermission {
    /// See phone and ID numbers unmasked.
    static let readPII = Permission.readPII
}
