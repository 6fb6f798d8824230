// LorafLuaTests
