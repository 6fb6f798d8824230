#!/usr/bin/env python3
"""Regenerate Tests/Fixtures/chat_templates/expected.json: published chat templates rendered by Python Jinja2.

Dev script (not run by the tests). Needs only `jinja2` (pip install jinja2). The environment is the one
transformers builds for chat templates (transformers.utils.chat_template_utils._compile_jinja_template):
an ImmutableSandboxedEnvironment with trim_blocks=True, lstrip_blocks=True, the loopcontrols extension and
the `generation` block,
its own `tojson` filter (json.dumps with ensure_ascii=False), and the globals raise_exception(message)
(raises TemplateError) and strftime_now(format). Like apply_chat_template, a render receives
messages, add_generation_prompt, the tokenizer's special tokens (bos_token, eos_token) and extra keyword
arguments; like transformers, `tools` and `documents` are passed as None unless given. strftime_now is pinned to 2024-07-26 so outputs are deterministic.

Usage: python3 scripts/render_chat_templates.py   (from the repository root)
"""
import datetime
import json
import os
import sys

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "chat_templates")
PINNED_NOW = datetime.datetime(2024, 7, 26, 12, 0, 0)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return PINNED_NOW.strftime(format)


class AssistantTracker(Extension):
    """transformers' `{% generation %}...{% endgeneration %}` block, which renders its body (transformers also
    records where the assistant's text lies, for assistant masks; the text is the same)."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_render_generation"), [], [], body).set_lineno(lineno)

    def _render_generation(self, caller):
        return caller()


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[AssistantTracker, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def msg(role, content, **extra):
    return {"role": role, "content": content, **extra}


SYSTEM = msg("system", "You are a concise assistant.")
USER_1 = msg("user", "What is the capital of France?")
ASSISTANT_1 = msg("assistant", "  Paris.  ")
USER_2 = msg("user", "And of Italy?\nAnswer in one word.")
UNICODE_USER = msg("user", "Ça va? 日本語 — \"quotes\" and 'apostrophes' \\ backslash")

CONVERSATIONS = {
    "single_user": [USER_1],
    "system_single_user": [SYSTEM, USER_1],
    "multi_turn": [USER_1, ASSISTANT_1, USER_2],
    "system_multi_turn": [SYSTEM, USER_1, ASSISTANT_1, USER_2],
    "ends_with_assistant": [USER_1, ASSISTANT_1],
    "unicode": [UNICODE_USER],
    "two_users": [USER_1, USER_2],
    "tool_role": [USER_1, msg("tool", "42")],
}

TOOLS = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. \"Paris\"."},
                "days": {"type": "integer", "enum": [1, 3, 7]},
            },
            "required": ["city"],
        },
    },
}]
TOOL_CALL_CONVERSATION = [
    SYSTEM,
    msg("user", "Weather in Paris?"),
    msg("assistant", "", tool_calls=[{"type": "function", "function": {
        "name": "get_weather", "arguments": {"city": "Paris", "days": 3, "units": None, "exact": True, "ratio": 0.5}}}]),
    msg("tool", "{\"temp\": 21.5}"),
    msg("tool", "sunny"),
]

LLAMA31_TOOL_CALL = [
    msg("user", "Weather in Paris?"),
    msg("assistant", None, tool_calls=[{"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]),
    msg("tool", {"temp": 21.5, "sky": "clear"}),
]
LLAMA31_BUILTIN_CALL = [
    msg("user", "Search the news."),
    msg("assistant", None, tool_calls=[{"type": "function", "function": {"name": "brave_search", "arguments": {"query": "news", "count": "3"}}}]),
    msg("ipython", "headline"),
]
LLAMA31_TWO_CALLS = [msg("user", "Two things?"), msg("assistant", None, tool_calls=[
    {"type": "function", "function": {"name": "a", "arguments": {}}},
    {"type": "function", "function": {"name": "b", "arguments": {}}}])]

THINKING_CONVERSATION = [
    msg("user", "What is 2 + 2?"),
    msg("assistant", "<think>\nAdd them.\n</think>\n\n4"),
    msg("user", "And 3 + 3?"),
]
NEMO_TOOL_CALL = [
    msg("user", "Weather in Paris?"),
    msg("assistant", None, tool_calls=[{"id": "abc123XYZ", "type": "function",
                                        "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]),
    msg("tool", "{\"temp\": 21.5}", tool_call_id="abc123XYZ"),
    msg("assistant", "It is 21.5 degrees."),
    msg("user", "Thanks!"),
]
NEMO_BAD_ID = [msg("user", "Hi"), msg("assistant", None, tool_calls=[
    {"id": "short", "type": "function", "function": {"name": "f", "arguments": {}}}])]

# Cases with extra keyword arguments (tools...): template name -> (case name, messages, extra)
EXTRA_CASES = {
    "qwen2.5-7b-instruct": [("tools/prompt", TOOL_CALL_CONVERSATION, {"tools": TOOLS})],
    "llama-3.1-8b-instruct": [
        ("tools_in_system/prompt", [SYSTEM] + LLAMA31_TOOL_CALL, {"tools": TOOLS, "tools_in_user_message": False}),
        ("tools_in_user/prompt", LLAMA31_TOOL_CALL, {"tools": TOOLS}),
        ("builtin_tools/prompt", LLAMA31_BUILTIN_CALL, {"builtin_tools": ["code_interpreter", "brave_search"],
                                                       "date_string": "01 Jan 2025"}),
        ("two_tool_calls/prompt", LLAMA31_TWO_CALLS, {}),
    ],
    "qwen3-0.6b": [
        ("thinking/prompt", THINKING_CONVERSATION, {}),
        ("no_thinking/prompt", [USER_1], {"enable_thinking": False}),
        ("tools/prompt", TOOL_CALL_CONVERSATION, {"tools": TOOLS}),
    ],
    "smollm3-3b": [
        ("no_think/prompt", [SYSTEM, USER_1], {"enable_thinking": False}),
        ("thinking_history/prompt", THINKING_CONVERSATION, {}),
        ("tools/prompt", [USER_1], {"tools": TOOLS}),
    ],
    "mistral-nemo-instruct-2407": [
        ("tools/prompt", NEMO_TOOL_CALL, {"tools": TOOLS}),
        ("bad_tool_call_id/prompt", NEMO_BAD_ID, {}),
    ],
}

# name, template file, special tokens, conversations (each rendered with and without the generation prompt)
TEMPLATES = [
    ("smollm2", None, {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>"},
     ["single_user", "system_multi_turn", "ends_with_assistant", "unicode"]),
    ("meta-llama-3-8b-instruct", "meta-llama-3-8b-instruct.jinja",
     {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
     ["single_user", "system_single_user", "multi_turn", "system_multi_turn", "ends_with_assistant", "unicode"]),
    ("gemma-2-2b-it", "gemma-2-2b-it.jinja", {"bos_token": "<bos>", "eos_token": "<eos>"},
     ["single_user", "multi_turn", "ends_with_assistant", "unicode", "system_single_user", "two_users"]),
    ("mistral-7b-instruct-v0.1", "mistral-7b-instruct-v0.1.jinja", {"bos_token": "<s>", "eos_token": "</s>"},
     ["single_user", "multi_turn", "ends_with_assistant", "unicode", "system_single_user", "two_users"]),
    ("llama-2-7b-chat", "llama-2-7b-chat.jinja", {"bos_token": "<s>", "eos_token": "</s>"},
     ["single_user", "system_single_user", "multi_turn", "system_multi_turn", "unicode", "two_users"]),
    ("qwen2-instruct", "qwen2-instruct.jinja", {"eos_token": "<|im_end|>"},
     ["single_user", "system_single_user", "multi_turn", "system_multi_turn", "unicode"]),
    ("qwen2.5-7b-instruct", "qwen2.5-7b-instruct.jinja", {"eos_token": "<|im_end|>"},
     ["single_user", "system_multi_turn", "unicode", "tool_role"]),
    ("qwen3-0.6b", "qwen3-0.6b.jinja", {"eos_token": "<|im_end|>"},
     ["single_user", "system_multi_turn", "unicode"]),
    ("smollm3-3b", "smollm3-3b.jinja", {"eos_token": "<|im_end|>"},
     ["single_user", "system_multi_turn"]),
    ("mistral-nemo-instruct-2407", "mistral-nemo-instruct-2407.jinja", {"bos_token": "<s>", "eos_token": "</s>"},
     ["single_user", "multi_turn", "system_multi_turn", "two_users"]),
    ("llama-3.1-8b-instruct", "llama-3.1-8b-instruct.jinja", {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
     ["single_user", "system_multi_turn", "ends_with_assistant", "unicode"]),
]


# Small templates for each construct of the supported subset, rendered the same way (name, source, context).
# (Tuples and dict views are left unprinted: loraf prints them as lists, docs/chat-templates.md.)
FEATURES = [
    ("trim_blocks", "{% if true %}\nyes\n{% endif %}\nend", {}),
    ("lstrip_blocks", "a\n    {% if true %}\n    b\n    {% endif %}\nc", {}),
    ("lstrip_not_variables", "x\n    {{ 'v' }}\n", {}),
    ("lstrip_plus_keeps", "x\n    {%+ if true %}y{% endif %}", {}),
    ("trim_plus_keeps", "{% if true +%}\ny{% endif %}", {}),
    ("dash_strips", "a   {%- if true -%}   b   {%- endif -%}   c", {}),
    ("variable_dash", "a  \n {{- 'b' -}} \n c", {}),
    ("comment", "a {# note #}\n  {#- strip -#}  b\n{# line #}\nc", {}),
    ("trailing_newline_dropped", "text\n", {}),
    ("crlf", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n", {}),
    ("loop_variables", "{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }}|{% endfor %}", {"xs": ["a", "b", "c"]}),
    ("loop_prev_next", "{% for x in xs %}{{ loop.previtem }}<{{ x }}>{{ loop.nextitem }};{% endfor %}", {"xs": [1, 2, 3]}),
    ("loop_cycle", "{% for x in xs %}{{ loop.cycle('odd', 'even') }} {% endfor %}", {"xs": [1, 2, 3]}),
    ("loop_else", "{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", {"xs": []}),
    ("loop_filter", "{% for x in xs if x > 1 %}{{ x }}{{ loop.length }},{% endfor %}", {"xs": [1, 2, 3]}),
    ("loop_unpack_items", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", {"d": {"b": 1, "a": 2}}),
    ("loop_dict_keys", "{% for k in d %}{{ k }}{% endfor %}", {"d": {"z": 1, "y": 2}}),
    ("loop_break_continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x > 4 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("loop_scope", "{% set x = 1 %}{% for i in [1, 2] %}{% set x = i * 10 %}{{ x }}{% endfor %}{{ x }}", {}),
    ("nested_loops", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index }} {% endfor %}{{ loop.index }}|{% endfor %}", {}),
    ("if_elif_else", "{% for n in [1, 2, 3] %}{% if n == 1 %}one{% elif n == 2 %}two{% else %}many{% endif %} {% endfor %}", {}),
    ("namespace", "{% set ns = namespace(found=false, count=0) %}{% for x in [1, 2, 3] %}{% if x == 2 %}{% set ns.found = true %}{% endif %}{% set ns.count = ns.count + x %}{% endfor %}{{ ns.found }} {{ ns.count }}", {}),
    ("set_block", "{% set greeting %}Hello {{ name }}!{% endset %}[{{ greeting }}]", {"name": "Ada"}),
    ("set_tuple", "{% set a, b = [1, 2] %}{{ b }}{{ a }}", {}),
    ("macro", "{% macro tag(name, value='x') %}<{{ name }}={{ value }}>{% endmacro %}{{ tag('a') }}{{ tag('b', 'y') }}{{ tag(name='c', value=3) }}", {}),
    ("literals", "{{ [1, 'two', 3.5, none, true] }} {{ {'a': 1, 'b': [2]} }} {{ (1, 2) | list }} {{ 'it\\'s' }} {{ \"q\\\"\" }}", {}),
    ("arithmetic", "{{ 7 + 3 }} {{ 7 - 10 }} {{ 7 * 3 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 1.5 + 1 }} {{ 10 / 4 }} {{ 6 / 3 }}", {}),
    ("concat_and_strings", "{{ 'a' ~ 1 ~ none ~ true ~ 2.0 }} {{ 'ab' * 3 }} {{ [1] + [2] }}", {}),
    ("comparisons", "{{ 1 == 1.0 }} {{ 1 != 2 }} {{ 'a' < 'b' }} {{ 2 >= 3 }} {{ 1 < 2 < 3 }} {{ true == 1 }} {{ none == none }}", {}),
    ("logic", "{{ true and 'x' }} {{ false or 'y' }} {{ not 0 }} {{ '' or [] }} {{ 0 and 1 }}", {}),
    ("membership", "{{ 'ell' in 'hello' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1, 2] }}", {}),
    ("ternary", "{{ 'yes' if x else 'no' }} {{ 'a' if false }}|{{ 1 if x > 0 else 2 if x < 0 else 0 }}", {"x": 5}),
    ("indexing_slicing", "{{ xs[0] }} {{ xs[-1] }} {{ xs[1:] }} {{ xs[:2] }} {{ xs[::-1] }} {{ xs[::2] }} {{ s[1:3] }} {{ s[::-1] }} {{ xs[-2:] }} {{ xs[5:] }}", {"xs": [1, 2, 3, 4], "s": "hello"}),
    ("attributes_and_items", "{{ m.role }} {{ m['content'] }} {{ m.get('name', 'anon') }} {{ m.get('role') }} {{ m.missing }}|{{ m.keys() | list }} {{ m.values() | list }}{% for k, v in m.items() %} {{ k }}:{{ v }}{% endfor %}", {"m": {"role": "user", "content": "hi"}}),
    ("string_methods", "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ 'xxhixx'.strip('x') }}|{{ s.upper() }}|{{ s.lower() }}|{{ 'hello world'.title() }}|{{ s.startswith('  He') }}|{{ s.endswith(('x', 'd  ')) }}|{{ 'a,b,,c'.split(',') }}|{{ '  a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'aaa'.replace('a', 'b', 2) }}|{{ 'hELLO'.capitalize() }}", {"s": "  Hello World  "}),
    ("tests", "{{ x is defined }} {{ y is defined }} {{ y is not defined }} {{ y is undefined }} {{ n is none }} {{ x is string }} {{ d is mapping }} {{ xs is iterable }} {{ x is sequence }} {{ 3 is number }} {{ 3.0 is number }} {{ 3 is integer }} {{ 3.0 is float }} {{ true is boolean }} {{ 4 is even }} {{ 3 is odd }} {{ 9 is divisibleby 3 }} {{ d is iterable }} {{ 3 is string }} {{ x is eq 'a' }}", {"x": "a", "n": None, "d": {}, "xs": []}),
    ("filters_text", "{{ '  pad  ' | trim }}|{{ 'xxhixx' | trim('x') }}|{{ 'abc' | upper }}|{{ 'ABC' | lower }}|{{ 'hello WORLD' | capitalize }}|{{ \"they're here-now\" | title }}|{{ '<a&b>' | escape }}|{{ '<b>' | safe }}|{{ 'aXbX' | replace('X', '-') }}", {}),
    ("filters_sequences", "{{ xs | length }} {{ 'héllo' | length }} {{ xs | first }} {{ xs | last }} {{ xs | join(', ') }} {{ xs | reverse | list }} {{ 'abc' | reverse }} {{ 'ab' | list }} {% for k, v in d | items %}{{ k }}{{ v }}{% endfor %} {{ d | length }} {{ ['b', 'A', 'a'] | unique | list }}", {"xs": [3, 1, 2], "d": {"k": "v", "j": 1}}),
    ("filters_default", "{{ missing | default('fallback') }} {{ '' | default('empty', true) }} {{ 'set' | d('x') }} {{ none | default('n') }} {{ missing | length }}", {}),
    ("filters_on_undefined", "[{{ u | trim }}][{{ u | upper }}][{{ u | first }}][{{ u | join(',') }}][{{ u | last }}][{{ u | list }}][{{ u | escape }}][{{ u | capitalize }}][{{ u | items | list }}][{{ u | string }}][{{ u | length }}][{{ u | replace('a', 'b') }}][{{ u | select | list }}]", {}),
    ("filters_conversions", "{{ '42' | int }} {{ 3.9 | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ 2 | float }} {{ 5 | string ~ '!' }} {{ -3 | abs }} {{ true | int }}", {}),
    ("selectattr_map", "{{ ms | selectattr('role', 'equalto', 'user') | map(attribute='content') | list }} {{ ms | rejectattr('role', 'eq', 'user') | list | length }} {{ ms | selectattr('flag') | list | length }}", {"ms": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b", "flag": True}, {"role": "user", "content": "c"}]}),
    ("tojson", "{{ v | tojson }}\n{{ v | tojson(indent=2) }}\n{{ v | tojson(sort_keys=true) }}\n{{ v | tojson(separators=(',', ':')) }}\n{{ 'é\"\\n' | tojson }} {{ 'é' | tojson(ensure_ascii=true) }} {{ [] | tojson(indent=2) }} {{ {} | tojson }}", {"v": {"b": [1, 2.5, None, True], "a": {"x": "y"}, "e": [], "u": "日本"}}),
    ("printing", "{{ none }} {{ true }} {{ 1.0 }} {{ 0.1 }} {{ 1e-05 }} {{ 1e20 }} {{ [\"it's\", 'a\\nb'] }} {{ {'k': none} }} {{ missing }}|", {}),
    ("range_and_dict", "{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ range(5, 0, -2) | list }} {{ dict(a=1, b=2) }}", {}),
    ("raise_exception", "{% if x %}{{ raise_exception('Bad input: ' ~ x) }}{% endif %}never", {"x": 3}),
    ("strftime_now", "{{ strftime_now('%d %b %Y') }} {{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j') }}", {}),
    ("precedence", "{{ 'a' + x | upper }} {{ -3 | abs }} {{ not x is defined }} {{ 2 + 3 * 4 ** 2 }} {{ 'a' ~ 1 * 2 }} {{ (1 + 2) * 3 }}", {"x": "b"}),
    ("adjacent_strings_and_numbers", "{{ 'a' 'b' \"c\" }} {{ 1_000 }} {{ 1.5e3 }} {{ 0.5 }} {{ xs.0 }} {{ 'abc'[1] }} {{ 'abc'[-1] }}", {"xs": [7, 8]}),
    ("comment_lstrip", "a\n  {# c #}\nb\n  {#- d #} e", {}),
    ("dash_in_line", "x {%- if true %} y {% endif -%} z\n", {}),
    ("undefined_loop_items", "{% for x in [1] %}[{{ loop.previtem }}][{{ loop.nextitem }}]{% endfor %}", {}),
    ("set_overrides_context", "{% set messages = messages[1:] %}{{ messages | length }}{% for m in messages %}{{ m }}{% endfor %}", {"messages": ["s", "u", "a"]}),
    ("macro_sees_globals", "{% set g = 'G' %}{% macro m() %}{{ g }}{{ x }}{% endmacro %}{{ m() }}", {"x": "X"}),
    ("escapes", "{{ 'tab\\there' }}|{{ 'nl\\nx' }}|{{ '\\u00e9\\x41' }}|{{ 'back\\\\slash' }}|{{ 'keep\\q' }}", {}),
    ("numbers_print", "{{ 3 / 1 }} {{ 1e300 * 10 }} {{ 2 ** -1 }} {{ 10 // 3.0 }} {{ -7.5 % 2 }} {{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 100000000000000000000.0 }} {{ 123456789.0 }}", {}),
    ("in_operator_strings", "{{ '' in 'abc' }} {{ 'A' in 'abc' }} {{ 'x' not in {'x': 1} }}", {}),
    ("none_and_bool_printing", "{{ none ~ '' }} {{ [none, true, false] }} {{ True }} {{ FALSE is defined }}", {}),
    ("items_unpack_nested", "{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %}", {}),
    ("conditional_chain", "{% set n = 0 %}{{ 'pos' if n > 0 else ('neg' if n < 0 else 'zero') }}", {}),
    ("string_compare_unicode", "{{ 'é' > 'z' }} {{ 'B' < 'a' }} {{ [1, 2] < [1, 3] }}", {}),
    ("split_variants", "{{ 'a  b'.split(' ') }} {{ ' a b '.split(None, 1) }} {{ 'abc'.split('b', maxsplit=0) }} {{ 'x'.split('x') }}", {}),
    ("whitespace_realistic", "{%- for message in messages %}\n    {%- if message.role == 'user' %}\n        {{- '<u>' + message.content }}\n    {%- else %}\n        {{- '<a>' + message.content }}\n    {%- endif %}\n{%- endfor %}\n", {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}),
]


def render_features(env):
    features = []
    for name, source, context in FEATURES:
        case = {"name": name, "source": source, "context": context}
        try:
            case["text"] = env.from_string(source).render(**context)
        except jinja2.exceptions.TemplateError as error:
            case["error"] = str(error)
        features.append(case)
    return features


def render_case(template, messages, add_generation_prompt, special_tokens, extra):
    """The rendered text, or the message of the TemplateError the template raised."""
    try:
        keywords = {"tools": None, "documents": None, **special_tokens, **extra}
        text = template.render(messages=messages, add_generation_prompt=add_generation_prompt, **keywords)
        return {"text": text}
    except jinja2.exceptions.TemplateError as error:
        return {"error": str(error)}


def template_source(name, file):
    if file is None:  # SmolLM2's own template, from the reference fixture the tokenizer tests use
        with open(os.path.join(ROOT, "Tests", "Fixtures", "smollm2", "tokenizer_parity.json"), encoding="utf-8") as f:
            return json.load(f)["chat_template_source"]
    with open(os.path.join(FIXTURES, "templates", file), encoding="utf-8") as f:
        return f.read()


def cases_for(name, template, special_tokens, conversation_names):
    cases = []
    for conversation in conversation_names:
        for add_generation_prompt in (True, False):
            messages = CONVERSATIONS[conversation]
            case = {"name": f"{conversation}/{'prompt' if add_generation_prompt else 'no_prompt'}",
                    "messages": messages, "add_generation_prompt": add_generation_prompt, "extra": {}}
            case.update(render_case(template, messages, add_generation_prompt, special_tokens, {}))
            cases.append(case)
    for case_name, messages, extra in EXTRA_CASES.get(name, []):
        case = {"name": case_name, "messages": messages, "add_generation_prompt": True, "extra": extra}
        case.update(render_case(template, messages, True, special_tokens, extra))
        cases.append(case)
    return cases


def write_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def main():
    env = environment()
    out = {"generator": "scripts/render_chat_templates.py", "jinja2_version": jinja2.__version__, "templates": []}
    for name, file, special_tokens, conversations in TEMPLATES:
        template = env.from_string(template_source(name, file))
        out["templates"].append({"name": name, "file": file, "special_tokens": special_tokens,
                                 "cases": cases_for(name, template, special_tokens, conversations)})
    write_json(os.path.join(FIXTURES, "expected.json"), out)
    write_json(os.path.join(FIXTURES, "features.json"),
               {"generator": "scripts/render_chat_templates.py", "jinja2_version": jinja2.__version__,
                "cases": render_features(env)})
    errors = sum("error" in c for t in out["templates"] for c in t["cases"])
    total = sum(len(t["cases"]) for t in out["templates"])
    print(f"wrote {FIXTURES}: expected.json {len(out['templates'])} templates, {total} cases ({errors} raise); features.json", file=sys.stderr)


if __name__ == "__main__":
    main()
