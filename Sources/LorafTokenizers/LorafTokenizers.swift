// LorafTokenizers: see docs/architecture.md.
