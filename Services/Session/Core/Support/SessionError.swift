import TongxinService

/// The session service's domain refusals: the kit's ``DomainError`` (NOT_FOUND for what the
/// caller may not see, INVALID_ARGUMENT naming the field, ALREADY_EXISTS, FAILED_PRECONDITION
/// naming the rule in Chinese and English with its figures; issue 10 "Bad input").
public typealias SessionError = DomainError
