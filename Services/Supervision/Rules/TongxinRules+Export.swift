// SupervisionRules speaks the shared vocabulary (thresholds, dates, violations) and names
// units by AgendaRules' `UnitPath` (the ltree path membership gives every unit), so it
// re-exports both. `UnitPath` belongs in TongxinRules (GatewayRules has a copy too): a
// follow-up for when agenda and the gateway can move with it.
@_exported import AgendaRules
@_exported import TongxinRules
