import TongxinService

/// The agenda service's domain refusals: the kit's ``DomainError`` (NOT_FOUND for what the
/// caller may not see, INVALID_ARGUMENT naming the field, ALREADY_EXISTS, FAILED_PRECONDITION
/// naming the rule in Chinese and English with its figures; issue 9 "Bad input").
public typealias AgendaError = DomainError
