-- The second main job: SmolLM2-135M-Instruct (Q4_1 GGUF, the base kept in its 4-bit blocks) learns to answer
-- "Is this review positive or negative?" for SST-2 sentences with "positive" or "negative".
--
--   loraf run scripts/smollm2_sst2.lua [RUN_DIR] [TRAIN_LIMIT] [DEV_LIMIT] [COMPUTE_DTYPE]
--   loraf run scripts/smollm2_sst2.lua runs/smollm2_sst2_smoke 64 32      a quick smoke run
--
-- 1. Writes RUN_DIR (default runs/smollm2_sst2) train.jsonl (the first TRAIN_LIMIT, default 2,000, lines of
--    data/sst2/train.txt) and dev.jsonl (the first DEV_LIMIT, default all 872, of data/sst2/dev.txt) as chat
--    records: {"messages": [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "positive"}]}
--    (no system message: SmolLM2's template adds its default one).
-- 2. Zero-shot dev accuracy by greedy generation: an answer counts when, trimmed, lower-cased and without a
--    trailing '.', it is the gold word; anything else is wrong.
-- 3. LoRA r = 16, lora_alpha = 32, lora_dropout = 0.05 on every linear layer of the decoder (lm_head excluded),
--    one epoch, batch 8, AdamW lr 2e-4 without weight decay, linear schedule with 3% warmup, max length 128,
--    seed 42, loss on the assistant's answer and its <|im_end|> only.
-- 4. Dev accuracy after, the adapter in PEFT's format in RUN_DIR/adapter, and one summary table.
-- COMPUTE_DTYPE "fp32" (default) or "bf16": loraf.train's compute_dtype (the frozen 4-bit linears computed from bf16
-- panels on CPUs with AVX512_BF16, fp32 elsewhere with a notice); it stays set for the evaluation after training.
--
-- scripts/smollm2_sst2_peft.py runs the same job with PyTorch + PEFT on the files written in step 1;
-- scripts/compare_smollm2_peft.sh runs both and prints them side by side.

local model_path = "models/SmolLM2-135M-Instruct.Q4_1.gguf"
local run_dir = arg[1] or "runs/smollm2_sst2"
local train_limit = math.tointeger(tonumber(arg[2] or "2000"))
local dev_limit = math.tointeger(tonumber(arg[3] or "872"))
local compute_dtype = arg[4] or "fp32"
local question = "Is this review positive or negative? Answer with one word.\n\nReview: "
local words = {[0] = "negative", [1] = "positive"}
local eval_batch = 16
assert(train_limit and train_limit >= 1, "TRAIN_LIMIT (argument 2) must be a positive integer")
assert(dev_limit and dev_limit >= 1, "DEV_LIMIT (argument 3) must be a positive integer")
assert(not run_dir:find("'", 1, true), "RUN_DIR (argument 1) must not contain a single quote")

local wall_start = loraf.clock()
local phases = {}
local function timed(name, f, ...)
  local t0 = loraf.clock()
  local results = table.pack(f(...))
  phases[#phases + 1] = {name = name, seconds = loraf.clock() - t0}
  return table.unpack(results, 1, results.n)
end

-- SST-2 lines are "LABEL TEXT" (data/README.md): 0 negative, 1 positive.
local function read_sst2(path, limit)
  local rows = {}
  local file = assert(io.open(path, "r"))
  local line_number = 0
  for line in file:lines() do
    line_number = line_number + 1
    if #rows == limit then break end
    if line ~= "" then
      local label, text = line:match("^([01]) (.+)$")
      if not label then error(string.format("%s:%d: expected 'LABEL TEXT' with LABEL 0 or 1", path, line_number), 0) end
      rows[#rows + 1] = {text = text, word = words[tonumber(label)]}
    end
  end
  file:close()
  return rows
end

-- A JSON string literal: quotes, backslashes and control characters escaped; other UTF-8 bytes kept as they are.
local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    local named = {['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t"}
    return named[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function user_message(row) return {role = "user", content = question .. row.text} end

-- Writes `text` to `path` through a temporary file renamed into place.
local function write_text(path, text)
  local temporary = path .. ".tmp"
  local file = assert(io.open(temporary, "w"))
  assert(file:write(text))
  assert(file:close())
  assert(os.rename(temporary, path))
end

-- Writes `rows` as chat records, one JSON object a line.
local function write_jsonl(path, rows)
  local lines = {}
  for _, row in ipairs(rows) do
    lines[#lines + 1] = '{"messages": [{"role": "user", "content": ' .. json_string(question .. row.text)
      .. '}, {"role": "assistant", "content": ' .. json_string(row.word) .. '}]}\n'
  end
  write_text(path, table.concat(lines))
end

local function normalise(answer)
  return (answer:match("^%s*(.-)%s*$"):lower():gsub("%.$", ""))
end

-- Greedy answers to every dev question, `eval_batch` conversations per generate call.
local function answer_all(model, rows)
  local answers = {}
  for first = 1, #rows, eval_batch do
    local conversations = {}
    for i = first, math.min(first + eval_batch - 1, #rows) do conversations[#conversations + 1] = {user_message(rows[i])} end
    local texts = model:generate{conversations = conversations, max_new_tokens = 3, temperature = 0}
    for _, text in ipairs(texts) do answers[#answers + 1] = text end
  end
  return answers
end

local function accuracy(rows, answers)
  local correct = 0
  for i, row in ipairs(rows) do
    if normalise(answers[i]) == row.word then correct = correct + 1 end
  end
  return correct / #rows
end

local function file_size(path)
  local file = assert(io.open(path, "rb"))
  local size = file:seek("end")
  file:close()
  return size
end

-- 1. Data.
assert(os.execute("mkdir -p '" .. run_dir .. "'"), "cannot create " .. run_dir)
local train_rows = read_sst2("data/sst2/train.txt", train_limit)
local dev_rows = read_sst2("data/sst2/dev.txt", dev_limit)
write_jsonl(run_dir .. "/train.jsonl", train_rows)
write_jsonl(run_dir .. "/dev.jsonl", dev_rows)

local lm = timed("load", loraf.load_model, model_path)

-- 2. Zero-shot.
local before = timed("eval_before", answer_all, lm, dev_rows)

-- 3. Training.
lm:adapt{strategy = "lora", name = "sst2", r = 16, lora_alpha = 32, lora_dropout = 0.05, modules_to_save = {},
         target_modules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}}
print((lm:summary()))
local metrics = timed("train", loraf.train, {
  model = lm, train = loraf.dataset(run_dir .. "/train.jsonl", {format = "messages"}), train_on = "assistant",
  batch_size = 8, epochs = 1, max_length = 128,
  optimizer = {"adamw", lr = 2e-4, weight_decay = 0}, schedule = {"linear", warmup = 0.03},
  seed = 42, log_every = 10, run_dir = run_dir .. "/train", compute_dtype = compute_dtype,
})

-- 4. After.
local after = timed("eval_after", answer_all, lm, dev_rows)
lm:save_adapter(run_dir .. "/adapter")
local adapter_bytes = file_size(run_dir .. "/adapter/adapter_model.safetensors")
  + file_size(run_dir .. "/adapter/adapter_config.json")

print("\nexample answers (gold: before -> after)")
for i = 1, math.min(6, #dev_rows) do
  print(string.format("  %-8s  %-14s -> %-14s  %s", dev_rows[i].word, string.format("%q", before[i]),
                      string.format("%q", after[i]), dev_rows[i].text:sub(1, 60)))
end

-- The figures, in the order printed; the keys are those of scripts/smollm2_sst2_peft.py's JSON line.
local summary = {
  {"train_examples", #train_rows}, {"dev_examples", #dev_rows},
  {"dev_accuracy_before", accuracy(dev_rows, before)}, {"dev_accuracy_after", accuracy(dev_rows, after)},
  {"trainable_parameters", metrics.trainable_parameters},
  {"steps", metrics.steps}, {"final_loss", metrics.final_loss}, {"train_seconds", metrics.train_seconds},
  {"train_tokens_per_second", metrics.tokens_per_second}, {"train_examples_per_second", metrics.examples_per_second},
  {"peak_rss_mb", metrics.peak_rss_mb}, {"adapter_bytes", adapter_bytes},
}
for _, phase in ipairs(phases) do summary[#summary + 1] = {"wall_" .. phase.name .. "_seconds", phase.seconds} end
summary[#summary + 1] = {"wall_seconds", loraf.clock() - wall_start}

local function number_text(value)
  return math.type(value) == "integer" and string.format("%d", value) or string.format("%.4f", value)
end
print(string.format("\n| %-29s | %18s |\n|%s|%s|", "smollm2_sst2 (loraf)", "value", string.rep("-", 31), string.rep("-", 20)))
local fields = {'"side": "loraf"'}
for _, entry in ipairs(summary) do
  print(string.format("| %-29s | %18s |", entry[1], number_text(entry[2])))
  fields[#fields + 1] = json_string(entry[1]) .. ": " .. number_text(entry[2])
end
write_text(run_dir .. "/summary.json", "{" .. table.concat(fields, ", ") .. "}\n")
local trainer_phases = {}
for name, seconds in pairs(metrics.phase_seconds) do trainer_phases[#trainer_phases + 1] = string.format("%s %.1f", name, seconds) end
table.sort(trainer_phases)
print("training time by phase (s): " .. table.concat(trainer_phases, ", "))
print("adapter (PEFT format) in " .. run_dir .. "/adapter; figures in " .. run_dir .. "/summary.json")
