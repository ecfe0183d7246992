// AgendaRules speaks the shared vocabulary in its public API (an approval holds a
// `Threshold`, every check throws a `DomainViolation`), so it re-exports TongxinRules.
@_exported import TongxinRules
