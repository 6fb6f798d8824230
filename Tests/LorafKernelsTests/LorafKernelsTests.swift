// LorafKernelsTests
