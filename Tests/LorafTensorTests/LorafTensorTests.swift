// LorafTensorTests
