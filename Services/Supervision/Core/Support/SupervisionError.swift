import TongxinService

/// The supervision service's domain refusals: the kit's ``DomainError`` (issue 11 "Bad
/// input"): an unknown case or unit (or one outside the caller's subtree) is NOT_FOUND; a
/// malformed field or a percentage outside 0–100 is INVALID_ARGUMENT naming the field; a
/// second rating by the same resident is ALREADY_EXISTS; a case for an unfiled result or an
/// action its state does not allow is FAILED_PRECONDITION naming the rule; progress by
/// someone who is not the responsible person is PERMISSION_DENIED.
public typealias SupervisionError = DomainError
