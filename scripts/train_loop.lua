-- A training loop written in Lua, step for step what loraf.train does for sequence classification with AdamW,
-- a linear schedule and gradient clipping (gradient_accumulation_steps = 1; no evaluation, logging or
-- checkpoints): the starting point for experiments that change a line of it (a loss, a schedule, an update).
--
--   local loop = dofile("scripts/train_loop.lua")
--   local losses, examples_per_second = loop(model, data, {steps = 200, lr = 1e-3, weight_decay = 0.01,
--       warmup = 0.06, batch_size = 32, max_length = 64, seed = 42, max_grad_norm = 1.0})
--
-- With the same model, data, settings, seed and thread count, losses[i] is the loss loraf.train reports at step i
-- (scripts/bench_lua_loop.lua compares them; LuaTrainingLoopTests checks it).
return function(model, data, o)
  local params = model:named_parameters{trainable = true}
  local opt = loraf.optim.adamw(params, {lr = o.lr, weight_decay = o.weight_decay})
  local schedule = loraf.schedule.linear{lr = o.lr, total_steps = o.steps, warmup = o.warmup}
  local batches = loraf.batches(data, {model = model, batch_size = o.batch_size, max_length = o.max_length, seed = o.seed})
  model:train{seed = o.seed}                            -- dropout masks drawn as loraf.train draws them
  local losses, examples, seconds = {}, 0, 0
  for step = 1, o.steps do
    local started = loraf.clock()
    local batch = batches:next() or batches:next()      -- nil ends an epoch; the next call starts the next one
    local logits = model:forward{inputs = batch.inputs, head_only = true}.logits   -- as loraf.train reads only logits
    local loss = loraf.losses.cross_entropy(logits, batch.labels)
    loss:backward()
    loraf.optim.clip_grad_norm(params, o.max_grad_norm or 1.0)
    opt:step{lr = schedule:lr(step)}
    opt:zero_grad()
    losses[step] = loss:item()
    seconds = seconds + loraf.clock() - started
    examples = examples + batch.size
  end
  model:eval()
  return losses, examples / seconds
end
