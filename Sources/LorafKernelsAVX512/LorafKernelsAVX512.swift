// LorafKernelsAVX512: see docs/architecture.md.
