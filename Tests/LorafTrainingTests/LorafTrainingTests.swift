// LorafTrainingTests
