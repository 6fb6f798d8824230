-- lua_lora: LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models") written in Lua with
-- loraf.register_strategy, computing what the built-in "lora" strategy computes (without dropout on the branch):
--
--   y = base(x) + (alpha / r) * x A^T B^T,   A [r, in] ~ U(-1/sqrt(in), 1/sqrt(in)), B [out, r] = 0
--
--   model:adapt{strategy = "lua_lora", target_modules = {"query", "value"}, r = 8, lora_alpha = 16}
--
-- A start for variants (rsLoRA's alpha / sqrt(r), a different initialisation): copy this file and change a line.
-- Saved with peft_type "LUA_LORA", keys "<module path>.lora_A" and ".lora_B".
local loraf = require "loraf"

loraf.register_strategy{
  name = "lua_lora",
  parameters = {"lora_A", "lora_B"},
  targets = {"query", "value"},
  options = {r = 8, lora_alpha = 8, seed = 0},
  init = function(layer, options)
    if options.r < 1 then error("lua_lora: r must be a positive integer, got " .. options.r, 0) end
    local bound = 1 / math.sqrt(layer.in_features)
    return {lora_A = loraf.rand({options.r, layer.in_features}, {seed = options.seed, low = -bound, high = bound}),
            lora_B = loraf.zeros{layer.out_features, options.r}}
  end,
  forward = function(state, x, base_output)
    local scale = state.options.lora_alpha / state.options.r
    return base_output + x:matmul(state.lora_A:T()):matmul(state.lora_B:T()) * scale
  end,
  merge = function(state, weight, bias)
    local scale = state.options.lora_alpha / state.options.r
    return weight + state.lora_B:matmul(state.lora_A) * scale, bias
  end,
}

return {strategies = {"lua_lora"}}
