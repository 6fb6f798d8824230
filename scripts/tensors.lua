-- A tour of loraf tensors.  Usage: loraf run scripts/tensors.lua
local a = loraf.tensor{{1, 2}, {3, 4}}
print(a)                       -- Tensor [2, 2] [[1, 2], [3, 4]]
print(a[2][1], #a)             -- 3  2   (1-based like Lua tables)
print(a:matmul(a:T()))         -- a times its transpose
print((a + loraf.tensor{10, 20}) * 2 - 1)   -- broadcasting with tensors and numbers
print(a:sum(1), a:mean(), a:softmax())
local r = loraf.randn({2, 3}, {seed = 1})
print(r:shape()[2], r:reshape{3, -1})
