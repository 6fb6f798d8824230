// LorafCLITests
