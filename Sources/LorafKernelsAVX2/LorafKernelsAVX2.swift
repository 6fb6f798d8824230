// LorafKernelsAVX2: see docs/architecture.md.
