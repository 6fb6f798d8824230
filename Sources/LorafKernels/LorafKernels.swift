// LorafKernels: see docs/architecture.md.
