-- One side of scripts/bench_lora_vs_full.sh: the main job's training step (MiniLM, SST-2, batch 32, max length 64,
-- the first 1,280 lines, 40 steps) with LoRA r=8 on query/value + head (arg[1] = "lora") or with every parameter
-- trained (arg[1] = "full"). Prints one line: mode, examples/s, seconds per step by phase, peak RSS.
local mode = arg[1] or "lora"
assert(mode == "lora" or mode == "full", "arg[1] must be lora or full")
local model = loraf.load_model("models/all-MiniLM-L6-v2", {num_labels = 2, seed = 42})
if mode == "lora" then
  model:adapt{strategy = "lora", name = "sst2", r = 8, lora_alpha = 16, lora_dropout = 0.1, target_modules = {"query", "value"}}
end
local steps = 40
local r = loraf.train{model = model, train = loraf.dataset("data/sst2/train.txt", {limit = 1280}), epochs = 1,
                      batch_size = 32, max_length = 64, log_every = 1000, max_steps = steps}
local p = r.phase_seconds
print(string.format("%s examples/s %.1f forward_ms %.1f backward_ms %.1f optimizer_ms %.1f peak_rss_mb %.0f trainable %d",
                    mode, r.examples_per_second, 1000 * p.forward / steps, 1000 * p.backward / steps,
                    1000 * p.optimizer / steps, r.peak_rss_mb, r.trainable_parameters))
