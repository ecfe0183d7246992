// Placeholder until this target has sources (removed by the lead at integration).
