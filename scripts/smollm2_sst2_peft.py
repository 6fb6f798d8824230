"""The second main job (scripts/smollm2_sst2.lua) with the Python reference stack: PyTorch + transformers + PEFT.

SmolLM2-135M-Instruct from the same Q4_1 GGUF, dequantized to fp32 by scripts/gguf_to_hf.py, learns to answer
"Is this review positive or negative?" with "positive" or "negative". It reads the train.jsonl and dev.jsonl that
the Lua script wrote into RUN_DIR, so both sides see the same examples. Same settings as the Lua side: LoRA r=16,
lora_alpha=32, lora_dropout=0.05 on q/k/v/o/gate/up/down_proj; one epoch, batch 8 (right padding), max length 128
(longer examples truncated); AdamW lr 2e-4 without weight decay, gradient norm clipped to 1.0, linear schedule
with 3% warmup (rounded up); seed 42; 2 threads. Each record is rendered with the model's chat template; labels
on the assistant answer and its <|im_end|> only (not the template's header, not the newline after <|im_end|>),
as loraf's train_on = "assistant"; the loss is the mean cross-entropy over the labelled tokens of the batch.
Dev accuracy before and after by greedy generation (left padding, 16 prompts a batch, at most 3 new tokens, stop
at <|im_end|>): an answer is right when, trimmed, lower-cased and without a trailing '.', it is the gold word.

    .venv-peft/bin/python scripts/smollm2_sst2_peft.py [RUN_DIR] [HF_MODEL_DIR]

Defaults: runs/smollm2_sst2 and models/SmolLM2-135M-Instruct-hf. Writes the adapter to RUN_DIR/peft_adapter,
prints a table, and as its last line one JSON object with the figures (scripts/compare_smollm2_peft.sh reads it).
Tokens/s counts every non-padding input token, as loraf's trainer does.
"""
import json, math, os, random, resource, sys, time

wall_start = time.time()  # the whole job, torch's import included
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from peft import LoraConfig, TaskType, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer, get_linear_schedule_with_warmup

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
run_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "runs", "smollm2_sst2")
model_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "models", "SmolLM2-135M-Instruct-hf")
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
BATCH, MAX_LENGTH, LR, WARMUP, LOG_EVERY, EVAL_BATCH, MAX_NEW_TOKENS = 8, 128, 2e-4, 0.03, 10, 16, 3
IGNORE = -100

for path, what in [(os.path.join(run_dir, "train.jsonl"), "run scripts/smollm2_sst2.lua first"),
                   (os.path.join(run_dir, "dev.jsonl"), "run scripts/smollm2_sst2.lua first"),
                   (os.path.join(model_dir, "config.json"), "make it with scripts/gguf_to_hf.py")]:
    if not os.path.exists(path):
        sys.exit(f"smollm2_sst2_peft: {path} is missing ({what})")

torch.set_num_threads(2)
torch.manual_seed(42)
random.seed(42)
phases = []


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def timed(name, f, *args):
    t0 = time.time()
    result = f(*args)
    phases.append((name, time.time() - t0))
    print(f"{name}: {phases[-1][1]:.1f} s, peak RSS so far {peak_rss_mb():.0f} MB", flush=True)
    return result


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["messages"] for line in f if line.strip()]


def load():
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    model.eval()
    return tokenizer, model


train_chats = read_jsonl(os.path.join(run_dir, "train.jsonl"))
dev_chats = read_jsonl(os.path.join(run_dir, "dev.jsonl"))
tokenizer, model = timed("load", load)
end_of_turn = tokenizer.convert_tokens_to_ids("<|im_end|>")
special_ids = set(tokenizer.all_special_ids) | {end_of_turn}


def encode(text):
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def tokenize(messages):
    """ids and labels of one chat: the render up to the generation prompt untrained, then the answer piece (what
    the full render adds), trained up to its last special token; whitespace after that token is not trained."""
    prompt = tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True)
    full = tokenizer.apply_chat_template(messages, tokenize=False)
    assert full.startswith(prompt), "the chat template does not extend the prompt with the answer"
    prompt_ids, answer_ids = encode(prompt), encode(full[len(prompt):])
    last_special = max(i for i, t in enumerate(answer_ids) if t in special_ids)
    tail = tokenizer.decode(answer_ids[last_special + 1:])
    trained = last_special + 1 if tail.strip() == "" else len(answer_ids)
    ids = prompt_ids + answer_ids
    labels = [IGNORE] * len(prompt_ids) + answer_ids[:trained] + [IGNORE] * (len(answer_ids) - trained)
    return ids[:MAX_LENGTH], labels[:MAX_LENGTH]


def collate(examples):
    width = max(len(ids) for ids, _ in examples)
    pad = tokenizer.pad_token_id
    ids = torch.tensor([i + [pad] * (width - len(i)) for i, _ in examples])
    mask = torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i, _ in examples])
    labels = torch.tensor([l + [IGNORE] * (width - len(l)) for _, l in examples])
    return ids, mask, labels


def normalise(answer):
    answer = answer.strip().lower()
    return answer[:-1] if answer.endswith(".") else answer


def answer_all(chats):
    tokenizer.padding_side = "left"
    model.eval()
    answers = []
    with torch.no_grad():
        for first in range(0, len(chats), EVAL_BATCH):
            prompts = [tokenizer.apply_chat_template(chat[:-1], tokenize=False, add_generation_prompt=True)
                       for chat in chats[first:first + EVAL_BATCH]]
            enc = tokenizer(prompts, padding=True, add_special_tokens=False, return_tensors="pt")
            out = model.generate(**enc, max_new_tokens=MAX_NEW_TOKENS, do_sample=False,
                                 eos_token_id=end_of_turn, pad_token_id=tokenizer.pad_token_id)
            answers += tokenizer.batch_decode(out[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)
    return answers


def accuracy(chats, answers):
    return sum(normalise(a) == chat[-1]["content"] for chat, a in zip(chats, answers)) / len(chats)


def train(examples):
    steps = math.ceil(len(examples) / BATCH)
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=LR, weight_decay=0.0)
    scheduler = get_linear_schedule_with_warmup(optimizer, math.ceil(WARMUP * steps), steps)
    order = list(range(len(examples)))
    random.Random(42).shuffle(order)
    model.train()
    seconds, tokens, window = 0.0, 0, []
    for step in range(steps):
        t0 = time.time()
        ids, mask, labels = collate([examples[i] for i in order[step * BATCH:(step + 1) * BATCH]])
        logits = model(input_ids=ids, attention_mask=mask).logits
        # Shifted: the logits at t predict the label at t + 1; the mean over the batch's labelled tokens.
        targets = labels[:, 1:]
        loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                                 ignore_index=IGNORE, reduction="sum") / (targets != IGNORE).sum()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        seconds += time.time() - t0
        tokens += int(mask.sum())
        window.append(loss.item())
        if (step + 1) % LOG_EVERY == 0 or step + 1 == steps:
            print(f"step {step + 1}/{steps}  loss {sum(window) / len(window):.4f}", flush=True)
            final_loss, window = sum(window) / len(window), []
    model.eval()
    return {"steps": steps, "final_loss": final_loss, "train_seconds": seconds,
            "train_tokens_per_second": tokens / seconds, "train_examples_per_second": len(examples) / seconds}


before = timed("eval_before", answer_all, dev_chats)
model = get_peft_model(model, LoraConfig(task_type=TaskType.CAUSAL_LM, r=16, lora_alpha=32, lora_dropout=0.05,
                                         target_modules=TARGETS))
model.print_trainable_parameters()
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
total = sum(p.numel() for p in model.parameters())
metrics = timed("train", lambda: train([tokenize(chat) for chat in train_chats]))
after = timed("eval_after", answer_all, dev_chats)
adapter_dir = os.path.join(run_dir, "peft_adapter")
model.save_pretrained(adapter_dir)
adapter_bytes = sum(os.path.getsize(os.path.join(adapter_dir, name))
                    for name in ("adapter_model.safetensors", "adapter_config.json"))

print("\nexample answers (gold: before -> after)")
for chat, b, a in list(zip(dev_chats, before, after))[:6]:
    review = chat[0]["content"].split("Review: ", 1)[-1]
    print(f"  {chat[-1]['content']:8}  {json.dumps(b):14} -> {json.dumps(a):14}  {review[:60]}")

summary = {"side": "peft", "train_examples": len(train_chats), "dev_examples": len(dev_chats),
           "dev_accuracy_before": accuracy(dev_chats, before), "dev_accuracy_after": accuracy(dev_chats, after),
           "trainable_parameters": trainable, "total_parameters": total, **metrics,
           "peak_rss_mb": peak_rss_mb(), "adapter_bytes": adapter_bytes,
           **{f"wall_{name}_seconds": seconds for name, seconds in phases}, "wall_seconds": time.time() - wall_start}
print(f"\n| {'smollm2_sst2 (PEFT)':29} | {'value':>18} |\n|{'-' * 31}|{'-' * 20}|")
for key, value in summary.items():
    print(f"| {key:29} | {value if isinstance(value, (int, str)) else round(value, 4):>18} |")
print(json.dumps(summary))
