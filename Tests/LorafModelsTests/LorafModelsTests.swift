// LorafModelsTests
