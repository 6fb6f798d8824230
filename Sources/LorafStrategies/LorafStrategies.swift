// LorafStrategies: see docs/architecture.md.
