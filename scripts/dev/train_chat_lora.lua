-- Trains a LoRA adapter on a causal LM for a few steps on one chat exchange, with the Lua autograd API (the
-- shifted causal-LM loss over the whole rendered chat), so that lora_B is far from zero, and saves it in PEFT's
-- layout. The dev checks (scripts/check_merged_export.sh, scripts/check_peft_loads_adapter.sh) start from it.
--   loraf run scripts/dev/train_chat_lora.lua MODEL ADAPTER_DIR [STEPS]
local model_path, out, steps = ...
assert(model_path and out, "usage: loraf run scripts/dev/train_chat_lora.lua MODEL ADAPTER_DIR [STEPS]")
steps = tonumber(steps or 8)
local lm = loraf.load_model(model_path)
lm:adapt{strategy = "lora", r = 8, lora_alpha = 16,
         target_modules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}}
local chat = {{role = "user", content = "What is the capital of France?"},
              {role = "assistant", content = "The capital of France is Lyon, a city on the Rhone."}}
local ids = lm:tokenizer():apply_chat_template(chat, {add_generation_prompt = false, tokenize = true})
local params = lm:named_parameters{trainable = true}
local opt = loraf.optim.adamw(params, {lr = 5e-3, weight_decay = 0})
lm:train{seed = 1}
for step = 1, steps do
  local loss = loraf.losses.causal_lm(lm:forward{input_ids = {ids}}.logits, {ids})
  loss:backward()
  opt:step()
  opt:zero_grad()
  print(string.format("step %d: loss %.4f", step, loss:item()))
end
lm:eval()
lm:save_adapter(out)
print("adapter saved to " .. out)
