// LorafTensor: see docs/architecture.md.
