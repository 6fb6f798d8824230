-- Model figures: seconds from process start to a loaded all-MiniLM-L6-v2 and to the first forward of one
-- sentence, then forward throughput (sentences/s) over SST-2 dev at batch 32 (evaluation mode, no gradients).
--   loraf run scripts/bench_model.lua
local model = loraf.load_model("models/all-MiniLM-L6-v2", {task = "classification", num_labels = 2})
local loaded = loraf.clock()
model:predict{texts = {"a gripping , funny and moving film ."}}
local first = loraf.clock()
print(string.format("process start -> model loaded      %.3f s", loaded))
print(string.format("process start -> first forward     %.3f s", first))

local texts = {}
for line in io.lines("data/sst2/dev.txt") do
  local text = line:match("^%d+ (.*)$")
  if text then texts[#texts + 1] = text end
end
local start = loraf.clock()
for i = 1, #texts, 32 do
  local batch = {}
  for j = i, math.min(i + 31, #texts) do batch[#batch + 1] = texts[j] end
  model:predict{texts = batch, max_length = 64}
end
local seconds = loraf.clock() - start
print(string.format("SST-2 dev forward (batch 32)       %d sentences in %.2f s = %.1f sentences/s (%d threads)",
                    #texts, seconds, #texts / seconds, loraf.threads()))
