import Foundation
import XCTest
import LorafTestSupport
@testable import LorafLua

/// A seeded random fuzzer of the whole Lua API (issue 14): a few thousand calls of every documented function and
/// method with extreme, wrong-typed and nil arguments, each under `pcall`, in this one process. The process must
/// survive, and every failure must be an error message (a string) that names the function called.
final class LuaAPIFuzzTests: XCTestCase {
    /// Functions left out: they only print (help) or write files where a random path points (save).
    private static let excluded: Set<String> = ["loraf.help", "loraf.safetensors.save", "Model:save_adapter", "Model:save_merged"]

    func testRandomCallsNeverCrashAndAlwaysNameTheFunction() throws {
        let lua = try LorafLuaHarness()
        let data = try makeScratchFolder("lua-fuzz").appendingPathComponent("d.txt")
        try Data("1 good film\n0 bad film\n1 fine\n".utf8).write(to: data)
        try lua.state.setGlobal("path", .string(try miniLMDirectory().path))
        try lua.state.setGlobal("data", .string(data.path))
        let callables = lua.state.documentation.entries
            .filter { ($0.kind == .function || $0.kind == .method) && !Self.excluded.contains($0.name) }
            .map { LuaValue.string($0.name) }
        XCTAssertGreaterThan(callables.count, 50)
        try lua.state.setGlobal("callables", .list(callables))
        let result = try lua.run(Self.fuzzer)
        let calls = result.first?.integerValue ?? 0, failures = result.dropFirst().first?.integerValue ?? 0
        let violations = LorafLuaHarness.strings(result.dropFirst(2).first ?? .nil)
        XCTAssertGreaterThanOrEqual(calls, 3000)
        XCTAssertGreaterThan(failures, calls / 2, "most random calls should be refused")
        XCTAssertEqual(violations, [], "failures whose message does not name the function")
    }

    /// The fuzzer: picks a callable, a receiver (usually the right object) and 0-3 arguments from a pool of
    /// extreme values; a failed call must leave a string naming the function. Returns calls, failures, violations.
    private static let fuzzer = """
        local seed = 14
        local function rand(n)
          seed = seed * 6364136223846793005 + 1442695040888963407
          return ((seed >> 33) % n) + 1
        end
        local objects = {
          Tensor = loraf.tensor{{1, 2}, {3, 4}},
          Model = loraf.load_model(path, {num_labels = 2}),
          Tokenizer = loraf.tokenizer(path),
          Dataset = loraf.dataset(data),
        }
        local keys = {"r", "strategy", "name", "target_modules", "axis", "seed", "eps", "pair", "max_length", "texts",
          "input_ids", "attention_mask", "format", "limit", "num_labels", "task", "safe_merge", "is_trainable",
          "on_bad_line", "lr", "epochs", "batch_size", "model", "train", "modules_to_save", "rank_pattern",
          "layers_to_transform", "normalize", "skip_special_tokens", "adapter_names", "warmup"}
        local pool = {
          "nil", 0, 1, -1, 2, 3, 0.5, -0.5, 2^31, 2^40, 2^53, 2^62, math.maxinteger, math.mininteger, 1e300, -1e300,
          math.huge, -math.huge, 0/0, true, false, "", "x", "query", "lora", "default", string.rep("\\u{e9}", 300),
          "\\0", "/", "/nonexistent/loraf", {}, {1, 2}, {2^40}, {math.maxinteger}, {-1}, {0, 2^62}, {1.5}, {{1, 2}, {3}},
          {{1, 2}, {3, 4}}, {{2^40}}, {a = 1}, {"a", 2}, {"query", "value"}, {strategy = "lora"}, {query = 2^62},
          function() return 1 end, "record", "record", "object", "object",
        }
        local function value(depth)
          local v = pool[rand(#pool)]
          if v == "nil" then return nil end
          if v == "object" then
            local names = {"Tensor", "Model", "Tokenizer", "Dataset"}
            return objects[names[rand(4)]]
          end
          if v == "record" and depth < 2 then
            local t = {}
            for _ = 1, rand(3) do t[keys[rand(#keys)]] = value(depth + 1) end
            return t
          end
          if v == "record" then return {} end
          return v
        end
        local function resolve(name)
          local class, method = name:match("^(%w+):([%w_]+)$")
          if class then
            local object = objects[class]
            return object and object[method], method, object
          end
          local f = _G
          for part in name:gmatch("[^.]+") do f = f and f[part] end
          return f, name:match("([%w_]+)$")
        end
        local threads = loraf.threads()
        local calls, failures, violations = 0, 0, {}
        for i = 1, 4500 do
          local name = callables[rand(#callables)]
          local f, short, receiver = resolve(name)
          if type(f) == "function" then
            local args, n = {}, rand(4) - 1
            for k = 1, n do args[k] = value(0) end
            local ok, err
            if receiver ~= nil then
              local self = rand(10) == 1 and value(0) or receiver
              ok, err = pcall(f, self, table.unpack(args, 1, n))
            else
              ok, err = pcall(f, table.unpack(args, 1, n))
            end
            calls = calls + 1
            if not ok then
              failures = failures + 1
              if type(err) ~= "string" or not err:find(short, 1, true) then
                if #violations < 20 then violations[#violations + 1] = name .. " -> " .. tostring(err) end
              end
            end
          end
        end
        loraf.threads(threads)
        return calls, failures, violations
        """
}
