-- The main job: LoRA fine-tuning of all-MiniLM-L6-v2 on SST-2 (sentence sentiment), evaluated on dev.
-- Settings as the reference PEFT run: r = 8, lora_alpha = 16, lora_dropout = 0.1 on query and value, the
-- classifier trained in full, AdamW lr 1e-3 with weight decay 0.01, linear schedule with 6% warmup, batch 32,
-- max length 64, 3 epochs, seed 42.
--
--   loraf run scripts/sst2_lora.lua [RUN_DIR] [EPOCHS] [MAX_STEPS] [COMPUTE_DTYPE]
--   mpirun -np 2 loraf run scripts/sst2_lora.lua ...   data-parallel, the same job (docs/distributed.md)
--
-- Writes RUN_DIR (default runs/sst2_lora): metrics.jsonl, plot.svg, script.lua, checkpoints, and the adapter in
-- PEFT's format under RUN_DIR/adapter (adapter_config.json + adapter_model.safetensors).
-- COMPUTE_DTYPE is "fp32" (default) or "bf16": the frozen linear layers in bfloat16 on CPUs with AVX512_BF16
-- (loraf.train's compute_dtype; fp32 elsewhere, with a notice); pass "" or "-" for MAX_STEPS to keep every step.

local run_dir = arg[1] or "runs/sst2_lora"
local epochs = tonumber(arg[2] or "3")
local max_steps = tonumber(arg[3])
local compute_dtype = arg[4] or "fp32"
local main = loraf.distributed.is_main()
local started = os.clock()
local wall_start = os.time()

local model = loraf.load_model("models/all-MiniLM-L6-v2", {task = "classification", num_labels = 2, seed = 42})
model:adapt{strategy = "lora", name = "sst2", r = 8, lora_alpha = 16, lora_dropout = 0.1,
            target_modules = {"query", "value"}, modules_to_save = {"classifier"}, seed = 42}
if main then print((model:summary())) end

local result = loraf.train{
  model = model,
  train = loraf.dataset("data/sst2/train.txt", {num_labels = 2}),
  eval = loraf.dataset("data/sst2/dev.txt", {num_labels = 2}),
  epochs = epochs, batch_size = 32, max_length = 64,
  optimizer = {"adamw", lr = 1e-3, weight_decay = 0.01},
  schedule = {"linear", warmup = 0.06},
  seed = 42, log_every = 20, run_dir = run_dir, max_steps = max_steps, compute_dtype = compute_dtype,
}

model:save_adapter(run_dir .. "/adapter")
-- Rank 0 alone reports (every rank holds the same results).
if main then
  print(string.format("dev accuracy        %.2f%%  (macro-F1 %.4f, compute_dtype %s)", 100 * result.eval_accuracy,
                      result.eval_macro_f1, model:compute_dtype()))
  print(string.format("trainable params    %d of %d (%.4f%%)", result.trainable_parameters, result.total_parameters,
                      100 * result.trainable_parameters / result.total_parameters))
  print(string.format("training time       %.1f s (whole job %d s wall)", result.train_seconds, os.time() - wall_start))
  print(string.format("examples/s          %.1f", result.examples_per_second))
  print(string.format("tokens/s            %.0f", result.tokens_per_second))
  print(string.format("peak RSS            %.0f MB", result.peak_rss_mb))
  local phases = {}
  for name, seconds in pairs(result.phase_seconds) do phases[#phases + 1] = string.format("%s %.1f", name, seconds) end
  table.sort(phases)
  print("phase seconds       " .. table.concat(phases, ", "))
  print("adapter (PEFT format) in " .. run_dir .. "/adapter")
  if loraf.distributed.size() > 1 then
    print(string.format("all-reduce          %d bytes/step, %.3f s in the reduce over %d steps (rank 0 of %d)",
                        result.all_reduce_bytes_per_step, result.all_reduce_seconds, result.steps, loraf.distributed.size()))
  end
end
