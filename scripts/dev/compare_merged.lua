-- Merged export against the unmerged adapted model: loads MODEL with the PEFT adapter ADAPTER, writes it merged as
-- GGUF (requantized and f16) and as a safetensors folder into WORK, loads each back with loraf and prints the largest
-- logit difference and argmax agreement on a chat prompt (the requantized one also against the base). Leaves WORK/unmerged_logits.safetensors (input_ids and
-- logits) for comparisons outside loraf. Used by scripts/check_merged_export.sh.
--   loraf run scripts/dev/compare_merged.lua MODEL ADAPTER WORK
local model_path, adapter, work = ...
assert(model_path and adapter and work, "usage: loraf run scripts/dev/compare_merged.lua MODEL ADAPTER WORK")
local lm = loraf.load_model(model_path)
lm:load_adapter(adapter, "default")
local ids = lm:tokenizer():apply_chat_template({{role = "user", content = "What is the capital of France?"}}, {tokenize = true})
local function logits(model) return model:forward{input_ids = {ids}}.logits end
local reference = logits(lm)
loraf.safetensors.save(work .. "/unmerged_logits.safetensors", {logits = reference, input_ids = loraf.tensor({ids})})

local function compare(label, other, against)
  against = against or reference
  local d = other - against
  local worst = (d * d):max():sqrt():item()
  local a, b = other:argmax()[1], against:argmax()[1]
  local agree = 0
  for i = 1, #b do if a[i] == b[i] then agree = agree + 1 end end
  print(string.format("%-40s max |dlogit| = %.3e   argmax agrees at %d/%d positions", label, worst, agree, #b))
end

lm:disable_adapters()
local base = logits(lm)
compare("base model, no adapter (the adapter's effect)", base)
lm:enable_adapters()
local cases = {{"gguf", "requantize", "/merged-requantize.gguf"}, {"gguf", "f16", "/merged-f16.gguf"},
               {"safetensors", "f32", "/merged-safetensors"}}
for _, case in ipairs(cases) do
  local path = work .. case[3]
  local report = lm:save_merged(path, {format = case[1], dtype = case[2]})
  for _, note in ipairs(report.notes) do print("  note: " .. note) end
  local merged = logits(loraf.load_model(path))
  compare(string.format("merged %s %s (%d tensors)", case[1], case[2], #report.merged), merged)
  if case[2] == "requantize" then compare("  the same against the base model", merged, base) end
end
