-- Loads the same model from a GGUF file and from the Hugging Face folder scripts/gguf_to_hf.py made of it, and
-- prints the largest logit difference of one prompt (the two load paths must agree: same weights, q/k rows in
-- Hugging Face order in both).
--   loraf run scripts/compare_gguf_hf.lua MODEL.gguf HF_FOLDER
local gguf_path, folder = ...
assert(gguf_path and folder, "usage: loraf run scripts/compare_gguf_hf.lua MODEL.gguf HF_FOLDER")
local a = loraf.load_model(gguf_path)
local b = loraf.load_model(folder)
local ids = {a:tokenizer():encode("The capital of France is").ids}
local la = a:forward{input_ids = ids}.logits
local lb = b:forward{input_ids = ids}.logits
local d = la - lb
local worst = ((d * d):max()):sqrt()
print(string.format("loraf GGUF vs loraf HF folder: max |logit difference| = %.2e", worst:item()))
