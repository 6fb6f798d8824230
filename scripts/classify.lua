-- Loads all-MiniLM-L6-v2 for 2-label classification, predicts two sentences, attaches a LoRA adapter
-- and prints what trains.  Usage: loraf run scripts/classify.lua [model folder]
local path = arg[1] or "models/all-MiniLM-L6-v2"
local model = loraf.load_model(path, {task = "classification", num_labels = 2, seed = 0})

local texts = {"A delightful, moving film.", "Dull and far too long."}
local prediction = model:predict{texts = texts}
for i, text in ipairs(texts) do
  print(string.format("%-30s label %d  p = %.4f", text, prediction.labels[i], prediction.probs[i][prediction.labels[i] + 1]))
end

model:adapt{strategy = "lora", name = "sst2", target_modules = {"query", "value"}, r = 8, lora_alpha = 16,
            lora_dropout = 0.1, modules_to_save = {"classifier"}}
local params = model:parameters()
print(string.format("adapter sst2: %d of %d parameters trainable (%.2f%%)", params.trainable, params.total,
                    100 * params.trainable / params.total))
print(string.format("LoRA layers: %d", #model:modules("lora_A%.sst2$")))
