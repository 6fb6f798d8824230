// LorafStrategiesTests
