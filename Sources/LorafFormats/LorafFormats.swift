// LorafFormats: see docs/architecture.md.
