-- Gradient checkpointing per block: seconds per training step and peak RSS with and without, on SmolLM2-135M-Instruct
-- (Q4_1 base) with LoRA r = 16 on all linear layers, batch 8 x 128 tokens (a chat from the tokenizer, repeated to
-- fill each row), causal-LM loss, forward + backward + AdamW step through the Lua autograd API. Each side runs in
-- its own process (peak RSS never goes down), first without, then with checkpointing. Not part of CI.
--
--   loraf run scripts/bench_gradient_checkpointing.lua [STEPS] [MODEL]
--   (STEPS timed after one warm-up step, default 5; MODEL default models/SmolLM2-135M-Instruct.Q4_1.gguf)
local BATCH, LENGTH = 8, 128

local function peak_rss_mb()
  for line in io.lines("/proc/self/status") do
    local kib = line:match("^VmHWM:%s+(%d+)")
    if kib then return tonumber(kib) / 1024 end
  end
  return 0 / 0
end

-- One side, in this process: prints "RESULT seconds_per_step=... peak_rss_mb=... loss=...".
local function run_one(checkpointing, steps, path)
  local model = loraf.load_model(path)
  model:adapt{strategy = "lora", name = "bench", r = 16, lora_alpha = 32, lora_dropout = 0.05,
              target_modules = "all-linear", seed = 42}
  model:gradient_checkpointing(checkpointing)
  local chat = model:tokenizer():apply_chat_template({
    {role = "user", content = "Is this review positive or negative? a gripping , funny and moving film ."},
    {role = "assistant", content = "positive"}}, {tokenize = true})
  local ids = {}
  for b = 1, BATCH do
    local row = {}
    for t = 1, LENGTH do row[t] = chat[(t + 7 * b - 1) % #chat + 1] end
    ids[b] = row
  end
  local params = model:named_parameters{trainable = true}
  local opt = loraf.optim.adamw(params, {lr = 1e-4})
  model:train{seed = 42}
  local loss, started = nil, 0
  for step = 0, steps do
    if step == 1 then started = loraf.clock() end
    local logits = model:forward{input_ids = ids}.logits
    loss = loraf.losses.causal_lm(logits, ids)
    loss:backward()
    opt:step()
    opt:zero_grad()
  end
  print(string.format("RESULT seconds_per_step=%.4f peak_rss_mb=%.1f loss=%.6f",
                      (loraf.clock() - started) / steps, peak_rss_mb(), loss:item()))
end

if arg[1] == "--one" then
  run_one(arg[2] == "on", tonumber(arg[3]), arg[4])
  return
end

local steps = tonumber(arg[1] or "5")
local path = arg[2] or "models/SmolLM2-135M-Instruct.Q4_1.gguf"
local loraf_bin, script = arg[-1] or "loraf", arg[0]
local results = {}
for _, side in ipairs{"off", "on"} do
  local pipe = assert(io.popen(string.format("'%s' run '%s' --one %s %d '%s'", loraf_bin, script, side, steps, path)))
  local out = pipe:read("a")
  pipe:close()
  local r = {}
  for k, v in out:gmatch("(%w[%w_]*)=([%d.-]+)") do r[k] = tonumber(v) end
  assert(r.seconds_per_step, "the run with checkpointing " .. side .. " failed:\n" .. out)
  results[side] = r
end
print(string.format("SmolLM2-135M-Instruct Q4_1, LoRA r=16 all-linear, batch %d x %d tokens, %d steps after 1 warm-up, %d threads",
                    BATCH, LENGTH, steps, loraf.threads()))
print("checkpointing   s/step   peak RSS MB   last loss")
for _, side in ipairs{"off", "on"} do
  local r = results[side]
  print(string.format("%-13s  %7.3f   %11.0f   %.6f", side, r.seconds_per_step, r.peak_rss_mb, r.loss))
end
print(string.format("with/without    %6.2fx   %10.2fx", results.on.seconds_per_step / results.off.seconds_per_step,
                    results.on.peak_rss_mb / results.off.peak_rss_mb))
