// MembershipRules speaks the shared vocabulary in its public API (a `CompositionRule` holds a
// `Threshold`, a `NoticePeriod` a `CivilCodePeriod`, every check returns `DomainViolation`s),
// so it re-exports TongxinRules: importing MembershipRules is enough to use its types.
@_exported import TongxinRules
