// LorafFormatsTests
