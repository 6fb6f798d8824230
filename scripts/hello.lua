-- The sample job: shows which loraf this is and what its Lua API offers.
-- Run: .build/release/loraf run scripts/hello.lua [NAME]
local loraf = require "loraf"

print(string.format("loraf %s on %s", loraf.version, _VERSION))
if arg[1] then
  loraf.help(arg[1])
else
  loraf.help()
end
