// LorafModels: see docs/architecture.md.
