-- Trains a LoRA adapter on a causal LM for a few steps on one chat exchange with loraf.train (chat data, loss on the
-- assistant's turn), so that lora_B is far from zero, and saves it in PEFT's layout. The dev checks
-- (scripts/check_merged_export.sh, scripts/check_peft_loads_adapter.sh) start from it.
--   loraf run scripts/dev/train_chat_lora.lua MODEL ADAPTER_DIR [STEPS]
local model_path, out, steps = ...
assert(model_path and out, "usage: loraf run scripts/dev/train_chat_lora.lua MODEL ADAPTER_DIR [STEPS]")
steps = tonumber(steps or 8)
local data = out .. ".jsonl"
local file = assert(io.open(data, "w"))
file:write('{"messages": [{"role": "user", "content": "What is the capital of France?"}, ',
           '{"role": "assistant", "content": "The capital of France is Lyon, a city on the Rhone."}]}\n')
file:close()
local lm = loraf.load_model(model_path)
lm:adapt{strategy = "lora", r = 8, lora_alpha = 16,
         target_modules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}}
local metrics = loraf.train{model = lm, train = loraf.dataset(data, {format = "messages"}), train_on = "assistant",
                            epochs = steps, batch_size = 1, optimizer = {"adamw", lr = 5e-3, weight_decay = 0},
                            schedule = "constant", seed = 1, log_every = 1000}
print(string.format("%d steps, final loss %.4f", metrics.steps, metrics.final_loss))
lm:save_adapter(out)
print("adapter saved to " .. out)
