// LorafTokenizersTests
