// LorafTraining: see docs/architecture.md.
