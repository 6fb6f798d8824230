"""The main job (scripts/sst2_lora.lua) with the Python reference stack: PyTorch + transformers + PEFT.

Same settings: all-MiniLM-L6-v2 from models/, BertForSequenceClassification with 2 labels, LoRA r=8,
lora_alpha=16, lora_dropout=0.1 on query and value, classifier in modules_to_save, AdamW lr 1e-3 with weight
decay 0.01 (not on biases and LayerNorm weights, as transformers' Trainer), linear schedule with 6% warmup,
batch 32 with dynamic padding, max length 64, 3 epochs, seed 42, 2 threads. Prints one JSON line of figures.

    .venv-peft/bin/python scripts/peft_sst2.py [EPOCHS]
"""
import json, math, os, random, resource, sys, time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from peft import LoraConfig, TaskType, get_peft_model
from transformers import AutoTokenizer, BertForSequenceClassification, get_linear_schedule_with_warmup

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
torch.set_num_threads(2)
torch.manual_seed(42)
random.seed(42)
started = time.time()


def read(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                label, text = line.split(" ", 1)
                rows.append((text, int(label)))
    return rows


model_dir = os.path.join(root, "models", "all-MiniLM-L6-v2")
tokenizer = AutoTokenizer.from_pretrained(model_dir)
model = BertForSequenceClassification.from_pretrained(model_dir, num_labels=2)
model = get_peft_model(model, LoraConfig(task_type=TaskType.SEQ_CLS, r=8, lora_alpha=16, lora_dropout=0.1,
                                         target_modules=["query", "value"], modules_to_save=["classifier"]))
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
total = sum(p.numel() for p in model.parameters())

train = read(os.path.join(root, "data/sst2/train.txt"))
dev = read(os.path.join(root, "data/sst2/dev.txt"))


def batches(rows, size, shuffle):
    order = list(range(len(rows)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [rows[i] for i in order[start:start + size]]
        enc = tokenizer([t for t, _ in chunk], padding=True, truncation=True, max_length=64, return_tensors="pt")
        yield enc, torch.tensor([l for _, l in chunk])


decay = [p for n, p in model.named_parameters() if p.requires_grad and not (n.endswith("bias") or "LayerNorm" in n)]
no_decay = [p for n, p in model.named_parameters() if p.requires_grad and (n.endswith("bias") or "LayerNorm" in n)]
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-3)
steps = epochs * math.ceil(len(train) / 32)
scheduler = get_linear_schedule_with_warmup(optimizer, math.ceil(0.06 * steps), steps)

train_seconds, examples, tokens = 0.0, 0, 0
for epoch in range(epochs):
    model.train()
    for enc, labels in batches(train, 32, True):
        t0 = time.time()
        loss = model(**enc, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        train_seconds += time.time() - t0
        examples += len(labels)
        tokens += int(enc["attention_mask"].sum())

model.eval()
correct = 0
with torch.no_grad():
    for enc, labels in batches(dev, 64, False):
        correct += int((model(**enc).logits.argmax(-1) == labels).sum())
print(json.dumps({"side": "peft", "dev_accuracy": correct / len(dev), "train_seconds": train_seconds,
                  "wall_seconds": time.time() - started, "examples_per_second": examples / train_seconds,
                  "tokens_per_second": tokens / train_seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "trainable_parameters": trainable, "total_parameters": total}))
