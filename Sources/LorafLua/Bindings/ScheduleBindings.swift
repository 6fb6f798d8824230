import LorafTraining

/// What a Lua `Schedule` value holds.
final class ScheduleObject {
    let schedule: LearningRateSchedule
    let name: String
    init(_ schedule: LearningRateSchedule, name: String) {
        self.schedule = schedule
        self.name = name
    }
}

/// `loraf.schedule.constant`, `.linear`, `.cosine` and the `Schedule` class: loraf.train's learning-rate schedules
/// (LorafTraining's, the same code) for a Lua loop.
enum ScheduleBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        let schedules = module.state.module("\(module.name).schedule", doc: """
            Learning-rate schedules as loraf.train uses them: sched:lr(step) for the 1-based optimiser step.
            """)
        schedules.function("constant", doc: """
            loraf.schedule.constant{lr = rate} -> Schedule
            The same rate at every step.
            """) { args in
            let o = try args.options(1, keys: ["lr"])
            return [.object(ScheduleObject(try ConstantSchedule(learningRate: try o.required("lr", o.number)), name: "constant"))]
        }
        schedules.function("linear", doc: """
            loraf.schedule.linear{lr = peak, total_steps = n, warmup = 0} -> Schedule
            Linear warmup from 0 to `lr` over `warmup` (a fraction of total_steps in [0, 1), rounded up, or a \
            whole number of steps), then linear decay to 0 at total_steps: transformers' \
            get_linear_schedule_with_warmup, as loraf.train's {"linear", warmup = ...}.
            Example:
            local schedule = loraf.schedule.linear{lr = 1e-3, total_steps = 10, warmup = 2}
            print(schedule:lr(1), schedule:lr(2), schedule:lr(6), schedule:lr(10))
            --> 0.0005\t0.001\t0.0005\t0.0
            """) { args in
            let o = try args.options(1, keys: ["lr", "total_steps", "warmup"])
            let schedule = try LinearWarmupDecaySchedule(peak: try o.required("lr", o.number), warmup: try TrainingBindings.warmup(o),
                                                         totalSteps: try o.required("total_steps", o.positiveInteger))
            return [.object(ScheduleObject(schedule, name: "linear"))]
        }
        schedules.function("cosine", doc: """
            loraf.schedule.cosine{lr = peak, total_steps = n, warmup = 0, cycles = 0.5} -> Schedule
            Linear warmup, then cosine decay (transformers' get_cosine_schedule_with_warmup), as loraf.train's \
            {"cosine", warmup = ...}.
            """) { args in
            let o = try args.options(1, keys: ["lr", "total_steps", "warmup", "cycles"])
            let schedule = try CosineWarmupSchedule(peak: try o.required("lr", o.number), warmup: try TrainingBindings.warmup(o),
                                                    totalSteps: try o.required("total_steps", o.positiveInteger),
                                                    cycles: try o.number("cycles") ?? 0.5)
            return [.object(ScheduleObject(schedule, name: "cosine"))]
        }
        let scheduleClass = module.defineClass(ScheduleObject.self, name: "Schedule", doc: """
            A learning-rate schedule from loraf.schedule.
            """)
        scheduleClass.tostring { "Schedule \($0.name)" }
        scheduleClass.method("lr", doc: """
            sched:lr(step) -> number
            The learning rate for the 1-based optimiser step; errors outside 1...total_steps.
            """) { object, args in [.number(try object.schedule.learningRate(atStep: try args.integer(2)))] }
    }
}
