-- The main job (scripts/sst2_lora.lua) for its first STEPS steps (default 200), trained twice from the same start:
-- by loraf.train and by the hand-written Lua loop of scripts/train_loop.lua. Prints the largest loss difference
-- (expected: at most 1e-6, the same seed and thread count) and both speeds in examples/s (the Lua side is meant to
-- cost little next to the GEMMs: compare on a quiet machine).
--
--   loraf run scripts/bench_lua_loop.lua [STEPS] [TRAIN_FILE]
local steps = tonumber(arg[1] or "200")
local train_file = arg[2] or "data/sst2/train.txt"
local loop = dofile("scripts/train_loop.lua")

local function fresh_model()
  local model = loraf.load_model("models/all-MiniLM-L6-v2", {task = "classification", num_labels = 2, seed = 42})
  model:adapt{strategy = "lora", name = "sst2", r = 8, lora_alpha = 16, lora_dropout = 0.1,
              target_modules = {"query", "value"}, modules_to_save = {"classifier"}, seed = 42}
  return model
end

local data = loraf.dataset(train_file, {num_labels = 2})
local settings = {steps = steps, lr = 1e-3, weight_decay = 0.01, warmup = 0.06, batch_size = 32, max_length = 64,
                  seed = 42, max_grad_norm = 1.0}

local reference = {}
local metrics = loraf.train{model = fresh_model(), train = data, epochs = 3, batch_size = settings.batch_size,
                            max_length = settings.max_length, optimizer = {"adamw", lr = settings.lr, weight_decay = settings.weight_decay},
                            schedule = {"linear", warmup = settings.warmup}, seed = settings.seed, max_steps = steps,
                            log_every = 1000, on_step = function(s) reference[s.step] = s.loss end}
local losses, lua_speed = loop(fresh_model(), data, settings)

local worst, at = 0, 0
for step = 1, steps do
  local difference = math.abs(losses[step] - reference[step])
  if difference > worst then worst, at = difference, step end
end
print(string.format("steps               %d (%d threads)", steps, loraf.threads()))
print(string.format("largest loss diff   %.3g (step %d)", worst, at))
print(string.format("loraf.train         %.1f examples/s", metrics.examples_per_second))
print(string.format("Lua loop            %.1f examples/s (%.1f%% of loraf.train)", lua_speed, 100 * lua_speed / metrics.examples_per_second))
if worst > 1e-6 then error(string.format("the Lua loop's losses differ from loraf.train's by %.3g at step %d", worst, at), 0) end
