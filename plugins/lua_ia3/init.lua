-- lua_ia3: IA³ (Liu et al. 2022, "Few-Shot Parameter-Efficient Fine-Tuning is Better and Cheaper than In-Context
-- Learning") written in Lua with loraf.register_strategy: the same model as the Swift plugin plugins/ia3 and
-- PEFT's IA3Config, built from tensor operations (autograd gives the gradients).
--
--   model:adapt{strategy = "lua_ia3", target_modules = {"key", "value", "output.dense"},
--               feedforward_modules = {"output.dense"}}
--
-- Each target Linear gets a learned vector l: an attention-style target scales its output, y = base(x) * l
-- (l is [out, 1]); a feed-forward target scales its input, y = base(x * l) (l is [1, in]). PEFT's rule decides which
-- is which: a target is feed-forward when its path ends with an entry of feedforward_modules (a plain suffix, so
-- "output.dense" also selects attention.output.dense). Vectors start at 1 (init_ia3_weights = true: a new adapter
-- changes nothing) or N(0, 1) from `seed`. Saved with peft_type "LUA_IA3", keys "<module path>.ia3_l".
local loraf = require "loraf"

local function is_feedforward(path, suffixes)
  for _, suffix in ipairs(suffixes) do
    if path:sub(-#suffix) == suffix then return true end
  end
  return false
end

loraf.register_strategy{
  name = "lua_ia3",
  parameters = {"ia3_l"},
  targets = {"key", "value", "output.dense"},
  options = {feedforward_modules = {"output.dense"}, init_ia3_weights = true, seed = 0},
  init = function(layer, options)
    local shape = is_feedforward(layer.path, options.feedforward_modules)
        and {1, layer.in_features} or {layer.out_features, 1}
    if options.init_ia3_weights then return {ia3_l = loraf.zeros(shape) + 1} end
    return {ia3_l = loraf.randn(shape, {seed = options.seed})}
  end,
  input = function(state, x)
    if is_feedforward(state.layer.path, state.options.feedforward_modules) then return x * state.ia3_l end
    return x
  end,
  forward = function(state, x, base_output)
    if is_feedforward(state.layer.path, state.options.feedforward_modules) then return base_output end
    return base_output * state.ia3_l:reshape{-1}
  end,
  merge = function(state, weight, bias)
    if is_feedforward(state.layer.path, state.options.feedforward_modules) then
      return weight * state.ia3_l, bias          -- columns: W diag(l)
    end
    return weight * state.ia3_l, bias and bias * state.ia3_l:reshape{-1}   -- rows: diag(l) W, l * b
  end,
}

return {strategies = {"lua_ia3"}}
