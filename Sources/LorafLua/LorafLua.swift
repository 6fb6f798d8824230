// LorafLua: see docs/architecture.md.
