-- peft_extras: a Lua plugin (docs/plugins.md) adding the schedule "cosine_restarts": transformers'
-- get_cosine_with_hard_restarts_schedule_with_warmup
-- (loraf.train{schedule = {"cosine_restarts", warmup = 0.1, cycles = 2}, ...}).
local loraf = require "loraf"

-- Warmup as loraf.train's built-in schedules take it: a fraction of the steps (rounded up) or a step count.
local function warmup_steps(warmup, total)
  if warmup == nil then return 0 end
  if math.type(warmup) == "integer" then return warmup end
  return math.ceil(total * warmup)
end

-- Linear warmup from 0, then `cycles` cosine decays from the peak to 0, each restarting at the peak.
-- With w warmup steps, T total steps and c cycles, at the 1-based step s:
--   s < w: lr · s / max(1, w);  p = (s − w) / max(1, T − w);  p ≥ 1: 0;  else lr · ½ (1 + cos(π · ((c · p) mod 1))).
loraf.register_schedule("cosine_restarts", function(step, run)
  local options = run.options
  local cycles = options.cycles or 1
  if math.type(cycles) ~= "integer" or cycles < 1 then
    error("cosine_restarts: 'cycles' must be a positive integer, got " .. tostring(cycles), 0)
  end
  local w = warmup_steps(options.warmup, run.total_steps)
  if step < w then return run.lr * step / math.max(1, w) end
  local progress = (step - w) / math.max(1, run.total_steps - w)
  if progress >= 1 then return 0.0 end
  return run.lr * 0.5 * (1 + math.cos(math.pi * ((cycles * progress) % 1.0)))
end)

return { schedules = { "cosine_restarts" } }
