import LorafDistributed
import LorafTensor
import LorafTraining

/// `loraf.distributed`: the ranks of a job started by mpirun, and collectives on tensors (docs/distributed.md).
enum DistributedBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        let distributed = module.state.module("\(module.name).distributed", doc: """
            The processes of a data-parallel job (`mpirun -np N loraf run script.lua`, docs/distributed.md). Every \
            rank runs the whole script; loraf.train shards each batch, averages gradients and lets rank 0 alone write \
            files and print progress. Not launched by mpirun: rank 0 of 1, and the collectives return their input's \
            values. A collective must be called by every rank in the same order, or the job waits.
            """)
        distributed.function("rank", doc: """
            loraf.distributed.rank() -> integer
            This process's rank, 0 ... size() - 1 (0 without mpirun).
            """) { _ in [.integer(Distributed.world.rank)] }
        distributed.function("size", doc: """
            loraf.distributed.size() -> integer
            The number of processes in the job (1 without mpirun).
            """) { _ in [.integer(Distributed.world.size)] }
        distributed.function("is_main", doc: """
            loraf.distributed.is_main() -> boolean
            Whether this is rank 0, the rank that writes files and prints progress: guard a script's own output \
            with it (`if loraf.distributed.is_main() then print(...) end`).
            """) { _ in [.boolean(Distributed.world.isMain)] }
        distributed.function("barrier", doc: """
            loraf.distributed.barrier()
            Returns once every rank has called it.
            """) { _ in
            try Distributed.world.barrier()
            return []
        }
        registerCollectives(distributed)
    }

    static func registerCollectives(_ distributed: LuaModuleBuilder) {
        distributed.function("all_reduce", doc: """
            loraf.distributed.all_reduce(tensor [, {op = "sum"}]) -> Tensor
            A new tensor of the same shape holding, element by element, the sum ("sum"), mean ("mean"), maximum \
            ("max") or minimum ("min") of `tensor` over every rank (Float32). Every rank passes a tensor of the same \
            number of elements; otherwise every rank raises an error saying so.
            """) { args in
            let group = Distributed.world
            let tensor = try args.tensor(1)
            let options = try args.options(2, keys: ["op"])
            let name = try options.string("op") ?? "sum"
            guard let operation = name == "mean" ? .sum : ReduceOperation(rawValue: name) else {
                throw options.error("op", mustBe: "\"sum\", \"mean\", \"max\" or \"min\"")
            }
            try requireSameCount(tensor, args.function, group)
            let result = tensor.copy()
            try group.allReduce(UnsafeMutableBufferPointer(start: result.data, count: result.count), operation)
            if name == "mean" { return [args.result(result * (1 / Float(group.size)))] }
            return [args.result(result)]
        }
        distributed.function("broadcast", doc: """
            loraf.distributed.broadcast(tensor, root) -> Tensor
            A new tensor of the same shape holding rank `root`'s values of `tensor` on every rank (root is \
            0 ... size() - 1). Every rank passes a tensor of the same number of elements; otherwise every rank \
            raises an error saying so.
            """) { args in
            let group = Distributed.world
            let tensor = try args.tensor(1)
            let root = try args.integer(2)
            guard (0..<group.size).contains(root) else {
                throw args.error(2, "root must be a rank from 0 to \(group.size - 1), got \(root)")
            }
            try requireSameCount(tensor, args.function, group)
            let result = tensor.copy()
            try group.broadcast(UnsafeMutableBufferPointer(start: result.data, count: result.count), root: root)
            return [args.result(result)]
        }
    }

    /// Raises the same error on every rank when the ranks' tensors differ in element count (a collective over
    /// buffers of different lengths would fail inside MPI or wait forever).
    private static func requireSameCount(_ tensor: Tensor, _ function: String, _ group: ProcessGroup) throws {
        do {
            try group.requireAgreement(["the number of elements": Double(tensor.count)])
        } catch TrainingError.invalidConfig(let message) {
            throw LuaError.argument("\(function): \(message)")
        }
    }
}
