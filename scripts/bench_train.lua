-- Training-step throughput: the main job (scripts/sst2_lora.lua) cut to 20 steps on the first 1,024 SST-2 lines.
-- Prints examples/s, tokens/s and training seconds.   loraf run scripts/bench_train.lua
local model = loraf.load_model("models/all-MiniLM-L6-v2", {num_labels = 2, seed = 42})
model:adapt{strategy = "lora", name = "sst2", r = 8, lora_alpha = 16, lora_dropout = 0.1, target_modules = {"query", "value"}}
local r = loraf.train{model = model, train = loraf.dataset("data/sst2/train.txt", {limit = 1024}), epochs = 1,
                      batch_size = 32, max_length = 64, log_every = 1000, max_steps = 20}
print(string.format("examples/s %.1f  tokens/s %.0f  training %.2f s  (%d threads)", r.examples_per_second,
                    r.tokens_per_second, r.train_seconds, loraf.threads()))
