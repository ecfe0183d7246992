/// An outcome that is an answer, not a failure, but whose writes must not stay: e.g. an
/// all-or-nothing import that found bad rows answers with the rows' problems after its
/// transaction rolled back. A handler throws it from inside ``ServiceKit/handle``; the kit
/// rolls back and rethrows it untouched, and the service turns it into its response.
public protocol RolledBackResult: Error, Sendable {}
