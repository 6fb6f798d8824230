-- The LoRA paper's comparison at small scale: full fine-tuning, BitFit, Houlsby adapters and LoRA on SST-2 (dev) and
-- TREC (10% of train held out as dev; test reported), all-MiniLM-L6-v2, each strategy in its own process so that
-- its peak RSS is its own. Writes a markdown table (default docs/results.md).
--
--   loraf run scripts/compare_strategies.lua [EPOCHS] [OUTPUT.md]
--
-- LORAF_CMP_LIMIT=N reads only the first N training lines (a quick check that every run works).
-- Learning rates are the usual ones for each kind: 5e-5 for full fine-tuning (BERT), 1e-3 for BitFit, adapters
-- and LoRA.

local strategies = {
  {name = "full fine-tuning", lr = 5e-5, adapt = nil},
  {name = "BitFit", lr = 1e-3, adapt = {strategy = "bitfit"}},
  {name = "Houlsby adapters", lr = 1e-3, adapt = {strategy = "adapter", variant = "houlsby", reduction_factor = 16, seed = 42}},
  {name = "LoRA (r=8, q,v)", lr = 1e-3, adapt = {strategy = "lora", r = 8, lora_alpha = 16, lora_dropout = 0.1, target_modules = {"query", "value"}, seed = 42}},
}
local tasks = {
  {name = "SST-2", labels = 2, train = "data/sst2/train.txt", eval = "data/sst2/dev.txt", encoding = "utf-8"},
  {name = "TREC", labels = 6, train = "data/trec/train.txt", test = "data/trec/test.txt", encoding = "latin-1"},
}

local function file_size(path)
  local f = io.open(path, "rb")
  if not f then return 0 end
  local size = f:seek("end")
  f:close()
  return size
end

-- Worker mode: one strategy on one task; prints a line "RESULT k=v ..." for the parent.
if arg[1] == "--one" then
  local s, t, epochs = strategies[tonumber(arg[2])], tasks[tonumber(arg[3])], tonumber(arg[4])
  local model = loraf.load_model("models/all-MiniLM-L6-v2", {num_labels = t.labels, seed = 42})
  if s.adapt then
    local options = {name = "cmp"}
    for k, v in pairs(s.adapt) do options[k] = v end
    model:adapt(options)
  end
  local limit = tonumber(os.getenv("LORAF_CMP_LIMIT") or "")   -- a smoke test on the first lines only
  local train = loraf.dataset(t.train, {num_labels = t.labels, encoding = t.encoding, limit = limit})
  local eval = t.eval and loraf.dataset(t.eval, {num_labels = t.labels}) or nil
  local test = t.test and loraf.dataset(t.test, {num_labels = t.labels}) or nil
  if not eval then train, eval = train:split(0.1, {seed = 42}) end
  local result = loraf.train{model = model, train = train, eval = eval, epochs = epochs, batch_size = 32, max_length = 64,
                             optimizer = {"adamw", lr = s.lr, weight_decay = 0.01}, schedule = {"linear", warmup = 0.06},
                             seed = 42, log_every = 100}
  local accuracy = result.eval_accuracy
  if test then
    accuracy = loraf.evaluate{model = model, data = test, max_length = 64}.accuracy
  end
  local size
  if s.adapt then
    local dir = os.tmpname()
    os.remove(dir)
    model:save_adapter(dir)
    size = file_size(dir .. "/adapter_model.safetensors")
    os.execute("rm -rf '" .. dir .. "'")
  else
    size = 4 * result.total_parameters   -- a full fine-tune ships every weight (f32)
  end
  print(string.format("RESULT trainable=%d total=%d accuracy=%.4f seconds=%.1f rss=%.0f size=%d",
                      result.trainable_parameters, result.total_parameters, accuracy, result.train_seconds, result.peak_rss_mb, size))
  return
end

local epochs = tonumber(arg[1] or "1")
local output = arg[2] or "docs/results.md"
local loraf_bin = arg[-1] or "loraf"
local script = arg[0]
local rows = {}
for ti, t in ipairs(tasks) do
  for si, s in ipairs(strategies) do
    io.stderr:write(string.format("compare_strategies: %s on %s...\n", s.name, t.name))
    local pipe = assert(io.popen(string.format("'%s' run '%s' --one %d %d %d", loraf_bin, script, si, ti, epochs)))
    local out = pipe:read("a")
    pipe:close()
    local r = {}
    for k, v in out:gmatch("(%w+)=([%d.]+)") do r[k] = tonumber(v) end
    assert(r.accuracy, "the run of " .. s.name .. " on " .. t.name .. " failed:\n" .. out)
    rows[#rows + 1] = string.format("| %s | %s | %s | %.3f%% | %.2f%% | %.0f | %.0f | %.2f MB |", t.name .. (t.test and " (test)" or " (dev)"),
      s.name, tostring(r.trainable):reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""), 100 * r.trainable / r.total,
      100 * r.accuracy, r.seconds, r.rss, r.size / 1048576)
  end
end
local f = assert(io.open(output, "w"))
f:write("# Strategy comparison (the LoRA paper's table at small scale)\n\n")
f:write(string.format("all-MiniLM-L6-v2 (22.7M parameters), %d epoch(s) per run, batch 32, max length 64, AdamW (weight decay 0.01), linear schedule with 6%% warmup, seed 42; each run in its own process.\n\n", epochs))
f:write("| task | strategy | trainable params | % of total | accuracy | training time (s) | peak RSS (MB) | adapter file |\n")
f:write("|---|---|---:|---:|---:|---:|---:|---:|\n")
f:write(table.concat(rows, "\n") .. "\n")
f:close()
print(table.concat(rows, "\n"))
print("written to " .. output)
